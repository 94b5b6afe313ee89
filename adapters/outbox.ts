/**
 * The notification outbox: messages for applicants and departments (a broken commitment, …) kept
 * durably until a delivery channel (SMS, e-mail, a province's message platform) drains and sends them.
 * Putting a message is idempotent by its key, so a retried activity leaves one message.
 *
 * {@link DocumentOutbox} keeps them in the document store under `notifications/{caseId}/{key}`;
 * `PostgresOutbox` (`adapters/db/outbox.ts`) in a table of their own, where a delivery channel finds
 * the undelivered ones.
 */
import type { DocumentStore } from './documents';

/** A message for people, in Chinese and English; not a sealed document (those are `Sealer`'s). */
export interface Notification {
  caseId: string;
  /** Who it is for: `applicant:{subjectId}`, `department:{id}`. */
  to: string[];
  subject: { zh: string; en: string };
  body: { zh: string; en: string };
  /** ISO 8601 instant from the caller (the workflow's time). */
  at: string;
}

/** A notification in the outbox, under the key it was put with. */
export interface OutboxEntry {
  key: string;
  notification: Notification;
  /** When it was put: an ISO instant. */
  createdAt: string;
}

/** Where notifications wait for delivery. */
export interface Outbox {
  /** Puts the notification in the outbox once: a second put with the same case and key keeps the first. */
  put(key: string, notification: Notification): Promise<void>;
  /** A case's notifications, oldest first. */
  list(caseId: string): Promise<OutboxEntry[]>;
}

/** The store key of a case's notification. */
export const notificationKey = (caseId: string, key: string): string => `notifications/${caseId}/${key}`;

/** The outbox in the document store, beside the case's sealed documents. */
export class DocumentOutbox implements Outbox {
  constructor(private readonly documents: DocumentStore) {}

  async put(key: string, notification: Notification): Promise<void> {
    await this.documents.createOnce<Notification>(notificationKey(notification.caseId, key), () => notification);
  }

  async list(caseId: string): Promise<OutboxEntry[]> {
    const prefix = notificationKey(caseId, '');
    const docs = await this.documents.list<Notification>(prefix);
    return docs.map((d) => ({ key: d.key.slice(prefix.length), notification: d.body, createdAt: d.createdAt }));
  }
}
