/**
 * 0005: webhook deliveries and notification delivery (issue 14, points 2 and 3).
 *
 * - `webhook_subscriptions` gain a description; `webhook_deliveries` an order (`seq`: a case's events
 *   are delivered to a subscription in the order they were queued), the time they went to the
 *   dead-letter list and how often they were replayed, and an index for "the next one of this case".
 * - `notification_deliveries`: each notification of the outbox once per (channel, recipient), with its
 *   attempts and the last failure, so a retry never sends twice and an admin sees what failed.
 * - `notices`: the applicant's in-app notices (what the applicant screens show), once per
 *   notification and applicant.
 *
 * `down` drops what this adds: the columns were empty before it, the tables are new.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE webhook_subscriptions ADD COLUMN description text`.execute(db);
  await sql`
    ALTER TABLE webhook_deliveries
      ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      ADD COLUMN dead_at timestamptz,
      ADD COLUMN replays integer NOT NULL DEFAULT 0`.execute(db);
  // The delivery workflow of a (subscription, case) takes its next message in queue order.
  await sql`CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (subscription_id, case_id, status, seq)`.execute(db);
  // A subscription's delivery log, newest first.
  await sql`CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, seq DESC)`.execute(db);

  await sql`
    CREATE TABLE notification_deliveries (
      notification_id text NOT NULL,
      case_id text NOT NULL,
      key text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('sms', 'email', 'in-app')),
      recipient text NOT NULL,
      address text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      last_attempt_at timestamptz,
      last_error text,
      delivered_at timestamptz,
      failed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (notification_id, channel, recipient),
      FOREIGN KEY (case_id, key) REFERENCES outbox (case_id, key) ON DELETE CASCADE
    )`.execute(db);
  await sql`CREATE INDEX notification_deliveries_failed ON notification_deliveries (failed_at DESC) WHERE status = 'failed'`.execute(db);
  await sql`CREATE INDEX notification_deliveries_notice ON notification_deliveries (case_id, key)`.execute(db);

  await sql`
    CREATE TABLE notices (
      id text PRIMARY KEY,
      subject_id text NOT NULL,
      case_id text NOT NULL,
      key text NOT NULL,
      subject jsonb NOT NULL,
      body jsonb NOT NULL,
      at timestamptz NOT NULL,
      read_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (case_id, key, subject_id)
    )`.execute(db);
  await sql`CREATE INDEX notices_subject ON notices (subject_id, at DESC, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE notices`.execute(db);
  await sql`DROP TABLE notification_deliveries`.execute(db);
  await sql`DROP INDEX webhook_deliveries_log`.execute(db);
  await sql`DROP INDEX webhook_deliveries_queue`.execute(db);
  await sql`ALTER TABLE webhook_deliveries DROP COLUMN seq, DROP COLUMN dead_at, DROP COLUMN replays`.execute(db);
  await sql`ALTER TABLE webhook_subscriptions DROP COLUMN description`.execute(db);
}
