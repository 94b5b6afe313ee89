/**
 * Credit standing for tolerated missing materials with commitment (容缺受理 + 告知承诺, 信用+).
 *
 * At the window the engine asks a {@link CreditProvider} for the applicant's standing and lets
 * {@link toleranceDecision} say whether the case may be accepted with a tolerable material missing:
 * a bad rating, or any earlier broken commitment, rules tolerance out until credit repair; good and
 * ordinary credit may (good credit is what earns the green channel, ordinary is still eligible). When
 * a commitment is broken, the provider is where the broken-commitment record goes, once per
 * (subject, case) however often the recording activity is retried.
 *
 * Two providers:
 * - {@link FileCreditProvider}: ratings from a JSON file of sample subjects
 *   (`adapters/data/credit/subjects.json`), broken commitments in a {@link BrokenCommitmentStore}: the
 *   database (`adapters/db/credit.ts`), or one JSON file per (subject, case)
 *   ({@link FileBrokenCommitmentStore}, for tests and a single host).
 * - {@link HttpCreditProvider}: a province's credit platform (or an adapter in front of it) speaking
 *   the small contract documented on the class.
 * {@link creditProviderFromEnv} picks one: `YJS_CREDIT_URL` set → HTTP, else the file provider.
 *
 * Errors: {@link CreditProviderRejected} (`name === 'CreditProviderRejected'`) means retrying cannot
 * help (invalid request, 4xx): activities should make it non-retryable. Every other error (5xx,
 * timeouts, network, a malformed answer, an unreadable data file) may go away and is worth retrying.
 *
 * This module reads files and the network: workflows get a decision from an activity (which also
 * records the standing in history), they do not import this module.
 */
import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { describeIssues, parseJsonText } from './json-data';
import { checkSubjectId, httpSettingsFromEnv, parseAnswer, ProviderError, providerRequest, SubjectId } from './provider-http';

export type CreditRating = 'good' | 'ordinary' | 'bad';

/** A commitment the subject did not keep: materials still missing when the deadline passed. */
export interface BrokenCommitmentRecord {
  /** 统一社会信用代码 of an organisation, or the ID number of a person. */
  subjectId: string;
  caseId: string;
  bundleId: string;
  /** The material ids that were not supplied in time. */
  materials: string[];
  /** The commitment's deadline: an ISO instant (or a YYYY-MM-DD local date). */
  deadline: string;
  /** When the commitment was found broken: an ISO instant. */
  brokenAt: string;
}

export interface CreditStanding {
  subjectId: string;
  rating: CreditRating;
  /** Earlier broken commitments, oldest first. */
  brokenCommitments: BrokenCommitmentRecord[];
  /** Where the standing comes from (the sample file, the platform), for the audit trail. */
  source: string;
  /** When it was looked up (or, from a platform that says so, established): an ISO instant. */
  checkedAt: string;
}

export interface CreditProvider {
  /** The subject's current standing. */
  standing(subjectId: string): Promise<CreditStanding>;
  /**
   * Records a broken commitment. Idempotent per (subjectId, caseId): a retried activity records
   * once, and the first record stands.
   */
  recordBrokenCommitment(record: BrokenCommitmentRecord): Promise<void>;
}

export type ToleranceDecision = { eligible: true } | { eligible: false; reason: string };

export const BAD_CREDIT_REASON = '信用等级为差 / bad credit rating: no tolerance until credit repair';

/**
 * Whether a subject with this standing may be accepted with tolerable materials missing, on a
 * commitment. Pure: the same standing always gives the same answer.
 */
export function toleranceDecision(standing: CreditStanding): ToleranceDecision {
  if (standing.rating === 'bad') return { eligible: false, reason: BAD_CREDIT_REASON };
  if (standing.brokenCommitments.length > 0) {
    const cases = [...standing.brokenCommitments]
      .sort((a, b) => a.brokenAt.localeCompare(b.brokenAt))
      .map((r) => `${r.caseId} (${shanghaiDate(r.brokenAt)})`)
      .join(', ');
    return {
      eligible: false,
      reason: `有未履行承诺的失信记录 / earlier broken commitment: case ${cases}; no tolerance until credit repair`,
    };
  }
  return { eligible: true };
}

