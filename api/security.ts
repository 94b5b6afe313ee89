/**
 * Response hardening for every route: security headers (`@fastify/helmet`), CORS (`@fastify/cors`,
 * closed unless origins are configured), and `Cache-Control: no-store` on whatever does not set its
 * own caching (case data, inboxes, supervision, problems), so no shared or browser cache keeps
 * personal data.
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

export interface SecurityOptions {
  /**
   * Browser origins allowed to call the API cross-origin (exact `scheme://host[:port]`, no path).
   * Empty (the default): no CORS headers, preflights are refused.
   */
  corsOrigins?: readonly string[];
}

/** The API answers JSON only: nothing may load, run, frame or submit from its responses. */
const API_CSP = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * Swagger UI (`/docs`) is an HTML page with its own scripts and styles, all served from here; it
 * fetches `/docs/json` and tries requests against the API itself. Nothing from elsewhere. It applies
 * inline styles (headless Chromium reports a violation under `style-src 'self'`), so styles, and only
 * styles, may be inline here.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join('; ');

/** Headers a browser client may send and read across origins. */
const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'idempotency-key'];
const CORS_EXPOSED_HEADERS = ['location', 'idempotent-replayed', 'retry-after', 'x-request-id'];

const securityPlugin: FastifyPluginAsync<SecurityOptions> = async (app, options) => {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  const allowed = new Set(options.corsOrigins ?? []);
  await app.register(cors, {
    // An origin not in the list gets no CORS headers at all (and its preflight a 404).
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
    methods: ['GET', 'POST'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.url?.startsWith('/docs')) reply.header('content-security-policy', DOCS_CSP);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
};

/** Registered on the root, before anything that can answer early (rate limits, authentication). */
export const security = fp(securityPlugin, { name: 'security', fastify: '5.x' });
