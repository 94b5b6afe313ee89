/**
 * The web screens served by the API (api/web.ts) over a small build of their own: pages for browser
 * navigations, files at their paths, the sign-in settings and the page's CSP in index.html — and every
 * API route, the OpenAPI document and the docs exactly as without the screens. No Temporal needed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../../../adapters/blobs';
import { MemoryDocumentStore } from '../../../adapters/documents';
import { MemoryKeyStore } from '../../../adapters/keystore';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { mintKeys } from '../../../runtime/api-keys';
import { PROJECT_ROOT } from '../../../runtime/config';

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const ISSUER = 'http://127.0.0.1:3901';

let dir: string;
let app: FastifyInstance;
let bare: FastifyInstance;

const { records, tokens } = mintKeys([{ id: 'supervisor', roles: ['supervisor'] }]);
const token = tokens.supervisor!;

async function appWith(web: boolean): Promise<FastifyInstance> {
  return buildApp({
    client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
    namespace: 'default',
    registry: await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() }),
    authenticator: new ApiKeyAuthenticator(records),
    keys: new MemoryKeyStore(),
    documents: new MemoryDocumentStore(),
    blobs: new MemoryBlobStore(),
    ...(web ? { web: { root: dir, oidc: { issuer: ISSUER, clientId: 'yijianshi-web' } } } : {}),
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yjs-web-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><html><head><!--yjs-config--></head><body><div id="root"></div></body></html>');
  await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log("screens")');
  await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  [app, bare] = await Promise.all([appWith(true), appWith(false)]);
});
afterAll(async () => {
  await app?.close();
  await bare?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GET / and the screens\' own paths', () => {
  it('serve index.html with the sign-in settings and a CSP that allows this origin and the issuer only', async () => {
    const nonces = new Set<string>();
    for (const url of ['/', '/workbench', '/workbench/case-1/fire-check', '/apply/open-restaurant?x=1']) {
      const response = await app.inject({ method: 'GET', url, headers: HTML });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      const config = /<script id="yjs-config" type="application\/json">(.*?)<\/script>/.exec(response.body)?.[1];
      const parsed = JSON.parse(config!);
      expect(parsed).toEqual({ oidc: { issuer: ISSUER, clientId: 'yijianshi-web', scope: 'openid profile yijianshi api' }, styleNonce: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/) });
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain(`connect-src 'self' ${ISSUER}`);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain(`style-src 'self' 'nonce-${parsed.styleNonce}'`); // the code editor's style element, this page only
      expect(csp).not.toContain('unsafe');
      nonces.add(parsed.styleNonce);
    }
    expect(nonces.size).toBe(4); // a new nonce for every page
  });

  it('serve hashed assets for a year and other files revalidated; a missing file is a 404', async () => {
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
    expect((await app.inject({ method: 'GET', url: '/assets/missing.js', headers: HTML })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/robots.txt', headers: HTML })).statusCode).toBe(404);
  });
});

describe('the API beside the screens', () => {
  it('answers an unknown path that is not a page navigation with its 404 problem', async () => {
    const response = await app.inject({ method: 'GET', url: '/nothing-here', headers: { accept: 'application/json' } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('keeps every route: a page navigation to an API path gets the API, not a page', async () => {
    const health = await app.inject({ method: 'GET', url: '/health', headers: HTML });
    expect(health.json()).toEqual({ status: 'ok' });
    const unauthenticated = await app.inject({ method: 'GET', url: '/supervision/items', headers: HTML });
    expect(unauthenticated.statusCode).toBe(401);
    const supervised = await app.inject({ method: 'GET', url: '/definitions', headers: { ...HTML, authorization: `Bearer ${token}` } });
    expect(supervised.statusCode).toBe(200);
    expect(Array.isArray(supervised.json())).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/docs', headers: HTML })).statusCode).not.toBe(404);
    expect((await app.inject({ method: 'POST', url: '/cases', headers: HTML, payload: {} })).statusCode).toBe(401);
  });

  it('serves the same OpenAPI document as an app without the screens', async () => {
    const withScreens = await app.inject({ method: 'GET', url: '/openapi.json', headers: HTML });
    const without = await bare.inject({ method: 'GET', url: '/openapi.json' });
    expect(withScreens.statusCode).toBe(200);
    expect(withScreens.json().paths).toEqual(without.json().paths);
  });
});
