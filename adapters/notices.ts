/**
 * Notification delivery: the outbox's notifications sent over pluggable channels — an SMS gateway
 * over HTTP, e-mail over SMTP (`nodemailer`) and the applicant's in-app notices — each delivery once
 * per (notification, channel, recipient), its attempts and failures recorded (`db/notices.ts`).
 *
 * Idempotent by notice id at both ends: the store never sends a delivery it has recorded as
 * delivered, the SMS gateway gets the delivery's id as `Idempotency-Key`, and every e-mail of a
 * delivery has the same `Message-ID`, so a retry after a lost answer is recognisable downstream.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { createTransport, type Mail } from 'nodemailer';
import { z } from 'zod';
import {
  emailMessage,
  NOTICE_DELIVERY_WORKFLOW,
  NOTICE_RETRY_SIGNAL,
  noticeDeliveryWorkflowId,
  smsText,
  type CaseFacts,
  type Contact,
  type NoticeChannel,
  type NoticeDeliveryInput,
  type NoticeRetryPolicy,
  type NoticeText,
  type PlannedDelivery,
} from '../domain/notices';
import { parseJsonText } from './json-data';

/** A notification's id: stable for its (case, outbox key). */
export function notificationId(caseId: string, key: string): string {
  return createHash('sha256').update(`${caseId}\n${key}`).digest('hex').slice(0, 32);
}

/** An in-app notice's id: stable for its (case, outbox key, applicant). */
export function inAppNoticeId(caseId: string, key: string, subjectId: string): string {
  return createHash('sha256').update(`${caseId}\n${key}\n${subjectId}`).digest('hex').slice(0, 32);
}

export type NoticeDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One delivery as recorded. */
export interface NoticeDelivery extends PlannedDelivery {
  notificationId: string;
  caseId: string;
  key: string;
  status: NoticeDeliveryStatus;
  attempts: number;
  lastAttemptAt?: string;
  lastError?: string;
  deliveredAt?: string;
  failedAt?: string;
}

/** An applicant's in-app notice. */
export interface InAppNotice {
  id: string;
  caseId: string;
  subject: { zh: string; en: string };
  body: { zh: string; en: string };
  at: string;
  readAt?: string;
}

export interface NoticeStore {
  /** The notification the outbox holds under (case, key). */
  notification(caseId: string, key: string): Promise<NoticeText | undefined>;
  /** The case's facts for the templates (its bundle's title and the applicant), when the read model has the case. */
  caseFacts(caseId: string): Promise<CaseFacts>;
  /** Records the deliveries a notification needs (each once), and answers them all as recorded. */
  plan(caseId: string, key: string, planned: readonly PlannedDelivery[]): Promise<NoticeDelivery[]>;
  delivery(caseId: string, key: string, channel: NoticeChannel, recipient: string): Promise<NoticeDelivery | undefined>;
  /** An attempt: delivered (once), or its error; only a delivery not yet delivered changes. */
  recordAttempt(caseId: string, key: string, channel: NoticeChannel, recipient: string, outcome: { ok: boolean; at: string; error?: string }): Promise<void>;
  /** Gave up after the retry window: failed, visible to admins. */
  markFailed(caseId: string, key: string, channel: NoticeChannel, recipient: string, error: string): Promise<void>;
  /** Marks the outbox entry delivered when every delivery of it is; whether it now is. */
  settle(caseId: string, key: string): Promise<boolean>;
  /** Adds the applicant's in-app notice, once. */
  addInApp(caseId: string, key: string, subjectId: string, notice: NoticeText): Promise<void>;
  /** An applicant's notices, newest first, and how many are unread. */
  inApp(subjectId: string, limit: number): Promise<{ notices: InAppNotice[]; unread: number }>;
  /** Marks the applicant's notice read; undefined when it is not theirs (or not there). */
  markRead(subjectId: string, id: string): Promise<InAppNotice | undefined>;
  /** Failed deliveries, newest first. */
  failures(limit: number): Promise<NoticeDelivery[]>;
  /** Makes a notification's failed deliveries pending again; its (case, key), or undefined when none is left to deliver. */
  resetFailed(notificationId: string): Promise<{ caseId: string; key: string } | undefined>;
}

// --- channels ---------------------------------------------------------------------------------------

/** A message going out over SMS or e-mail. */
export interface OutgoingNotice {
  /** The delivery's id: the same on every attempt. */
  deliveryId: string;
  notice: NoticeText;
  recipient: string;
  address: string;
  facts: CaseFacts;
}

/** A channel that sends to an address outside (SMS, e-mail); in-app notices are the store's. */
export interface NoticeSender {
  readonly channel: Exclude<NoticeChannel, 'in-app'>;
  /** Sends once; throws with a reason when it did not. */
  send(message: OutgoingNotice): Promise<void>;
  close?(): void;
}

/**
 * An SMS gateway over HTTP: `POST {url}` with `{ "id", "to", "text" }` in JSON, `Idempotency-Key: {id}`
 * and, when given, `Authorization: Bearer {token}`. A 2xx is sent; anything else is retried.
 */
