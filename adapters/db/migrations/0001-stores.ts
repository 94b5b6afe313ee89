/**
 * 0001: the stores that moved from files in `.data/` (issue 11): published definitions and their
 * versions, create-once documents (sealed documents, revocations, conditions), upload metadata, API
 * keys (digests only), broken-commitment records and the notification outbox.
 *
 * Idempotency lives in the keys: every writer inserts with `ON CONFLICT DO NOTHING` on the natural key
 * (a document's key, an upload's SHA-256, a (subject, case), a (case, notification key), a bundle id and
 * version), so a retry finds the first row and never makes a second.
 *
 * No `down`: these tables hold the records moved out of the files; dropping them destroys them.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE definitions (
      bundle_id text PRIMARY KEY,
      first_published_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // A version is immutable: (bundle_id, version) is written once; `hash` says whether a second
  // publication has the same content (then it is the same version) or not (a conflict).
  await sql`
    CREATE TABLE definition_versions (
      bundle_id text NOT NULL REFERENCES definitions (bundle_id),
      version integer NOT NULL CHECK (version > 0),
      hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
      source text NOT NULL CHECK (source IN ('api', 'file')),
      published_at timestamptz NOT NULL,
      definition json NOT NULL,
      plan json NOT NULL,
      PRIMARY KEY (bundle_id, version)
    )`.execute(db);
  // `json`, not `jsonb`, for documents, definitions and plans: they are kept as written (key order
  // included), and read whole. The key is collated "C" so that its primary-key index also serves
  // `LIKE 'prefix%'` (a case's documents, a document's conditions) whatever the database's locale.
  await sql`
    CREATE TABLE documents (
      key text COLLATE "C" PRIMARY KEY,
      document_id text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL,
      body json NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE uploads (
      sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      size bigint NOT NULL CHECK (size >= 0),
      media_type text NOT NULL,
      stored_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE api_keys (
      id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      token_sha256 text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
      roles text[] NOT NULL CHECK (cardinality(roles) > 0),
      department text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE broken_commitments (
      subject_id text NOT NULL,
      case_id text NOT NULL,
      bundle_id text NOT NULL,
      materials text[] NOT NULL CHECK (cardinality(materials) > 0),
      deadline text NOT NULL,
      broken_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (subject_id, case_id)
    )`.execute(db);
  // `seq` orders the outbox as it was filled (timestamps of quick puts can be equal).
  await sql`
    CREATE TABLE outbox (
      case_id text NOT NULL,
      key text NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      notification jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      PRIMARY KEY (case_id, key)
    )`.execute(db);
  // What a delivery channel drains: the undelivered, in order.
  await sql`CREATE INDEX outbox_undelivered ON outbox (seq) WHERE delivered_at IS NULL`.execute(db);
}
