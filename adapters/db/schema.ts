/**
 * The application database as Kysely sees it: one interface per table, column names as in SQL
 * (snake_case), so a query reads like the SQL it compiles to. The tables themselves are made by the
 * numbered migrations in `migrations/`; this file must follow them.
 *
 * Conventions of the column types: `json`/`jsonb` columns are written as JSON text (`JSON.stringify`)
 * and read back parsed, by both drivers (`pg` and PGlite); `timestamptz` columns are read as `Date`;
 * `bigint` columns are read as a string by `pg` and a number by PGlite, so readers convert them with
 * `Number()`.
 */
import type { ColumnType, Generated } from 'kysely';

/** A `json`/`jsonb` column: JSON text in, the parsed value out. */
export type Json<T = unknown> = ColumnType<T, string, string>;
/** A `timestamptz` column: a `Date` out, a `Date` or an ISO instant in. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A `timestamptz` column with a default (`now()`). */
export type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A `bigint` column: `pg` reads it as a string, PGlite as a number. */
export type BigInteger = ColumnType<string | number, number, number>;

export interface Database {
  definitions: DefinitionsTable;
  definition_versions: DefinitionVersionsTable;
  documents: DocumentsTable;
  uploads: UploadsTable;
  api_keys: ApiKeysTable;
  broken_commitments: BrokenCommitmentsTable;
  outbox: OutboxTable;
  persons: PersonsTable;
  reviews: ReviewsTable;
  review_versions: ReviewVersionsTable;
  rectifications: RectificationsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  notification_deliveries: NotificationDeliveriesTable;
  notices: NoticesTable;
  read_cases: ReadCasesTable;
  read_items: ReadItemsTable;
  case_number_sequences: CaseNumberSequencesTable;
}

// --- 0001: the stores -------------------------------------------------------------------------

/** A published bundle: one row per id, its versions in `definition_versions`. */
export interface DefinitionsTable {
  bundle_id: string;
  first_published_at: DefaultTimestamp;
}

/** A published version, immutable: the definition as written and the plan compiled from it. */
export interface DefinitionVersionsTable {
  bundle_id: string;
  version: number;
  /** The plan's content hash (SHA-256 of the canonical definition): equal content, equal hash. */
  hash: string;
  source: 'api' | 'file';
  published_at: Timestamp;
  definition: Json;
  plan: Json;
}

/** A create-once document of the `DocumentStore`: sealed documents, revocations, conditions. */
export interface DocumentsTable {
  key: string;
  document_id: string;
  created_at: Timestamp;
  body: Json;
}

/** An upload's metadata; its bytes are in the blob store by the same SHA-256. */
export interface UploadsTable {
  sha256: string;
  size: BigInteger;
  media_type: string;
  stored_at: Timestamp;
}

/** An API key: the principal it stands for and the SHA-256 of the key, never the key. */
export interface ApiKeysTable {
  id: string;
  token_sha256: string;
  roles: string[];
  department: string | null;
  created_at: DefaultTimestamp;
}

/** A commitment the subject did not keep: once per (subject, case). */
export interface BrokenCommitmentsTable {
  subject_id: string;
  case_id: string;
  bundle_id: string;
  materials: string[];
  /** As the commitment stated it: an ISO instant or a YYYY-MM-DD date. */
  deadline: string;
  broken_at: Timestamp;
  recorded_at: DefaultTimestamp;
}

/** A notification waiting for delivery: once per (case, key). */
export interface OutboxTable {
  case_id: string;
  key: string;
  /** The order of puts. */
  seq: Generated<string | number>;
  notification: Json;
  created_at: DefaultTimestamp;
  delivered_at: Timestamp | null;
}

// --- 0002: tables of the next issues (people, reviews, webhooks, the read model) ---------------