/** The date of an instant in Asia/Shanghai (UTC+8, no daylight saving); the text itself if it is not one. */
function shanghaiDate(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return instant;
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Errors

/** The provider could not answer (5xx, timeout, network, malformed answer, unreadable data): retryable. */
export class CreditProviderError extends ProviderError {
  override name = 'CreditProviderError';
}

/** The provider refused the request (invalid input, a 4xx): retrying cannot help. */
export class CreditProviderRejected extends CreditProviderError {
  override name = 'CreditProviderRejected';
  override readonly retryable = false;
}

/** One problem in the sample subjects file. `path` is a JSON path such as `$.subjects[2].rating`. */
export interface CreditDataIssue {
  file: string;
  path: string;
  message: string;
}

/** The sample subjects file (or a stored record) is missing or invalid; lists every problem. */
export class CreditDataError extends CreditProviderError {
  override name = 'CreditDataError';

  constructor(readonly issues: readonly CreditDataIssue[]) {
    super(`Invalid credit data:\n${issues.map((i) => `  ${i.file} ${i.path}: ${i.message}`).join('\n')}`, {
      file: issues[0]?.file,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Schemas

const Identifier = SubjectId;

const Rating = z.enum(['good', 'ordinary', 'bad']);
const Instant = z.iso.datetime({ offset: true });

export const BrokenCommitmentRecordSchema = z
  .object({
    subjectId: Identifier,
    caseId: Identifier,
    bundleId: z.string().min(1, 'is empty'),
    materials: z.array(z.string().min(1, 'is empty')).min(1, 'names no material'),
    deadline: z.union([Instant, z.iso.date()], { error: 'is not an ISO instant or a YYYY-MM-DD date' }),
    brokenAt: Instant,
  })
  .strict();

export const SampleSubject = z
  .object({
    subjectId: Identifier.meta({ description: '统一社会信用代码 or ID number.' }),
    name: z.string().min(1, 'is empty'),
    rating: Rating,
    note: z.string().meta({ description: 'Why the subject has this rating (for people reading the file).' }),
  })
  .strict();
export type SampleSubject = z.infer<typeof SampleSubject>;

/** `adapters/data/credit/subjects.json`. */
export const SampleSubjectsFile = z
  .object({ subjects: z.array(SampleSubject) })
  .strict()
  .superRefine(
    (file, ctx) => {
      // Also runs when other entries are invalid (see `when`), so every problem is reported at once:
      // entries are looked at defensively.
      const seen = new Map<string, number>();
      (file.subjects as unknown[]).forEach((entry, i) => {
        const id = (entry as { subjectId?: unknown } | null)?.subjectId;
        if (typeof id !== 'string') return;
        const first = seen.get(id);
        if (first !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['subjects', i, 'subjectId'], message: `duplicates $.subjects[${first}]` });
        } else {
          seen.set(id, i);
        }
      });
    },
    { when: (payload) => Array.isArray((payload.value as { subjects?: unknown } | null)?.subjects) },
  );
export type SampleSubjectsFile = z.infer<typeof SampleSubjectsFile>;

/** What the credit platform answers to `GET /subjects/{id}/standing`. */
export const StandingResponse = z.object({
  subjectId: z.string(),
  rating: Rating,
  brokenCommitments: z.array(BrokenCommitmentRecordSchema).default([]),
  source: z.string().min(1).optional(),
  checkedAt: Instant.optional(),
});

function checkRecord(record: BrokenCommitmentRecord): BrokenCommitmentRecord {
  const parsed = BrokenCommitmentRecordSchema.safeParse(record);
  if (!parsed.success) throw new CreditProviderRejected(`invalid broken-commitment record: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// File provider

/** The repository's sample subjects, beside this module. */
export const DEFAULT_CREDIT_SAMPLE_FILE = fileURLToPath(new URL('./data/credit/subjects.json', import.meta.url));

/**
 * Where broken-commitment records are kept: once per (subject, case), the first record standing.
 * Records are valid ({@link BrokenCommitmentRecordSchema}) when they reach a store.
 */
export interface BrokenCommitmentStore {
  /** Records it unless the (subject, case) has a record; whether this call recorded it. */
  add(record: BrokenCommitmentRecord): Promise<boolean>;
  /** The subject's records, by `brokenAt`, oldest first. */
  ofSubject(subjectId: string): Promise<BrokenCommitmentRecord[]>;
}

/**
 * Ratings from a JSON file of sample subjects; broken commitments in a {@link BrokenCommitmentStore}
 * (given, or files under a `recordsDir`).
 *
 * A subject that is not in the file is **ordinary**: no record is the normal case (a new company,
 * a first-time applicant) and is not a mark against anyone. 告知承诺 excludes subjects with a bad
 * record, not subjects without one; treating the unknown as bad would refuse tolerance to exactly
 * the new businesses 企业开办 serves. Nor is the unknown good: good credit (and its green channel)
 * is earned by a record.
 *
 * The sample file is read on first use and kept; a file that failed to load is read again on the
 * next call, so fixing it needs no restart.
 */
export class FileCreditProvider implements CreditProvider {
  private subjects?: Promise<Map<string, SampleSubject>>;
  /** The records folder, when the records are files. */
  readonly recordsDir?: string;
  private readonly records: BrokenCommitmentStore;

  constructor(
    readonly sampleFile: string,
    records: string | BrokenCommitmentStore,
  ) {
    if (typeof records === 'string') {
      this.recordsDir = records;
      this.records = new FileBrokenCommitmentStore(records);
    } else this.records = records;
  }

  async standing(subjectId: string): Promise<CreditStanding> {
    checkSubjectId(subjectId, CreditProviderRejected);
    const [subjects, brokenCommitments] = await Promise.all([this.loadSubjects(), this.records.ofSubject(subjectId)]);
    const known = subjects.get(subjectId);
    return {
      subjectId,
      rating: known?.rating ?? 'ordinary',
      brokenCommitments,
      source: known ? `file:${this.sampleFile}` : `file:${this.sampleFile} (no record: ordinary by default)`,
      checkedAt: new Date().toISOString(),
    };
  }

  async recordBrokenCommitment(record: BrokenCommitmentRecord): Promise<void> {
    await this.records.add(checkRecord(record));
  }

  private loadSubjects(): Promise<Map<string, SampleSubject>> {
    if (!this.subjects) {
      const loading = readSampleFile(this.sampleFile);
      this.subjects = loading;
      loading.catch(() => {
        if (this.subjects === loading) this.subjects = undefined;
      });
    }
    return this.subjects;
  }
}

/**
 * Records as files: `dir/<subject>/<case>.json`, where each name is the id with every character but
 * letters, digits, `_` and `-` replaced (so `/` and `..` cannot leave the directory), shortened, and
 * suffixed with a hash of the exact id (so distinct ids never share a file). A record is created
 * once: written to a temp file, then hard-linked to its name, which fails with EEXIST if it is
 * there; then it is already recorded and the first record stands. Suits one host (or a shared
 * POSIX file system).
 */
export class FileBrokenCommitmentStore implements BrokenCommitmentStore {
  constructor(readonly dir: string) {}

  async add(record: BrokenCommitmentRecord): Promise<boolean> {
    const dir = this.subjectDir(record.subjectId);
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.tmp-${randomUUID()}`);
    await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx' });
    try {
      await link(temp, join(dir, fileNameFor(record.caseId, '.json')));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return false; // already recorded
    } finally {
      await rm(temp, { force: true });
    }
  }

  async ofSubject(subjectId: string): Promise<BrokenCommitmentRecord[]> {
    const records = await this.readDir(this.subjectDir(subjectId));
    return records.filter((r) => r.subjectId === subjectId).sort((a, b) => a.brokenAt.localeCompare(b.brokenAt));
  }

  /** Every record of every subject (for moving them to another store). */
  async all(): Promise<BrokenCommitmentRecord[]> {
    const subjects = await readdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    const records: BrokenCommitmentRecord[] = [];
    for (const name of subjects.filter((n) => !n.startsWith('.')).sort()) records.push(...(await this.readDir(join(this.dir, name))));
    return records;
  }

  private subjectDir(subjectId: string): string {
    return join(this.dir, fileNameFor(subjectId, ''));
  }

  private async readDir(dir: string): Promise<BrokenCommitmentRecord[]> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const records: BrokenCommitmentRecord[] = [];
    const issues: CreditDataIssue[] = [];
    for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
      const file = join(dir, name);
      // An unreadable record is an error, never skipped: skipping it would grant tolerance wrongly.
      const parsed = parseJsonText(await readFile(file, 'utf8'), BrokenCommitmentRecordSchema);
      if ('issues' in parsed) issues.push(...parsed.issues.map((issue) => ({ file, ...issue })));
      else records.push(parsed.data);
    }
    if (issues.length > 0) throw new CreditDataError(issues);
    return records;
  }
}

