/**
 * Electronic licences (电子证照) the state already holds: the provincial electronic-licence library
 * (电子证照库) behind 免证明 and 数据预填充.
 *
 * "One set of materials" means documents the state already issued are fetched, never asked for: an
 * applicant's ID card, household register or marriage certificate, a company's business licence. A
 * {@link CertificateLibrary} answers which licences a subject (a person's ID number, a company's
 * 统一社会信用代码) currently holds; `forms/prefill.ts` turns them into pre-filled form fields and
 * satisfied materials.
 *
 * Two libraries:
 * - {@link FileCertificateLibrary}: sample licences from a JSON file
 *   (`adapters/data/certificates/licences.json`). For development, tests and demonstrations.
 * - {@link HttpCertificateLibrary}: a province's library (or an adapter in front of it) speaking the
 *   small contract documented on the class.
 * {@link certificateLibraryFromEnv} picks one: `YJS_CERTIFICATES_URL` set → HTTP, else the file.
 *
 * Both return only licences valid now (by an injectable clock): an expired ID card is not a
 * document the state can vouch for, so the applicant must renew it or hand in something else.
 * Licences come in a stable order: by type, the most recently issued first, so "the first licence
 * of a type" is the newest one.
 *
 * Errors: {@link CertificateLibraryRejected} (`name === 'CertificateLibraryRejected'`) means retrying
 * cannot help (an invalid subject id, a 4xx): activities should make it non-retryable. Every other
 * error (5xx, timeouts, network, a malformed answer, an unreadable data file) may go away and is
 * worth retrying.
 *
 * This module reads files and the network: workflows get licences from an activity (which also records
 * them in history), they do not import this module.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseJsonText } from './json-data';
import { checkSubjectId, httpSettingsFromEnv, parseAnswer, ProviderError, providerRequest, SubjectId } from './provider-http';
import { isValidAt, SHANGHAI_OFFSET_MS, type ElectronicLicence } from '../domain/licences';

/** The provincial electronic-licence library (电子证照库). */
export interface CertificateLibrary {
  /**
   * The licences the subject holds and that are valid now: by licence type, the most recently issued
   * first. A subject the library does not know holds none: `[]`.
   */
  licencesOf(subjectId: string): Promise<ElectronicLicence[]>;
}

/** The current time; injected so that expiry can be tested. */
export type Clock = () => Date;

// ---------------------------------------------------------------------------------------------
// Errors

/** The library could not answer (5xx, timeout, network, malformed answer, unreadable data): retryable. */
export class CertificateLibraryError extends ProviderError {
  override name = 'CertificateLibraryError';
}

/** The library refused the request (an invalid subject id, a 4xx): retrying cannot help. */
export class CertificateLibraryRejected extends CertificateLibraryError {
  override name = 'CertificateLibraryRejected';
  override readonly retryable = false;
}

/** One problem in the sample licences file. `path` is a JSON path such as `$.licences[2].validUntil`. */
export interface CertificateDataIssue {
  file: string;
  path: string;
  message: string;
}

/** The sample licences file is missing or invalid; lists every problem, each with file and JSON path. */
export class CertificateDataError extends CertificateLibraryError {
  override name = 'CertificateDataError';

  constructor(readonly issues: readonly CertificateDataIssue[]) {
    super(`Invalid electronic-licence data:\n${issues.map((i) => `  ${i.file} ${i.path}: ${i.message}`).join('\n')}`, {
      file: issues[0]?.file,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Schemas

const Identifier = SubjectId;

const NonEmpty = z.string().min(1, 'is empty');
const DateOrInstant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'is not a YYYY-MM-DD date or an ISO instant',
});

const licenceShape = {
  licenceType: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'is not a licence type (lower-case letters, digits and dashes)'),
  number: NonEmpty,
  attributes: z.record(
    z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,62}$/, 'is not a camelCase attribute name'),
    z.string({ error: 'is not a string' }),
  ),
  issuedBy: NonEmpty,
  issuedAt: DateOrInstant,
  validUntil: DateOrInstant.optional(),
};

/**
 * A licence as a library answers it. Unknown properties are dropped rather than refused, so that a
 * library may say more than this contract needs.
 */
export const ElectronicLicenceSchema = z.object({
  ...licenceShape,
  holder: z.object({ subjectId: Identifier, name: NonEmpty }),
});

/**
 * An entry of the sample file: a licence, with an optional note for people reading the file. Strict:
 * a misspelt property in hand-written data is an error, not a silently missing value.
 */
const SampleLicence = z
  .object({
    ...licenceShape,
    holder: z.object({ subjectId: Identifier, name: NonEmpty }).strict(),
    note: z.string().optional().meta({ description: 'Why this sample exists (for people reading the file); never returned.' }),
  })
  .strict();