export interface PersonsTable {
  id: string;
  issuer: string;
  subject: string;
  name: string;
  department: string | null;
  department_role: 'handler' | 'reviewer' | 'head' | null;
  roles: ColumnType<string[], string[] | undefined, string[]>;
  applicant_subject_id: string | null;
  settings: ColumnType<unknown, string | undefined, string>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ReviewsTable {
  id: string;
  case_id: string;
  item_id: string | null;
  bundle_id: string;
  department: string | null;
  subject_id: string;
  level: number;
  indicators: ColumnType<unknown, string | undefined, string>;
  comment: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  // 0004
  /** The principal (the signed-in applicant) who rated. */
  rated_by: string;
  // 0010
  /** The current version's number (1: never amended). */
  version: Generated<number>;
  amended_at: Timestamp | null;
  /** Until when the applicant may amend it; null: never (rated before amendments existed). */
  amendable_until: Timestamp | null;
}

/** 0010: every version of a rating, the original (1) and each amendment. */
export interface ReviewVersionsTable {
  review_id: string;
  version: number;
  level: number;
  indicators: ColumnType<unknown, string | undefined, string>;
  comment: string | null;
  rated_by: string;
  idempotency_key: string | null;
  created_at: DefaultTimestamp;
}

export interface RectificationsTable {
  id: string;
  review_id: string;
  department: string;
  status: ColumnType<'open' | 'closed' | 'withdrawn', 'open' | 'closed' | 'withdrawn' | undefined, 'open' | 'closed' | 'withdrawn'>;
  /** Null (0004) until the rectification workflow has computed its clock. */
  deadline: Timestamp | null;
  card: 'yellow' | 'red' | 'overdue' | null;
  callback_at: Timestamp | null;
  callback_outcome: 'satisfied' | 'basically-satisfied' | 'unsatisfied' | 'unreachable' | null;
  closed_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  // 0004
  calendar: string;
  days: number;
  /** When the clock started (the workflow's start). */
  opened_at: Timestamp | null;
  yellow_at: Timestamp | null;
  red_at: Timestamp | null;
  estimated: Generated<boolean>;
  /** 整改情况: what the department did. */
  measures: string | null;
  closed_by: string | null;
  callback_by: string | null;
  callback_note: string | null;
  // 0010
  /** The rating's version that opened it. */
  review_version: Generated<number>;
  /** When an amendment to a good level withdrew it. */
  withdrawn_at: Timestamp | null;
}

export interface WebhookSubscriptionsTable {
  id: string;
  owner: string;
  url: string;
  event_types: string[];
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Timestamp | null;
  disabled_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  // 0005
  description: string | null;
}

export interface WebhookDeliveriesTable {
  subscription_id: string;
  message_id: string;
  event_type: string;
  case_id: string | null;
  payload: Json;
  status: ColumnType<'pending' | 'delivered' | 'dead', 'pending' | 'delivered' | 'dead' | undefined, 'pending' | 'delivered' | 'dead'>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  last_attempt_at: Timestamp | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Timestamp | null;
  created_at: DefaultTimestamp;
  // 0005
  /** Queue order: a case's messages go to a subscription in this order. */
  seq: Generated<string | number>;
  dead_at: Timestamp | null;
  replays: Generated<number>;
}

// --- 0005: notification delivery -----------------------------------------------------------------

/** An outbox notification's delivery over one channel to one recipient: once per (notification, channel, recipient). */
export interface NotificationDeliveriesTable {
  notification_id: string;
  case_id: string;
  key: string;
  channel: 'sms' | 'email' | 'in-app';
  recipient: string;
  /** The phone number, e-mail address or applicant subject it went to. */
  address: string;
  status: ColumnType<'pending' | 'delivered' | 'failed', 'pending' | 'delivered' | 'failed' | undefined, 'pending' | 'delivered' | 'failed'>;
  attempts: Generated<number>;
  last_attempt_at: Timestamp | null;
  last_error: string | null;
  delivered_at: Timestamp | null;
  failed_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

/** An applicant's in-app notice: once per (case, notification key, applicant). */
export interface NoticesTable {
  id: string;
  subject_id: string;
  case_id: string;
  key: string;
  subject: Json<{ zh: string; en: string }>;
  body: Json<{ zh: string; en: string }>;
  at: Timestamp;
  read_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

export interface ReadCasesTable {
  workflow_id: string;
  case_id: string;
  bundle_id: string;
  bundle_version: number;
  status: string;
  subject_id: string | null;
  window_department: string | null;
  started_at: Timestamp;
  accepted_at: Timestamp | null;
  completed_at: Timestamp | null;
  revision: BigInteger;
  updated_at: DefaultTimestamp;
  // 0003
  calendar: string;
  title: Json;
  applicant_name: string;
  closed_at: Timestamp | null;
  progress: Json;
}

export interface ReadItemsTable {
  workflow_id: string;
  case_id: string;
  item_id: string;
  bundle_id: string;
  department: string;
  status: string;
  step: string | null;
  holder: string | null;
  deadline: Timestamp | null;
  card: 'yellow' | 'red' | 'overdue' | null;
  dispatched_at: Timestamp | null;
  decided_at: Timestamp | null;
  revision: BigInteger;
  updated_at: DefaultTimestamp;
  // 0003
  code: string;
  title: Json;
  kind: string | null;
  level: Generated<number>;
  promised_days: number;
  applicable: Generated<boolean>;
  paused: Generated<boolean>;
  escalated_from: Generated<string[]>;
  /** numeric: read back as a string by pg. */
  working_days_taken: ColumnType<string | number | null, number | null, number | null>;
  same_day: boolean | null;
  // 0008
  step_role: string | null;
  // 0009
  urges: Generated<number>;
}

// --- 0006: case numbers ------------------------------------------------------------------------

/** One counter of case numbers (办件编号) per scope: the number with its sequence left out. */
export interface CaseNumberSequencesTable {
  scope: string;
  /** bigint: read back as a string by pg. */
  last_value: ColumnType<string | number, number, number>;
}