/** A file name for an id: readable, confined to `[A-Za-z0-9_-]`, unique by a hash of the exact id. */
function fileNameFor(id: string, extension: string): string {
  const readable = id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  const hash = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 16);
  return `${readable}-${hash}${extension}`;
}

async function readSampleFile(file: string): Promise<Map<string, SampleSubject>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CreditDataError([{ file, path: '$', message: missing ? 'no such file' : (err as Error).message }]);
  }
  const parsed = parseJsonText(text, SampleSubjectsFile);
  if ('issues' in parsed) throw new CreditDataError(parsed.issues.map((issue) => ({ file, ...issue })));
  return new Map(parsed.data.subjects.map((s) => [s.subjectId, s]));
}

// ---------------------------------------------------------------------------------------------
// HTTP provider

export interface HttpCreditProviderOptions {
  /** The platform's base URL, e.g. `https://credit.example.gov.cn/api/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: string;
  /** Limit for each request, answer body included. */
  timeoutMs: number;
}

/**
 * A province's credit platform, or an adapter in front of it that maps its ratings onto these three:
 *
 * - `GET {baseUrl}/subjects/{subjectId}/standing` → 200 with
 *   `{ subjectId, rating: "good"|"ordinary"|"bad", brokenCommitments?: BrokenCommitmentRecord[],
 *   source?, checkedAt? }`; the `subjectId` must be the one asked for.
 * - `PUT {baseUrl}/subjects/{subjectId}/broken-commitments/{caseId}` with the record as JSON → any
 *   2xx. PUT because the path names the record: the platform must answer a repeat with 2xx as well
 *   (the first record standing), so a retried activity records once.
 *
 * Path segments are percent-encoded. Redirects are not followed (the token stays with the configured
 * origin). 2xx is success; 5xx, 408, 429, timeouts, network errors and malformed answers throw a
 * retryable {@link CreditProviderError}; any other status (3xx, 4xx) throws {@link CreditProviderRejected}.
 * Messages name the method, URL and status.
 */
