/**
 * What the HTTP providers of outside platforms share (a province's credit platform, its
 * electronic-licence library): one request with a timeout, no redirects (the token goes only where
 * configured), and failures sorted into retryable (5xx, 408, 429, timeouts, network) and rejected
 * (other 3xx/4xx: retrying the same request cannot help).
 */

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
