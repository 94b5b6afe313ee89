import { describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../../../adapters/documents';
import { DocumentOutbox, notificationKey, type Notification } from '../../../adapters/outbox';

const notification = (subject: string): Notification => ({
  caseId: 'c1',
  to: ['applicant:91350100M000100Y43', 'department:market-regulation'],
  subject: { zh: subject, en: subject },
  body: { zh: '正文', en: 'Body' },
  at: '2026-03-02T01:00:00.000Z',
});

describe('DocumentOutbox', () => {
  it('keeps one notification per case and key, the first, whatever the retries', async () => {
    const documents = new MemoryDocumentStore();
    const outbox = new DocumentOutbox(documents);
    await outbox.put('commitment-broken', notification('first'));
    await outbox.put('commitment-broken', notification('retry'));
    const stored = await documents.list<Notification>('notifications/c1/');
    expect(stored.map((d) => d.body.subject.en)).toEqual(['first']);
    expect((await documents.get<Notification>(notificationKey('c1', 'commitment-broken')))?.body).toEqual(notification('first'));
  });
});
