/**
 * 0003: the read model written by the case workflows (issue 11). `read_cases` gains what a case's
 * progress shows when the worker does not answer (its whole progress as JSON, with the title and the
 * applicant for lists), `read_items` what inboxes and statistics read without a calendar (code, title,
 * kind, limit, the measures of a decided item) and an inbox index in the inbox's order: nearest
 * deadline first (items without one last), then first come first served, then by workflow id.
 *
 * Both tables were empty until now (0002 made them for this issue), so columns are added NOT NULL.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE read_cases
      ADD COLUMN calendar text NOT NULL,
      ADD COLUMN title jsonb NOT NULL,
      ADD COLUMN applicant_name text NOT NULL,
      ADD COLUMN closed_at timestamptz,
      ADD COLUMN progress jsonb NOT NULL`.execute(db);
  await sql`CREATE INDEX read_cases_subject ON read_cases (subject_id, started_at)`.execute(db);
  await sql`
    ALTER TABLE read_items
      ADD COLUMN code text NOT NULL,
      ADD COLUMN title jsonb NOT NULL,
      ADD COLUMN kind text,
      ADD COLUMN level integer NOT NULL DEFAULT 0,
      ADD COLUMN promised_days integer NOT NULL,
      ADD COLUMN applicable boolean NOT NULL DEFAULT true,
      ADD COLUMN paused boolean NOT NULL DEFAULT false,
      ADD COLUMN escalated_from text[] NOT NULL DEFAULT '{}',
      ADD COLUMN working_days_taken numeric,
      ADD COLUMN same_day boolean`.execute(db);
  await sql`DROP INDEX read_items_inbox`.execute(db);
  await sql`DROP INDEX read_items_card`.execute(db);
  // Inbox pages: a department's dispatched items, by status or not, nearest deadline first.
  await sql`
    CREATE INDEX read_items_inbox ON read_items (department, status, (coalesce(deadline, 'infinity'::timestamptz)), dispatched_at, workflow_id)
      WHERE dispatched_at IS NOT NULL`.execute(db);
  await sql`
    CREATE INDEX read_items_department ON read_items (department, (coalesce(deadline, 'infinity'::timestamptz)), dispatched_at, workflow_id)
      WHERE dispatched_at IS NOT NULL`.execute(db);
  // The supervision desk across departments: by card, by status, or everything.
  await sql`
    CREATE INDEX read_items_card ON read_items (card, (coalesce(deadline, 'infinity'::timestamptz)), dispatched_at, workflow_id)
      WHERE dispatched_at IS NOT NULL`.execute(db);
  await sql`
    CREATE INDEX read_items_open ON read_items (status, (coalesce(deadline, 'infinity'::timestamptz)), dispatched_at, workflow_id)
      WHERE dispatched_at IS NOT NULL`.execute(db);
  await sql`
    CREATE INDEX read_items_all ON read_items ((coalesce(deadline, 'infinity'::timestamptz)), dispatched_at, workflow_id)
      WHERE dispatched_at IS NOT NULL`.execute(db);
  // Statistics: decided items of a bundle.
  await sql`CREATE INDEX read_items_statistics ON read_items (bundle_id, status)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['read_items_statistics', 'read_items_all', 'read_items_open', 'read_items_card', 'read_items_department', 'read_items_inbox', 'read_cases_subject']) {
    await sql`DROP INDEX ${sql.id(index)}`.execute(db);
  }
  await sql`CREATE INDEX read_items_inbox ON read_items (department, status, deadline)`.execute(db);
  await sql`CREATE INDEX read_items_card ON read_items (card, deadline) WHERE card IS NOT NULL`.execute(db);
  await sql`
    ALTER TABLE read_items
      DROP COLUMN code, DROP COLUMN title, DROP COLUMN kind, DROP COLUMN level, DROP COLUMN promised_days,
      DROP COLUMN applicable, DROP COLUMN paused, DROP COLUMN escalated_from, DROP COLUMN working_days_taken, DROP COLUMN same_day`.execute(db);
  await sql`
    ALTER TABLE read_cases DROP COLUMN calendar, DROP COLUMN title, DROP COLUMN applicant_name, DROP COLUMN closed_at, DROP COLUMN progress`.execute(db);
}
