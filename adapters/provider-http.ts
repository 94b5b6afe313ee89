/**
 * What the HTTP providers of outside platforms share (a province's credit platform, its
 * electronic-licence library): one request with a timeout, no redirects (the token goes only where
 * configured), and failures sorted into retryable (5xx, 408, 429, timeouts, network) and rejected
 * (other 3xx/4xx: retrying the same request cannot help).
 */
import { z } from 'zod';
import { describeIssues } from './json-data';

/** A provider could not answer: retryable. Subclassed per provider so failures name their source. */
export class ProviderError extends Error {
  readonly retryable: boolean = true;

  constructor(
    message: string,
    readonly details: { url?: string; status?: number; file?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type ProviderErrorClass = new (message: string, details?: ProviderError['details'], options?: { cause?: unknown }) => ProviderError;

export interface ProviderRequest {
  method: 'GET' | 'PUT';
  url: string;
  token?: string;
  timeoutMs: number;
  /** Sent as JSON. */
  body?: unknown;
  /** The provider's own classes: `retryable` for transient failures, `rejected` (a subclass) for refusals. */
  errors: { retryable: ProviderErrorClass; rejected: ProviderErrorClass };
}

/** The answer's body text for a 2xx; throws the provider's retryable or rejected error otherwise. */
export async function providerRequest({ method, url, token, timeoutMs, body, errors }: ProviderRequest): Promise<string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal,
    });
    const text = await response.text();
    if (response.ok) return text;
    const status = response.status;
    const snippet = text.trim().slice(0, 200);
    const message = `${method} ${url} answered ${status}${response.statusText ? ` ${response.statusText}` : ''}${snippet ? `: ${snippet}` : ''}`;
    if (status >= 500 || status === 408 || status === 429) throw new errors.retryable(message, { url, status });
    throw new errors.rejected(message, { url, status });
  } catch (err) {
    if (err instanceof errors.retryable) throw err;
    if (signal.aborted) throw new errors.retryable(`${method} ${url} timed out after ${timeoutMs} ms`, { url }, { cause: err });
    const cause = (err as Error & { cause?: Error }).cause;
    const why = cause?.message ? `${(err as Error).message}: ${cause.message}` : (err as Error).message;
    throw new errors.retryable(`${method} ${url} failed: ${why}`, { url }, { cause: err });
  }
}

/**
 * A subject id as it reaches a provider. Real ones are 18-character ID numbers or 统一社会信用代码, but
 * other registers exist, so only what cannot be an id is refused: empty, overlong, control characters,
 * "." / ".." (dot segments a URL would resolve away), path separators, and lone surrogates (not text:
 * they cannot be percent-encoded, and hash like U+FFFD). The API admits far less (`api/schemas.ts`);
 * this is the second line, for every other way an id arrives.
 */
export const SubjectId = z
  .string()
  .min(1, 'is empty')
  .max(128, 'is longer than 128 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'contains control characters')
  .refine((s) => s !== '.' && s !== '..', 'is a dot segment')
  .refine((s) => !/[/\\]/.test(s), 'contains a path separator')
  .refine((s) => !/[\uD800-\uDFFF]/u.test(s), 'contains a lone surrogate');

/** Throws the provider's `rejected` error for an id that cannot be one. */
export function checkSubjectId(subjectId: string, rejected: ProviderErrorClass): void {
  const parsed = SubjectId.safeParse(subjectId);
  if (!parsed.success) throw new rejected(`subject id ${JSON.stringify(subjectId)} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
}

/** A provider's answer parsed and validated; a malformed one is the provider's retryable error. */
export function parseAnswer<T>(text: string, url: string, schema: z.ZodType<T>, retryable: ProviderErrorClass): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new retryable(`GET ${url}: malformed answer, not JSON (${(err as Error).message})`, { url });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new retryable(`GET ${url}: malformed answer: ${describeIssues(parsed.error)}`, { url });
  return parsed.data;
}

/**
 * The HTTP settings of a provider from the environment (`<PREFIX>_URL`, `_TOKEN`, `_TIMEOUT_MS`), or
 * undefined when no URL is set (the file-backed default is used then).
 */
export function httpSettingsFromEnv(
  env: NodeJS.ProcessEnv,
  names: { url: string; token: string; timeout: string },
  defaultTimeoutMs: number,
): { baseUrl: string; token?: string; timeoutMs: number } | undefined {
  const baseUrl = env[names.url]?.trim();
  if (!baseUrl) return undefined;
  const timeoutText = env[names.timeout]?.trim();
  const timeoutMs = timeoutText ? Number(timeoutText) : defaultTimeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`${names.timeout} must be a positive whole number of milliseconds, not ${JSON.stringify(timeoutText)}`);
  }
  return { baseUrl, token: env[names.token] || undefined, timeoutMs };
}
