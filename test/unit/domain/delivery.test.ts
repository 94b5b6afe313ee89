/**
 * The pure parts of issue 14's delivery: which timeline entries become which webhook events (with
 * stable message ids), who a notification reaches over which channel, and the Chinese templates.
 */
import { describe, expect, it } from 'vitest';
import { chinaTime, emailMessage, planDeliveries, smsText } from '../../../domain/notices';
import { caseEvent, timelineEvents, webhookPayload } from '../../../domain/webhooks';

describe('timelineEvents', () => {
  const timeline = [
    { at: '2026-03-02T01:00:00.000Z', type: 'submitted' },
    { at: '2026-03-02T02:00:00.000Z', type: 'accepted', department: 'gov-service' },
    { at: '2026-03-02T02:00:00.000Z', type: 'item-dispatched', item: 'business-licence' },
    { at: '2026-03-03T02:00:00.000Z', type: 'item-step-decide', item: 'business-licence', detail: 'decide: 张三' },
    { at: '2026-03-03T02:00:00.000Z', type: 'item-rejected', item: 'business-licence', department: 'market-regulation', detail: '不符合条件' },
  ];

  it('gives the events integrators hear of, each with its timeline position as message id', () => {
    const events = timelineEvents('c1', 'open-restaurant', timeline);
    expect(events.map((e) => [e.messageId, e.type])).toEqual([
      ['msg_c1_e1', 'case.accepted'],
      ['msg_c1_e3', 'item.step_completed'],
      ['msg_c1_e4', 'item.decided'],
    ]);
    expect(events[2]!.data).toEqual({
      caseId: 'c1', bundleId: 'open-restaurant', sequence: 4, event: 'item-rejected', itemId: 'business-licence', department: 'market-regulation', detail: '不符合条件', decision: 'reject',
    });
    expect(webhookPayload(events[0]!)).toEqual({ type: 'case.accepted', timestamp: '2026-03-02T02:00:00.000Z', data: expect.objectContaining({ sequence: 1 }) });
  });

  it('gives the same ids from a later start, and none for what came before it', () => {
    expect(timelineEvents('c1', 'open-restaurant', timeline, 4).map((e) => e.messageId)).toEqual(['msg_c1_e4']);
    expect(timelineEvents('c1', 'open-restaurant', timeline, 5)).toEqual([]);
    expect(caseEvent('review.received', 'c1', 'review-r1', '2026-03-04T00:00:00Z', { level: 1 }).messageId).toBe('msg_c1_review-r1');
  });
});

describe('planDeliveries', () => {
  const notice = { caseId: 'c1', to: ['applicant:S1', 'department:d1', 'department:d2', 'applicant:S1'], subject: { zh: '主题', en: 'S' }, body: { zh: '正文', en: 'B' }, at: '2026-03-02T01:00:00.000Z' };
  const contacts = new Map([
    ['applicant:S1', { phone: '13800000001', email: 's1@example.com' }],
    ['department:d1', { email: 'd1@example.gov.cn' }],
  ]);

  it('reaches applicants in-app and everyone with an address over the channels that are on, once each', () => {
    expect(planDeliveries(notice, contacts, new Set(['in-app', 'sms', 'email']))).toEqual([
      { channel: 'in-app', recipient: 'applicant:S1', address: 'S1' },
      { channel: 'sms', recipient: 'applicant:S1', address: '13800000001' },
      { channel: 'email', recipient: 'applicant:S1', address: 's1@example.com' },
      { channel: 'email', recipient: 'department:d1', address: 'd1@example.gov.cn' },
    ]);
    expect(planDeliveries(notice, contacts, new Set(['in-app']))).toEqual([{ channel: 'in-app', recipient: 'applicant:S1', address: 'S1' }]);
  });
});

describe('templates', () => {
  const notice = { caseId: 'c1', to: [], subject: { zh: '告知承诺未履行，案件终止', en: 'S' }, body: { zh: '材料逾期未提交。', en: 'B' }, at: '2026-03-02T17:05:00.000Z' };
  const facts = { caseId: 'c1', title: { zh: '开办餐饮店一件事', en: 'Open a restaurant' }, applicantName: '王小明' };

  it('writes the SMS and the e-mail in Chinese with the case facts, the time in Beijing', () => {
    expect(chinaTime(notice.at)).toBe('2026年3月3日 01:05');
    expect(smsText(notice, 'applicant:S1', facts)).toBe('【一件事】尊敬的王小明：告知承诺未履行，案件终止。材料逾期未提交。（办件编号 c1，开办餐饮店一件事）');
    expect(smsText(notice, 'department:d1', { caseId: 'c1' })).toBe('【一件事】您好：告知承诺未履行，案件终止。材料逾期未提交。（办件编号 c1）');
    const mail = emailMessage(notice, 'applicant:S1', facts);
    expect(mail.subject).toBe('【开办餐饮店一件事】告知承诺未履行，案件终止');
    expect(mail.text.split('\n')).toEqual(expect.arrayContaining(['尊敬的王小明：', '材料逾期未提交。', '办件编号：c1', '申请人：王小明', '时间：2026年3月3日 01:05（北京时间）']));
  });
});