/** `adapters/data/certificates/licences.json`: `{ "licences": [ … ] }`. */
export const SampleLicencesFile = z
  .object({ licences: z.array(SampleLicence) })
  .strict()
  .superRefine(
    (file, ctx) => {
      // Runs even when other entries are invalid (see `when`), so every problem is reported at once:
      // entries are looked at defensively. A licence is one (type, number) in one holder's hands;
      // the same number may be held twice (both spouses hold a marriage certificate of one number).
      const seen = new Map<string, number>();
      (file.licences as unknown[]).forEach((entry, i) => {
        const e = entry as { licenceType?: unknown; number?: unknown; holder?: { subjectId?: unknown } } | null;
        if (typeof e?.licenceType !== 'string' || typeof e.number !== 'string' || typeof e.holder?.subjectId !== 'string') return;
        const key = JSON.stringify([e.licenceType, e.number, e.holder.subjectId]);
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['licences', i, 'number'], message: `duplicates $.licences[${first}] (same type, number and holder)` });
        } else {
          seen.set(key, i);
        }
      });
    },
    { when: (payload) => Array.isArray((payload.value as { licences?: unknown } | null)?.licences) },
  );

/** What the library answers to `GET /subjects/{id}/licences`. */
export const LicencesResponse = z.object({
  subjectId: z.string(),
  licences: z.array(ElectronicLicenceSchema),
});

// ---------------------------------------------------------------------------------------------
// Order (validity is domain/licences.ts)

/** Sort key of `issuedAt`: a date counts as its local midnight in Asia/Shanghai. */
function issuedInstant(licence: ElectronicLicence): number {
  const at = licence.issuedAt;
  return /^\d{4}-\d{2}-\d{2}$/.test(at) ? Date.parse(`${at}T00:00:00Z`) - SHANGHAI_OFFSET_MS : Date.parse(at);
}

/** Valid licences only, by type, newest first, then by number: the same answer every time. */
function validInOrder(licences: ElectronicLicence[], now: Date): ElectronicLicence[] {
  return licences
    .filter((l) => isValidAt(l, now))
    .sort(
      (a, b) =>
        compare(a.licenceType, b.licenceType) || issuedInstant(b) - issuedInstant(a) || compare(a.number, b.number),
    );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A deep copy, so that callers cannot change what the library keeps. */
function copy(licence: ElectronicLicence): ElectronicLicence {
  const out: ElectronicLicence = {
    licenceType: licence.licenceType,
    number: licence.number,
    holder: { subjectId: licence.holder.subjectId, name: licence.holder.name },
    attributes: { ...licence.attributes },
    issuedBy: licence.issuedBy,
    issuedAt: licence.issuedAt,
  };
  if (licence.validUntil !== undefined) out.validUntil = licence.validUntil;
  return out;
}

// ---------------------------------------------------------------------------------------------
// File library

/** The repository's sample licences, beside this module. */
export const DEFAULT_CERTIFICATES_FILE = fileURLToPath(new URL('./data/certificates/licences.json', import.meta.url));

export interface FileCertificateLibraryOptions {
  /** The current time, for expiry; `() => new Date()` by default. */
  now?: Clock;
}

/**
 * Licences from a JSON file `{ "licences": [ElectronicLicence & { note? }] }`, looked up by
 * `holder.subjectId`. The file is validated as a whole: every problem is reported at once, each with
 * the file and its JSON path ({@link CertificateDataError}).
 *
 * The file is read on first use and kept; a file that failed to load is read again on the next call,
 * so fixing it needs no restart. Expiry is judged at each call, by the injected clock.
 */
export class FileCertificateLibrary implements CertificateLibrary {
  private byHolder?: Promise<Map<string, ElectronicLicence[]>>;
  private readonly now: Clock;

  constructor(
    readonly file: string,
    options: FileCertificateLibraryOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async licencesOf(subjectId: string): Promise<ElectronicLicence[]> {
    checkSubjectId(subjectId, CertificateLibraryRejected);
    const byHolder = await this.load();
    return validInOrder(byHolder.get(subjectId) ?? [], this.now()).map(copy);
  }

  private load(): Promise<Map<string, ElectronicLicence[]>> {
    if (!this.byHolder) {
      const loading = readLicencesFile(this.file);
      this.byHolder = loading;
      loading.catch(() => {
        if (this.byHolder === loading) this.byHolder = undefined; // read again next time
      });
    }
    return this.byHolder;
  }
}

async function readLicencesFile(file: string): Promise<Map<string, ElectronicLicence[]>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CertificateDataError([{ file, path: '$', message: missing ? 'no such file' : (err as Error).message }]);
  }
  const parsed = parseJsonText(text, SampleLicencesFile);
  if ('issues' in parsed) throw new CertificateDataError(parsed.issues.map((issue) => ({ file, ...issue })));
  const byHolder = new Map<string, ElectronicLicence[]>();
  for (const { note: _note, ...licence } of parsed.data.licences) {
    const list = byHolder.get(licence.holder.subjectId) ?? [];
    list.push(licence);
    byHolder.set(licence.holder.subjectId, list);
  }
  return byHolder;
}

// ---------------------------------------------------------------------------------------------
// HTTP library