export class HttpCreditProvider implements CreditProvider {
  readonly baseUrl: string;
  private readonly token?: string;
  readonly timeoutMs: number;

  constructor(options: HttpCreditProviderOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`credit platform URL is not a URL: ${JSON.stringify(options.baseUrl)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`credit platform URL must be http(s): ${JSON.stringify(options.baseUrl)}`);
    }
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new TypeError(`credit platform timeout must be a positive number of milliseconds, not ${options.timeoutMs}`);
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token || undefined;
    this.timeoutMs = options.timeoutMs;
  }

  async standing(subjectId: string): Promise<CreditStanding> {
    checkSubjectId(subjectId, CreditProviderRejected);
    const url = `${this.baseUrl}/subjects/${encodeURIComponent(subjectId)}/standing`;
    const body = parseAnswer(await this.request('GET', url), url, StandingResponse, CreditProviderError);
    if (body.subjectId !== subjectId) {
      throw new CreditProviderError(`GET ${url}: malformed answer: $.subjectId is ${JSON.stringify(body.subjectId)}, not the subject asked for`, { url });
    }
    return {
      subjectId,
      rating: body.rating,
      brokenCommitments: [...body.brokenCommitments].sort((a, b) => a.brokenAt.localeCompare(b.brokenAt)),
      source: body.source ?? this.baseUrl,
      checkedAt: body.checkedAt ?? new Date().toISOString(),
    };
  }

  async recordBrokenCommitment(record: BrokenCommitmentRecord): Promise<void> {
    const valid = checkRecord(record);
    const url = `${this.baseUrl}/subjects/${encodeURIComponent(valid.subjectId)}/broken-commitments/${encodeURIComponent(valid.caseId)}`;
    await this.request('PUT', url, valid);
  }

  /** The answer's body text for a 2xx; throws otherwise. */
  private request(method: 'GET' | 'PUT', url: string, body?: unknown): Promise<string> {
    return providerRequest({
      method,
      url,
      body,
      token: this.token,
      timeoutMs: this.timeoutMs,
      errors: { retryable: CreditProviderError, rejected: CreditProviderRejected },
    });
  }

}

// ---------------------------------------------------------------------------------------------
// Selection

/** The credit platform's base URL; when set, the HTTP provider is used. */
export const CREDIT_URL_ENV = 'YJS_CREDIT_URL';
/** Bearer token for the credit platform (optional). */
export const CREDIT_TOKEN_ENV = 'YJS_CREDIT_TOKEN';
/** Per-request timeout for the credit platform in ms (optional). */
export const CREDIT_TIMEOUT_ENV = 'YJS_CREDIT_TIMEOUT_MS';
export const DEFAULT_CREDIT_TIMEOUT_MS = 5_000;

/**
 * `YJS_CREDIT_URL` (with `YJS_CREDIT_TOKEN`, and `YJS_CREDIT_TIMEOUT_MS`, default 5000) → the
 * platform over HTTP; otherwise the sample subjects of `defaults.sampleFile`, with broken commitments
 * in `defaults.records` (a store) or files in `defaults.recordsDir`.
 */
export function creditProviderFromEnv(
  defaults: { sampleFile: string } & ({ recordsDir: string } | { records: BrokenCommitmentStore }),
  env: NodeJS.ProcessEnv = process.env,
): CreditProvider {
  const http = httpSettingsFromEnv(env, { url: CREDIT_URL_ENV, token: CREDIT_TOKEN_ENV, timeout: CREDIT_TIMEOUT_ENV }, DEFAULT_CREDIT_TIMEOUT_MS);
  if (http) return new HttpCreditProvider(http);
  return new FileCreditProvider(defaults.sampleFile, 'records' in defaults ? defaults.records : defaults.recordsDir);
}
