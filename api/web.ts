/**
 * The web screens (web/, built into web/dist by scripts/build-web.ts), served by the API on its own
 * origin: hashed assets under `/assets/` (cached for a year), the other files of the build at their
 * paths, and `index.html` for `/` and for any other GET a browser navigates to (`Accept: text/html`)
 * that no route answers — the screens' own paths (`/apply`, `/workbench/…`). It never shadows the
 * API: routes win over the catch-all, and a request that is not a page navigation still gets the
 * API's 404 problem. `index.html` carries the sign-in settings (issuer, public client) and its own
 * Content-Security-Policy: scripts and styles from here only, requests to here and the issuer, and a
 * nonce per page for the one style element the code editor (CodeMirror) inserts.
 */
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

export interface WebOptions {
  /** The built screens: web/dist. */
  root: string;
  /** Where people sign in (the screens' public client); none: the screens say sign-in is off. */
  oidc?: { issuer: string; clientId: string; scope?: string };
}

/** The scopes the screens ask for: the person's name and roles in the ID token, the API's access. */
export const WEB_SCOPE = 'openid profile yijianshi api';

const CONFIG_MARKER = '<!--yjs-config-->';

/** What index.html may do: its own scripts and styles (and styles with this page's nonce), requests to the API and to the sign-in issuer. */
export function webContentSecurityPolicy(issuer: string | undefined, styleNonce: string): string {
  const connect = ["'self'", ...(issuer ? [new URL(issuer).origin] : [])].join(' ');
  return [
    "default-src 'self'",
    "base-uri 'none'",
    `connect-src ${connect}`,
    "font-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${styleNonce}'`,
    "worker-src 'self' blob:",
  ].join('; ');
}

/** `</` cannot end the script element early, whatever the settings hold. */
function configScript(options: WebOptions, styleNonce: string): string {
  const config = {
    ...(options.oidc ? { oidc: { issuer: options.oidc.issuer, clientId: options.oidc.clientId, scope: options.oidc.scope ?? WEB_SCOPE } } : {}),
    styleNonce,
  };
  return `<script id="yjs-config" type="application/json">${JSON.stringify(config).replace(/</g, '\\u003c')}</script>`;
}

export const webScreens: FastifyPluginAsync<WebOptions> = async (app, options) => {
  const template = await readFile(join(options.root, 'index.html'), 'utf8');
  const sendIndex = (reply: FastifyReply) => {
    const nonce = randomBytes(16).toString('base64');
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', webContentSecurityPolicy(options.oidc?.issuer, nonce))
      .header('cache-control', 'no-cache')
      .send(template.replace(CONFIG_MARKER, configScript(options, nonce)));
  };

  // Hashed file names never change content: cache them for good.
  await app.register(fastifyStatic, {
    root: join(options.root, 'assets'),
    prefix: '/assets/',
    wildcard: false,
    index: false,
    immutable: true,
    maxAge: '365d',
  });
  // The build's other files (favicon…), each at its own path, revalidated.
  for (const entry of await readdir(options.root, { withFileTypes: true })) {
    if (!entry.isFile() || entry.name === 'index.html' || entry.name.startsWith('.') || entry.name.endsWith('.map')) continue;
    app.get(`/${entry.name}`, { schema: { hide: true } }, (_request, reply) => reply.header('cache-control', 'no-cache').sendFile(entry.name, options.root, { cacheControl: false }));
  }

  app.get('/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  // Any other GET no route answers: a page of the screens when a browser navigates to it, else the API's 404.
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const accept = request.headers.accept ?? '';
    const last = request.url.split('?')[0]!.split('/').pop() ?? '';
    if (accept.includes('text/html') && !last.includes('.')) return sendIndex(reply);
    return reply.callNotFound();
  });
};
