/**
 * Security headers on every answer (public, authenticated, problem), no caching of case data, and
 * CORS closed unless origins are configured. No Temporal server: the client never connects.
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { mintKeys } from '../../../runtime/api-keys';
import { PROJECT_ROOT, loadConfig, parseCorsOrigins } from '../../../runtime/config';

const DESK = 'https://desk.example.gov.cn';
let closed: FastifyInstance;
let open: FastifyInstance;
const keys = mintKeys([{ id: 'designer', roles: ['designer'] }]);
const tokens = keys.tokens;

async function app(corsOrigins?: string[]): Promise<FastifyInstance> {
  const registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  return buildApp({ client, namespace: 'default', registry, authenticator: new ApiKeyAuthenticator(keys.records), corsOrigins });
}

beforeAll(async () => {
  closed = await app();
  open = await app([DESK]);
});
afterAll(async () => {
  await closed?.close();
  await open?.close();
});

function expectSecurityHeaders(response: LightMyRequestResponse): void {
  const csp = String(response.headers['content-security-policy']);
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['referrer-policy']).toBe('no-referrer');
  expect(response.headers['x-frame-options']).toBe('DENY');
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.headers['x-request-id']).toBeTruthy();
}

describe('security headers', () => {
  it('are on a public route', async () => {
    const response = await closed.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expectSecurityHeaders(response);
  });

  it('are on an authenticated route', async () => {
    const response = await closed.inject({ method: 'GET', url: '/definitions', headers: { authorization: `Bearer ${tokens.designer}` } });
    expect(response.statusCode).toBe(200);
    expectSecurityHeaders(response);
  });

  it('are on problem responses: unauthenticated case data and an unknown route', async () => {
    const unauthenticated = await closed.inject({ method: 'GET', url: '/cases/abc' });
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.headers['content-type']).toContain('application/problem+json');
    expectSecurityHeaders(unauthenticated);
    const unknown = await closed.inject({ method: 'GET', url: '/nowhere' });
    expect(unknown.statusCode).toBe(404);
    expectSecurityHeaders(unknown);
  });

  it('let Swagger UI load its own scripts and styles at /docs, and nothing from elsewhere', async () => {
    const page = await closed.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:|\*/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    // Every script the page loads is served here.
    for (const [, src] of page.body.matchAll(/<script src="([^"]+)"/g)) {
      const url = new URL(src!, 'http://api.local/docs/').pathname;
      expect((await closed.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
  });
});

describe('CORS', () => {
  const preflight = (app: FastifyInstance, origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/cases',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
    });

  it('refuses a preflight when no origin is configured', async () => {
    const response = await preflight(closed, DESK);
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expectSecurityHeaders(response);
  });

  it('allows a preflight from a configured origin, with the headers a client needs', async () => {
    const response = await preflight(open, DESK);
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(DESK);
    expect(String(response.headers['access-control-allow-headers'])).toContain('idempotency-key');
    expect(String(response.headers['access-control-allow-methods'])).toContain('POST');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('refuses another origin when origins are configured', async () => {
    const response = await preflight(open, 'https://evil.example');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets a configured origin read answers and their Location, Retry-After and request id', async () => {
    const response = await open.inject({ method: 'GET', url: '/health', headers: { origin: DESK } });
    expect(response.headers['access-control-allow-origin']).toBe(DESK);
    expect(String(response.headers['access-control-expose-headers'])).toMatch(/location.*retry-after/);
    expect((await closed.inject({ method: 'GET', url: '/health', headers: { origin: DESK } })).headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('configuration', () => {
  it('reads YJS_CORS_ORIGINS as a list of bare origins and refuses anything else', () => {
    expect(parseCorsOrigins(undefined)).toEqual([]);
    expect(parseCorsOrigins(` ${DESK}, http://127.0.0.1:5173 `)).toEqual([DESK, 'http://127.0.0.1:5173']);
    for (const bad of ['*', 'desk.example.gov.cn', `${DESK}/`, `${DESK}/app`, 'ftp://x.example']) expect(() => parseCorsOrigins(bad), bad).toThrow(/YJS_CORS_ORIGINS/);
  });

  it('reads YJS_TEMPORAL_TIMEOUT_MS as whole milliseconds from 1000, default unset (the API says 5 s)', () => {
    expect(loadConfig({}).temporalTimeoutMs).toBeUndefined();
    expect(loadConfig({ YJS_TEMPORAL_TIMEOUT_MS: '3000' }).temporalTimeoutMs).toBe(3000);
    for (const bad of ['0', '999', 'soon', '1.5']) expect(() => loadConfig({ YJS_TEMPORAL_TIMEOUT_MS: bad }), bad).toThrow(/YJS_TEMPORAL_TIMEOUT_MS/);
  });
});
