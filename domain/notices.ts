/**
 * Notification delivery (issue 14): who a notification of the outbox goes to over which channel, the
 * Chinese templates of the SMS and the e-mail with the case's facts, and the names the delivery
 * workflow is started by. Pure: shared by the workflows (names, input), the activities and adapters.
 */
import type { Localized } from './application';

/** The delivery channels: an SMS gateway over HTTP, e-mail over SMTP, the applicant's in-app notices. */
export const NOTICE_CHANNELS = ['sms', 'email', 'in-app'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

/** A notification as the outbox keeps it (`adapters/outbox.ts` `Notification`). */
export interface NoticeText {
  caseId: string;
  to: string[];
  subject: Localized;
  body: Localized;
  at: string;
}

/** What the templates say about the case besides the notification (from the read model, when it has the case). */
export interface CaseFacts {
  caseId: string;
  title?: Localized;
  applicantName?: string;
}

/** Where a recipient can be reached. */
export interface Contact {
  phone?: string;
  email?: string;
}

/** One delivery a notification needs: a channel, a recipient (`applicant:…`, `department:…`, `person:…`) and its address there. */
export interface PlannedDelivery {
  channel: NoticeChannel;
  recipient: string;
  address: string;
}

/**
 * Every delivery of a notification: each applicant gets an in-app notice (the applicant screens show
 * them), and every recipient an SMS and an e-mail where the channel is on and their contact has a
 * number or an address. A recipient with neither is reached in-app only (applicants) or not at all.
 */
export function planDeliveries(notice: NoticeText, contacts: ReadonlyMap<string, Contact>, channels: ReadonlySet<NoticeChannel>): PlannedDelivery[] {
  const planned: PlannedDelivery[] = [];
  for (const recipient of [...new Set(notice.to)]) {
    const applicant = /^applicant:(.+)$/.exec(recipient)?.[1];
    if (applicant && channels.has('in-app')) planned.push({ channel: 'in-app', recipient, address: applicant });
    const contact = contacts.get(recipient);
    if (contact?.phone && channels.has('sms')) planned.push({ channel: 'sms', recipient, address: contact.phone });
    if (contact?.email && channels.has('email')) planned.push({ channel: 'email', recipient, address: contact.email });
  }
  return planned;
}

/** The time of a notification as people in China read it: 2026年3月2日 09:00. */
export function chinaTime(instant: string): string {
  const local = new Date(Date.parse(instant) + 8 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.getUTCFullYear()}年${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}

/** The greeting of a recipient: the applicant by name, anyone else as 您好. */
function greeting(recipient: string, facts: CaseFacts): string {
  return recipient.startsWith('applicant:') && facts.applicantName ? `尊敬的${facts.applicantName}` : '您好';
}

/** The SMS: signed 【一件事】, the subject, the text, the case number (and the bundle's name). */
export function smsText(notice: NoticeText, recipient: string, facts: CaseFacts): string {
  const bundle = facts.title ? `，${facts.title.zh}` : '';
  return `【一件事】${greeting(recipient, facts)}：${notice.subject.zh}。${notice.body.zh}（办件编号 ${notice.caseId}${bundle}）`;
}

/** The e-mail: a subject naming the bundle, and a plain-text body with the case's facts. */
export function emailMessage(notice: NoticeText, recipient: string, facts: CaseFacts): { subject: string; text: string } {
  const subject = facts.title ? `【${facts.title.zh}】${notice.subject.zh}` : notice.subject.zh;
  const lines = [
    `${greeting(recipient, facts)}：`,
    '',
    notice.body.zh,
    '',
    ...(facts.title ? [`事项：${facts.title.zh}`] : []),
    `办件编号：${notice.caseId}`,
    ...(facts.applicantName ? [`申请人：${facts.applicantName}`] : []),
    `时间：${chinaTime(notice.at)}（北京时间）`,
    '',
    '本邮件由“高效办成一件事”系统自动发送，请勿直接回复。',
  ];
  return { subject, text: lines.join('\n') };
}

// --- delivery -------------------------------------------------------------------------------------

/** How each delivery is retried before it is recorded as failed (visible to admins, who may retry it). */
export interface NoticeRetryPolicy {
  initialIntervalMs: number;
  maximumIntervalMs: number;
  windowMs: number;
  /** How long one attempt (an SMS gateway call, an SMTP session) may take. */
  attemptTimeoutMs: number;
}

/** 10 s, 20 s … at most 30 minutes apart, for 24 hours; 30 s per attempt. */
export const DEFAULT_NOTICE_RETRY: NoticeRetryPolicy = {
  initialIntervalMs: 10_000,
  maximumIntervalMs: 30 * 60_000,
  windowMs: 24 * 3_600_000,
  attemptTimeoutMs: 30_000,
};

/** The workflow that delivers one notification of the outbox over every channel it needs. */
export const NOTICE_DELIVERY_WORKFLOW = 'noticeDeliveryWorkflow';
/** The signal an admin's retry sends (with signal-with-start), so that a run about to finish delivers the failed ones again. */
export const NOTICE_RETRY_SIGNAL = 'noticeRetryRequested';
export const noticeDeliveryWorkflowId = (caseId: string, key: string): string => `notice-${caseId}-${key}`;

export interface NoticeDeliveryInput {
  caseId: string;
  key: string;
  retry: NoticeRetryPolicy;
}
