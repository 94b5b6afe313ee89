/**
 * Webhook and notification delivery as every process opens it (issue 14): the stores on the app
 * database, the retry policies, and the notification channels from the environment.
 *
 * - `YJS_WEBHOOK_RETRY_WINDOW_HOURS` (default 24): how long a webhook message is retried before it goes
 *   to the dead-letter list; `YJS_WEBHOOK_RETRY_INITIAL_SECONDS` (5) and `YJS_WEBHOOK_RETRY_MAX_SECONDS`
 *   (3600) the first and the longest wait between attempts.
 * - `YJS_WEBHOOK_ALLOWED_HOSTS`: comma-separated host names (or addresses) subscriptions may name;
 *   unset, any. Set it where integrators must not make the worker call inside the network.
 * - `YJS_SMS_GATEWAY_URL` (and `YJS_SMS_GATEWAY_TOKEN`): the SMS channel; unset, no SMS.
 * - `YJS_SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…`) and `YJS_SMTP_FROM`: the e-mail channel; unset, no e-mail.
 * - `YJS_CONTACTS_FILE`: recipients' phone numbers and e-mail addresses (default the sample `adapters/data/contacts.json`).
 * - `YJS_NOTICE_RETRY_WINDOW_HOURS` (default 24): how long a notification delivery is retried before it is failed.
 *
 * In-app notices for applicants are always on.
 */
import type { Kysely } from 'kysely';
import { PostgresNoticeStore } from '../adapters/db/notices';
import { PostgresWebhookStore } from '../adapters/db/webhooks';
import type { Database } from '../adapters/db/schema';
import { DEFAULT_CONTACTS_FILE, FileContactBook, HttpSmsGateway, SmtpMailer, type NoticeDispatch, type NoticeSender } from '../adapters/notices';
import type { WebhookDispatch } from '../adapters/webhooks';
import { DEFAULT_NOTICE_RETRY } from '../domain/notices';
import { DEFAULT_WEBHOOK_RETRY } from '../domain/webhooks';

export interface Delivery {
  webhooks: WebhookDispatch;
  notices: NoticeDispatch;
  /** The channels besides in-app, for the start-up banner. */
  channels: string[];
  close(): void;
}

/** The delivery of this deployment, on its database, configured by the environment. */
export function openDelivery(db: Kysely<Database>, env: NodeJS.ProcessEnv = process.env): Delivery {
  const senders: NoticeSender[] = [];
  const sms = nonEmpty(env.YJS_SMS_GATEWAY_URL);
  if (sms) {
    if (!URL.canParse(sms) || !/^https?:$/.test(new URL(sms).protocol)) throw new Error(`YJS_SMS_GATEWAY_URL must be an http(s) URL, not ${JSON.stringify(sms)}`);
    senders.push(new HttpSmsGateway({ url: sms, ...(nonEmpty(env.YJS_SMS_GATEWAY_TOKEN) ? { token: nonEmpty(env.YJS_SMS_GATEWAY_TOKEN) } : {}) }));
  }
  const smtp = nonEmpty(env.YJS_SMTP_URL);
  if (smtp) {
    if (!URL.canParse(smtp) || !/^smtps?:$/.test(new URL(smtp).protocol)) throw new Error(`YJS_SMTP_URL must be an smtp:// or smtps:// URL, not ${JSON.stringify(smtp)}`);
    const from = nonEmpty(env.YJS_SMTP_FROM);
    if (!from) throw new Error('YJS_SMTP_URL is set without YJS_SMTP_FROM (the sender, e.g. "一件事 <noreply@example.gov.cn>")');
    senders.push(new SmtpMailer({ url: smtp, from }));
  } else if (nonEmpty(env.YJS_SMTP_FROM)) {
    throw new Error('YJS_SMTP_FROM is set without YJS_SMTP_URL: set the SMTP server too, or unset it');
  }
  const allowedHosts = (env.YJS_WEBHOOK_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter((h) => h.length > 0);
  return {
    webhooks: {
      store: new PostgresWebhookStore(db),
      retry: {
        ...DEFAULT_WEBHOOK_RETRY,
        windowMs: hours(env, 'YJS_WEBHOOK_RETRY_WINDOW_HOURS') ?? DEFAULT_WEBHOOK_RETRY.windowMs,
        initialIntervalMs: seconds(env, 'YJS_WEBHOOK_RETRY_INITIAL_SECONDS') ?? DEFAULT_WEBHOOK_RETRY.initialIntervalMs,
        maximumIntervalMs: seconds(env, 'YJS_WEBHOOK_RETRY_MAX_SECONDS') ?? DEFAULT_WEBHOOK_RETRY.maximumIntervalMs,
      },
      ...(allowedHosts.length > 0 ? { allowedHosts } : {}),
    },
    notices: {
      store: new PostgresNoticeStore(db),
      contacts: new FileContactBook(nonEmpty(env.YJS_CONTACTS_FILE) ?? DEFAULT_CONTACTS_FILE),
      senders,
      retry: { ...DEFAULT_NOTICE_RETRY, windowMs: hours(env, 'YJS_NOTICE_RETRY_WINDOW_HOURS') ?? DEFAULT_NOTICE_RETRY.windowMs },
    },
    channels: senders.map((s) => s.channel),
    close() {
      for (const sender of senders) sender.close?.();
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function positive(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = nonEmpty(env[name]);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not ${JSON.stringify(value)}`);
  return n;
}

const hours = (env: NodeJS.ProcessEnv, name: string) => (positive(env, name) === undefined ? undefined : Math.round(positive(env, name)! * 3_600_000));
const seconds = (env: NodeJS.ProcessEnv, name: string) => (positive(env, name) === undefined ? undefined : Math.round(positive(env, name)! * 1000));
