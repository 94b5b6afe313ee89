/**
 * The API's log: JSON lines (fastify's pino), one per request and one per 5xx with its cause, each
 * with the request's id, which is also sent back as `x-request-id` so a client can quote it.
 * Secrets stay out: credentials are redacted and query strings (subject ids) are not logged.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';

export interface LogOptions {
  /** pino level: `info` logs every request, `warn` only 503s and 500s. Default `info`. */
  level?: string;
  /** Where the lines go; stdout by default. Tests pass a stream to read them. */
  stream?: { write(line: string): void };
}

/** `false`: no log (unit tests); `true`: info to stdout; or the level and stream. */
export type LoggerOption = boolean | LogOptions;

const REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
];

/** Fastify options for the logger and request ids. */
export function loggingOptions(option: LoggerOption | undefined): Pick<FastifyServerOptions, 'logger' | 'genReqId'> {
  const genReqId = () => randomUUID();
  if (!option) return { logger: false, genReqId };
  const { level = 'info', stream } = option === true ? {} : option;
  return {
    logger: {
      level,
      ...(stream ? { stream } : {}),
      redact: { paths: REDACTED, censor: '[redacted]' },
      serializers: {
        req: (request: { method: string; url: string; routeOptions?: { url?: string } }) => ({
          method: request.method,
          // The path only: query strings carry subject ids (ID numbers).
          url: request.url.split('?', 1)[0],
          route: request.routeOptions?.url,
        }),
      },
    },
    genReqId,
  };
}

/** Sends each request's id back as `x-request-id`: the key to its log lines. */
export function exposeRequestIds(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
}
