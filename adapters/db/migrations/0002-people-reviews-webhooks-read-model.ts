/**
 * 0002: empty tables for the issues after the database (people, reviews and rectifications, webhook
 * subscriptions and deliveries, the read model of cases and items), with their keys, so that those
 * issues extend them with migrations of their own rather than invent them.
 *
 * - `persons`: people who sign in with OpenID Connect, one per (issuer, subject) (issue 12).
 * - `reviews`, `rectifications`: 好差评 ratings, once per case or per item of a case, and the
 *   rectification a bad rating opens for a department (issue 14).
 * - `webhook_subscriptions`, `webhook_deliveries`: an integrator's subscriptions (with the previous
 *   secret kept while a rotation is under way) and each event's delivery once per (subscription,
 *   message id) (issue 14).
 * - `read_cases`, `read_items`: the read model, one row per workflow with the revision it was written
 *   at; a writer updates a row only with a newer revision (issue 11, written by the workflows).
 *
 * `down` drops them: nothing is stored in them until those issues land.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE persons (
      id text PRIMARY KEY,
      issuer text NOT NULL,
      subject text NOT NULL,
      name text NOT NULL,
      department text,
      department_role text CHECK (department_role IN ('handler', 'reviewer', 'head')),
      roles text[] NOT NULL DEFAULT '{}',
      applicant_subject_id text,
      settings jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (issuer, subject)
    )`.execute(db);
  await sql`CREATE INDEX persons_department ON persons (department, department_role)`.execute(db);

  await sql`
    CREATE TABLE reviews (
      id text PRIMARY KEY,
      case_id text NOT NULL,
      item_id text,
      bundle_id text NOT NULL,
      department text,
      subject_id text NOT NULL,
      level smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
      indicators jsonb NOT NULL DEFAULT '{}',
      comment text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // 一次一评 / 一事一评: one rating of the case, and at most one of each of its items.
  await sql`CREATE UNIQUE INDEX reviews_once ON reviews (case_id, coalesce(item_id, ''))`.execute(db);
  await sql`CREATE INDEX reviews_statistics ON reviews (bundle_id, department, created_at)`.execute(db);
  await sql`
    CREATE TABLE rectifications (
      id text PRIMARY KEY,
      review_id text NOT NULL UNIQUE REFERENCES reviews (id),
      department text NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
      deadline timestamptz NOT NULL,
      card text CHECK (card IN ('yellow', 'red', 'overdue')),
      callback_at timestamptz,
      callback_outcome text,
      closed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX rectifications_open ON rectifications (department, status, deadline)`.execute(db);

  await sql`
    CREATE TABLE webhook_subscriptions (
      id text PRIMARY KEY,
      owner text NOT NULL,
      url text NOT NULL,
      event_types text[] NOT NULL CHECK (cardinality(event_types) > 0),
      secret text NOT NULL,
      previous_secret text,
      previous_secret_expires_at timestamptz,
      disabled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX webhook_subscriptions_owner ON webhook_subscriptions (owner)`.execute(db);
  await sql`
    CREATE TABLE webhook_deliveries (
      subscription_id text NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
      message_id text NOT NULL,
      event_type text NOT NULL,
      case_id text,
      payload jsonb NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      last_attempt_at timestamptz,
      last_status integer,
      last_error text,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (subscription_id, message_id)
    )`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_case ON webhook_deliveries (case_id, created_at)`.execute(db);

  await sql`
    CREATE TABLE read_cases (
      workflow_id text PRIMARY KEY,
      case_id text NOT NULL UNIQUE,
      bundle_id text NOT NULL,
      bundle_version integer NOT NULL,
      status text NOT NULL,
      subject_id text,
      window_department text,
      started_at timestamptz NOT NULL,
      accepted_at timestamptz,
      completed_at timestamptz,
      revision bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX read_cases_bundle ON read_cases (bundle_id, status, started_at)`.execute(db);
  await sql`
    CREATE TABLE read_items (
      workflow_id text PRIMARY KEY,
      case_id text NOT NULL,
      item_id text NOT NULL,
      bundle_id text NOT NULL,
      department text NOT NULL,
      status text NOT NULL,
      step text,
      holder text,
      deadline timestamptz,
      card text CHECK (card IN ('yellow', 'red', 'overdue')),
      dispatched_at timestamptz,
      decided_at timestamptz,
      revision bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (case_id, item_id)
    )`.execute(db);
  // The inbox (a department's items by status, nearest deadline first) and the supervision desk (by card).
  await sql`CREATE INDEX read_items_inbox ON read_items (department, status, deadline)`.execute(db);
  await sql`CREATE INDEX read_items_card ON read_items (card, deadline) WHERE card IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['read_items', 'read_cases', 'webhook_deliveries', 'webhook_subscriptions', 'rectifications', 'reviews', 'persons']) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
}
