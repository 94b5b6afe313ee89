/**
 * 0010: a rating may be amended by its applicant within the bundle's window (issue 14), and every
 * version is kept. `reviews` holds the current version (what statistics count) with its number,
 * when it was last amended and until when it may be; `review_versions` holds each version as given
 * (the original is version 1), with the Idempotency-Key of the request that wrote it. Existing
 * ratings get their version 1 and no window (they were given as final).
 *
 * `rectifications`: an amendment from bad to good withdraws the open one (status `withdrawn`, counted
 * apart), one from good to bad opens another; so a rating may have several, at most one open, each
 * naming the version that opened it.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE reviews
      ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
      ADD COLUMN amended_at timestamptz,
      ADD COLUMN amendable_until timestamptz`.execute(db);
  await sql`
    CREATE TABLE review_versions (
      review_id text NOT NULL REFERENCES reviews (id),
      version integer NOT NULL CHECK (version >= 1),
      level smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
      indicators jsonb NOT NULL DEFAULT '{}',
      comment text,
      rated_by text NOT NULL,
      idempotency_key text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (review_id, version)
    )`.execute(db);
  // A retried amendment (the same key) finds the version it wrote.
  await sql`CREATE UNIQUE INDEX review_versions_key ON review_versions (review_id, idempotency_key) WHERE idempotency_key IS NOT NULL`.execute(db);
  await sql`
    INSERT INTO review_versions (review_id, version, level, indicators, comment, rated_by, created_at)
    SELECT id, 1, level, indicators, comment, rated_by, created_at FROM reviews`.execute(db);

  await sql`
    ALTER TABLE rectifications
      DROP CONSTRAINT rectifications_review_id_key,
      DROP CONSTRAINT rectifications_status_check,
      DROP CONSTRAINT rectifications_closed,
      ADD COLUMN review_version integer NOT NULL DEFAULT 1,
      ADD COLUMN withdrawn_at timestamptz,
      ADD CONSTRAINT rectifications_status CHECK (status IN ('open', 'closed', 'withdrawn')),
      ADD CONSTRAINT rectifications_closed CHECK (
        status <> 'closed' OR (closed_at IS NOT NULL AND measures IS NOT NULL AND callback_at IS NOT NULL AND callback_outcome IS NOT NULL)
      ),
      ADD CONSTRAINT rectifications_withdrawn CHECK (status <> 'withdrawn' OR withdrawn_at IS NOT NULL)`.execute(db);
  await sql`CREATE UNIQUE INDEX rectifications_review_version ON rectifications (review_id, review_version)`.execute(db);
  // At most one open rectification per rating: the store's conditions rely on it.
  await sql`CREATE UNIQUE INDEX rectifications_one_open ON rectifications (review_id) WHERE status = 'open'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Back to one rectification per rating: keep each rating's first, whose workflow the old code knows.
  await sql`
    DELETE FROM rectifications r USING rectifications first
    WHERE first.review_id = r.review_id AND first.review_version < r.review_version`.execute(db);
  await sql`UPDATE rectifications SET status = 'closed', closed_at = withdrawn_at, measures = '(withdrawn by amendment)', callback_at = withdrawn_at, callback_outcome = 'unreachable' WHERE status = 'withdrawn'`.execute(db);
  await sql`DROP INDEX rectifications_one_open`.execute(db);
  await sql`DROP INDEX rectifications_review_version`.execute(db);
  await sql`
    ALTER TABLE rectifications
      DROP CONSTRAINT rectifications_withdrawn,
      DROP CONSTRAINT rectifications_closed,
      DROP CONSTRAINT rectifications_status,
      DROP COLUMN withdrawn_at,
      DROP COLUMN review_version,
      ADD CONSTRAINT rectifications_status_check CHECK (status IN ('open', 'closed')),
      ADD CONSTRAINT rectifications_closed CHECK (
        status = 'open' OR (closed_at IS NOT NULL AND measures IS NOT NULL AND callback_at IS NOT NULL AND callback_outcome IS NOT NULL)
      ),
      ADD CONSTRAINT rectifications_review_id_key UNIQUE (review_id)`.execute(db);
  await sql`DROP TABLE review_versions`.execute(db);
  await sql`ALTER TABLE reviews DROP COLUMN amendable_until, DROP COLUMN amended_at, DROP COLUMN version`.execute(db);
}