export class HttpSmsGateway implements NoticeSender {
  readonly channel = 'sms' as const;

  constructor(private readonly options: { url: string; token?: string; timeoutMs?: number }) {}

  async send(message: OutgoingNotice): Promise<void> {
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': message.deliveryId,
        ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
      },
      body: JSON.stringify({ id: message.deliveryId, to: message.address, text: smsText(message.notice, message.recipient, message.facts) }),
      redirect: 'manual',
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
    });
    await response.body?.cancel().catch(() => undefined);
    if (!response.ok) throw new Error(`SMS gateway answered HTTP ${response.status}`);
  }
}

/** E-mail over SMTP with nodemailer, from `from`, to the URL's server (`smtp://user:pass@host:587`, `smtps://…`). */
export class SmtpMailer implements NoticeSender {
  readonly channel = 'email' as const;
  private readonly transport: Mail;

  constructor(private readonly options: { url: string; from: string; timeoutMs?: number }) {
    const timeout = options.timeoutMs ?? 30_000;
    this.transport = createTransport({ url: options.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  }

  async send(message: OutgoingNotice): Promise<void> {
    const { subject, text } = emailMessage(message.notice, message.recipient, message.facts);
    await this.transport.sendMail({
      from: this.options.from,
      to: message.address,
      subject,
      text,
      messageId: `<${message.deliveryId}@yijianshi.notices>`,
      headers: { 'X-Yijianshi-Case': message.notice.caseId },
    });
  }

  close(): void {
    this.transport.close();
  }
}

// --- contacts -------------------------------------------------------------------------------------

/** Where recipients are reached: a phone number and an e-mail address per recipient. */
export interface ContactBook {
  contactsOf(recipients: readonly string[]): Promise<Map<string, Contact>>;
}

export const DEFAULT_CONTACTS_FILE = fileURLToPath(new URL('./data/contacts.json', import.meta.url));

const ContactsFile = z.object({
  note: z.string().optional(),
  /** By recipient: `applicant:{subjectId}`, `department:{id}`, `person:{id}`. */
  contacts: z.record(
    z.string().regex(/^(applicant|department|person):.+$/),
    z.object({ phone: z.string().regex(/^\+?[0-9]{5,20}$/).optional(), email: z.email().optional() }).strict(),
  ),
});

/** The contacts of a JSON file (`data/contacts.json`: the sample departments and applicants), read once. */
export class FileContactBook implements ContactBook {
  private contacts: Promise<Map<string, Contact>> | undefined;

  constructor(private readonly file: string = DEFAULT_CONTACTS_FILE) {}

  async contactsOf(recipients: readonly string[]): Promise<Map<string, Contact>> {
    this.contacts ??= readFile(this.file, 'utf8').then((text) => {
      const parsed = parseJsonText(text, ContactsFile);
      if ('issues' in parsed) throw new Error(`${this.file}: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
      return new Map(Object.entries(parsed.data.contacts));
    });
    const all = await this.contacts;
    return new Map(recipients.flatMap((r) => (all.has(r) ? [[r, all.get(r)!] as const] : [])));
  }
}

/** A fixed set of contacts (tests, or a deployment that builds them itself). */
export class MemoryContactBook implements ContactBook {
  constructor(private readonly contacts: Record<string, Contact>) {}

  async contactsOf(recipients: readonly string[]): Promise<Map<string, Contact>> {
    return new Map(recipients.flatMap((r) => (this.contacts[r] ? [[r, this.contacts[r]] as const] : [])));
  }
}

// --- delivery ---------------------------------------------------------------------------------------

/** What the activities deliver notifications with. */
export interface NoticeDispatch {
  store: NoticeStore;
  contacts: ContactBook;
  /** The channels that are on besides in-app (which always is): the configured SMS gateway, SMTP server. */
  senders: NoticeSender[];
  retry: NoticeRetryPolicy;
}

/**
 * Starts the delivery workflow of a notification. A running one is left alone (it is delivering);
 * a finished one is started again, which sends only what is not delivered yet.
 */
export async function startNoticeDelivery(client: Client, taskQueue: string, input: NoticeDeliveryInput): Promise<void> {
  try {
    await client.workflow.start(NOTICE_DELIVERY_WORKFLOW, {
      workflowId: noticeDeliveryWorkflowId(input.caseId, input.key),
      taskQueue,
      args: [input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
  } catch (err) {
    if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
  }
}

/**
 * Retries a notification's failed deliveries (made pending again by the caller): wakes its delivery
 * workflow, or starts it (signal-with-start), so that a run that was just finishing delivers them too.
 */
export async function retryNoticeDelivery(client: Client, taskQueue: string, input: NoticeDeliveryInput): Promise<void> {
  await client.workflow.signalWithStart(NOTICE_DELIVERY_WORKFLOW, {
    workflowId: noticeDeliveryWorkflowId(input.caseId, input.key),
    taskQueue,
    args: [input],
    signal: NOTICE_RETRY_SIGNAL,
    signalArgs: [],
  });
}