export interface HttpCertificateLibraryOptions {
  /** The library's base URL, e.g. `https://dzzz.example.gov.cn/api/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: string;
  /** Limit for each request, answer body included. */
  timeoutMs: number;
  /** The current time, for expiry; `() => new Date()` by default. */
  now?: Clock;
}

/**
 * A province's electronic-licence library, or an adapter in front of it that maps its catalogue onto
 * {@link ElectronicLicence}:
 *
 * - `GET {baseUrl}/subjects/{subjectId}/licences` → 200 with `{ subjectId, licences: ElectronicLicence[] }`;
 *   the `subjectId`, and every licence's `holder.subjectId`, must be the one asked for. **A subject the
 *   library does not know is a 200 with `licences: []`**: holding no licence is normal (a newborn, a
 *   company being founded), not an error.
 *
 * So a **404 is an error** ({@link CertificateLibraryRejected}): by this contract it can only mean the
 * URL is wrong (a misconfigured base URL, a library that does not speak the contract), and reading it as
 * "no licences" would silently make every applicant hand in every document.
 *
 * Path segments are percent-encoded. Redirects are not followed (the token stays with the configured
 * origin). 2xx is success; 5xx, 408, 429, timeouts, network errors and malformed answers throw a
 * retryable {@link CertificateLibraryError}; any other status (3xx, 4xx) throws
 * {@link CertificateLibraryRejected}. Messages name the URL and status. Expired licences in an answer
 * are dropped, as the file library does.
 */
export class HttpCertificateLibrary implements CertificateLibrary {
  readonly baseUrl: string;
  private readonly token?: string;
  readonly timeoutMs: number;
  private readonly now: Clock;

  constructor(options: HttpCertificateLibraryOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`electronic-licence library URL is not a URL: ${JSON.stringify(options.baseUrl)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`electronic-licence library URL must be http(s): ${JSON.stringify(options.baseUrl)}`);
    }
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new TypeError(`electronic-licence library timeout must be a positive number of milliseconds, not ${options.timeoutMs}`);
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token || undefined;
    this.timeoutMs = options.timeoutMs;
    this.now = options.now ?? (() => new Date());
  }

  async licencesOf(subjectId: string): Promise<ElectronicLicence[]> {
    checkSubjectId(subjectId, CertificateLibraryRejected);
    const url = `${this.baseUrl}/subjects/${encodeURIComponent(subjectId)}/licences`;
    const body = parseAnswer(await this.get(url), url, LicencesResponse, CertificateLibraryError);
    if (body.subjectId !== subjectId) {
      throw new CertificateLibraryError(
        `GET ${url}: malformed answer: $.subjectId is ${JSON.stringify(body.subjectId)}, not the subject asked for`,
        { url },
      );
    }
    const foreign = body.licences.findIndex((l) => l.holder.subjectId !== subjectId);
    if (foreign >= 0) {
      throw new CertificateLibraryError(
        `GET ${url}: malformed answer: $.licences[${foreign}].holder.subjectId is ${JSON.stringify(body.licences[foreign]!.holder.subjectId)}, not the subject asked for`,
        { url },
      );
    }
    return validInOrder(body.licences, this.now());
  }

  /** The answer's body text for a 2xx; throws otherwise. */
  private get(url: string): Promise<string> {
    return providerRequest({
      method: 'GET',
      url,
      token: this.token,
      timeoutMs: this.timeoutMs,
      errors: { retryable: CertificateLibraryError, rejected: CertificateLibraryRejected },
    });
  }

}

// ---------------------------------------------------------------------------------------------
// Selection

/** The library's base URL; when set, the HTTP library is used. */
export const CERTIFICATES_URL_ENV = 'YJS_CERTIFICATES_URL';
/** Bearer token for the library (optional). */
export const CERTIFICATES_TOKEN_ENV = 'YJS_CERTIFICATES_TOKEN';
/** Per-request timeout for the library in ms (optional). */
export const CERTIFICATES_TIMEOUT_ENV = 'YJS_CERTIFICATES_TIMEOUT_MS';
export const DEFAULT_CERTIFICATES_TIMEOUT_MS = 5_000;

/**
 * `YJS_CERTIFICATES_URL` (with `YJS_CERTIFICATES_TOKEN`, and `YJS_CERTIFICATES_TIMEOUT_MS`, default
 * 5000) → the library over HTTP; otherwise the file library over `defaults.file`.
 */
export function certificateLibraryFromEnv(
  defaults: { file: string; now?: Clock } = { file: DEFAULT_CERTIFICATES_FILE },
  env: NodeJS.ProcessEnv = process.env,
): CertificateLibrary {
  const http = httpSettingsFromEnv(
    env,
    { url: CERTIFICATES_URL_ENV, token: CERTIFICATES_TOKEN_ENV, timeout: CERTIFICATES_TIMEOUT_ENV },
    DEFAULT_CERTIFICATES_TIMEOUT_MS,
  );
  return http ? new HttpCertificateLibrary({ ...http, now: defaults.now }) : new FileCertificateLibrary(defaults.file, { now: defaults.now });
}
