/**
 * Whether an error of the database driver says the database is away for now (restarting, out of
 * connections, unreachable) rather than that the request or the code is wrong. The API answers these
 * with a 503 and `Retry-After`, never a 500: a client that retries later with the same
 * Idempotency-Key loses nothing. Read from the error's shape, so neither `pg` nor PGlite is imported.
 */

/** SQLSTATE classes and codes of an unavailable server (PostgreSQL appendix A). */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-4])/; // connection exception, insufficient resources (too many clients), shutdown, cannot connect now

/** Socket errors of a server that is down or went away. */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/** node-postgres' own messages when the pool or a connection gives up. */
const UNAVAILABLE_MESSAGES = /timeout exceeded when trying to connect|connection terminated|client has encountered a connection error and is not queryable|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)/i;

export function isDatabaseOutage(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++, current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SOCKET_CODES.has(code))) return true;
    if (UNAVAILABLE_MESSAGES.test(current.message)) return true;
    // AggregateError of a dual-stack connect (ECONNREFUSED on ::1 and 127.0.0.1).
    if (current instanceof AggregateError && current.errors.some((e) => isDatabaseOutage(e))) return true;
  }
  return false;
}
