/**
 * The Idempotency-Key echo (`IdempotencyEcho` in the contract): an Update handler answers a keyed
 * request's echo back in its result, so the API tells a replay or a reused key from the result
 * alone, without reading the workflow's history. The echo never reaches the case's or item's state.
 */
import type { Echoed } from './contract';

/** The request without its echo, for the handler. */
export function plain<T extends object>(request: Echoed<T>): T {
  if (!request.idempotency) return request;
  const { idempotency: _echo, ...rest } = request;
  return rest as T;
}

/** The result with the request's echo, if it had one. */
export function echo<R extends object>(result: R, request: Echoed<object>): Echoed<R> {
  return request.idempotency ? { ...result, idempotency: request.idempotency } : result;
}

/** A synchronous handler that sees the plain request and answers with the echo (no extra microtask). */
export function echoing<T extends object, R extends object>(handler: (request: T) => R): (request: Echoed<T>) => Echoed<R> {
  return (request) => echo(handler(plain(request)), request);
}
