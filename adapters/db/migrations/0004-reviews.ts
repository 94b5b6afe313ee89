/**
 * 0004: 好差评 (issue 14). `reviews` gains who rated (the signed-in applicant's principal id);
 * `rectifications` gain what the rectification workflow writes: its clock (the calendar and working
 * days it counts in, when it started, the yellow and red instants, whether a year without holiday data
 * was estimated), and what closing it records: the measures taken (整改情况), who closed it, and the
 * call-back (回访) to the applicant with its outcome.
 *
 * The deadline becomes nullable: the API writes a bad review and its rectification in one transaction
 * and the workflow it starts computes the clock (an activity over the working-day calendar) a moment
 * later. Both tables were empty until now (0002 made them for this issue), so columns are added NOT NULL.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE reviews ADD COLUMN rated_by text NOT NULL`.execute(db);
  // The supervisors' list of every review, newest first.
  await sql`CREATE INDEX reviews_newest ON reviews (created_at DESC, id DESC)`.execute(db);
  await sql`
    ALTER TABLE rectifications
      ALTER COLUMN deadline DROP NOT NULL,
      ADD COLUMN calendar text NOT NULL,
      ADD COLUMN days integer NOT NULL CHECK (days > 0),
      ADD COLUMN opened_at timestamptz,
      ADD COLUMN yellow_at timestamptz,
      ADD COLUMN red_at timestamptz,
      ADD COLUMN estimated boolean NOT NULL DEFAULT false,
      ADD COLUMN measures text,
      ADD COLUMN closed_by text,
      ADD COLUMN callback_by text,
      ADD COLUMN callback_note text,
      ADD CONSTRAINT rectifications_callback_outcome CHECK (callback_outcome IN ('satisfied', 'basically-satisfied', 'unsatisfied', 'unreachable')),
      ADD CONSTRAINT rectifications_closed CHECK (
        status = 'open' OR (closed_at IS NOT NULL AND measures IS NOT NULL AND callback_at IS NOT NULL AND callback_outcome IS NOT NULL)
      )`.execute(db);
  // Listings: nearest deadline first (not yet computed last), by department or across departments.
  await sql`DROP INDEX rectifications_open`.execute(db);
  await sql`
    CREATE INDEX rectifications_department ON rectifications (department, status, (coalesce(deadline, 'infinity'::timestamptz)), id)`.execute(db);
  await sql`CREATE INDEX rectifications_status ON rectifications (status, card, (coalesce(deadline, 'infinity'::timestamptz)), id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX rectifications_status`.execute(db);
  await sql`DROP INDEX rectifications_department`.execute(db);
  await sql`CREATE INDEX rectifications_open ON rectifications (department, status, deadline)`.execute(db);
  await sql`
    ALTER TABLE rectifications
      DROP CONSTRAINT rectifications_closed,
      DROP CONSTRAINT rectifications_callback_outcome,
      DROP COLUMN calendar, DROP COLUMN days, DROP COLUMN opened_at, DROP COLUMN yellow_at, DROP COLUMN red_at,
      DROP COLUMN estimated, DROP COLUMN measures, DROP COLUMN closed_by, DROP COLUMN callback_by, DROP COLUMN callback_note`.execute(db);
  // Rows written since 0004 may have no deadline yet: give them one before the column is required again.
  await sql`UPDATE rectifications SET deadline = created_at WHERE deadline IS NULL`.execute(db);
  await sql`ALTER TABLE rectifications ALTER COLUMN deadline SET NOT NULL`.execute(db);
  await sql`DROP INDEX reviews_newest`.execute(db);
  await sql`ALTER TABLE reviews DROP COLUMN rated_by`.execute(db);
}
