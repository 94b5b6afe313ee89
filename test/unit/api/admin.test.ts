/**
 * The admin API for API keys, on a real key file; and development keys minted for the departments of
 * a bundle published through `POST /definitions`. No Temporal server needed (the client never connects).
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { FileApiKeyStore } from '../../../adapters/api-keys';
import { ensureDevKeys, mintDevKeysOnPublish } from '../../../runtime/api-keys';
import { departmentsOf } from '../../../runtime/components';
import { PROJECT_ROOT } from '../../../runtime/config';

let dir: string;
let app: FastifyInstance;
let store: FileApiKeyStore;
let registry: DefinitionRegistry;
let tokenFile: string;
let tokens: () => Promise<Record<string, string>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yjs-admin-'));
  tokenFile = join(dir, 'dev-tokens.json');
  tokens = async () => JSON.parse(await readFile(tokenFile, 'utf8'));
  registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
  const { departments, windows } = departmentsOf(registry);
  // As `npm start` does in development.
  store = new FileApiKeyStore(join(dir, 'api-keys.json'));
  await ensureDevKeys(store, tokenFile, departments, windows);
  mintDevKeysOnPublish(registry, store, tokenFile);
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  app = await buildApp({ client, namespace: 'default', registry, authenticator: new ApiKeyAuthenticator(store), apiKeys: store });
}, 30_000);
afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function as(principal: string, options: InjectOptions) {
  const token = (await tokens())[principal];
  if (!token) throw new Error(`no development key "${principal}"`);
  return app.inject({ ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${token}` } });
}
const withKey = (key: string, options: InjectOptions) => app.inject({ ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${key}` } });

describe('POST /admin/api-keys', () => {
  it('is for admins only: 401 without a key, 403 for a designer, an integrator and a department officer', async () => {
    const request = { method: 'POST' as const, url: '/admin/api-keys', payload: { roles: ['department'], department: 'water-affairs' } };
    expect((await app.inject(request)).statusCode).toBe(401);
    for (const principal of ['designer', 'integrator', 'supervisor', 'officer-market-regulation', 'window-gov-service']) {
      const response = await as(principal, request);
      expect(response.statusCode, principal).toBe(403);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await store.list()).some((k) => k.department === 'water-affairs')).toBe(false);
  });

  it('mints a department key (201, shown once, Location, no-store) that acts at once', async () => {
    const response = await as('admin', { method: 'POST', url: '/admin/api-keys', payload: { roles: ['department'], department: 'water-affairs' } });
    expect(response.statusCode, response.body).toBe(201);
    const minted = response.json();
    expect(minted).toMatchObject({ id: 'officer-water-affairs', roles: ['department'], department: 'water-affairs' });
    expect(minted.key).toMatch(/^yjs_/);
    expect(response.headers.location).toBe('/admin/api-keys/officer-water-affairs');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(await readFile(join(dir, 'api-keys.json'), 'utf8')).not.toContain(minted.key);

    expect((await withKey(minted.key, { method: 'GET', url: '/definitions' })).statusCode).toBe(200);
    // It is a department officer: publishing is still the designer's.
    expect((await withKey(minted.key, { method: 'POST', url: '/definitions', payload: {} })).statusCode).toBe(403);
  });

  it('refuses with 422 a department role without a department, a department for another role, and a taken id', async () => {
    const cases = [
      { roles: ['department'] },
      { roles: ['designer'], department: 'water-affairs' },
      { id: 'officer-water-affairs', roles: ['supervisor'] },
    ];
    for (const payload of cases) {
      const response = await as('admin', { method: 'POST', url: '/admin/api-keys', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(422);
    }
    expect((await as('admin', { method: 'POST', url: '/admin/api-keys', payload: { roles: ['mayor'] } })).statusCode).toBe(400);
  });
});

describe('GET /admin/api-keys and DELETE /admin/api-keys/:id', () => {
  it('lists ids, roles and departments without digests; a deleted key stops working at once', async () => {
    const minted = (await as('admin', { method: 'POST', url: '/admin/api-keys', payload: { roles: ['integrator'], id: 'partner-portal' } })).json();
    expect((await withKey(minted.key, { method: 'GET', url: '/definitions' })).statusCode).toBe(200);

    const listed = await as('admin', { method: 'GET', url: '/admin/api-keys' });
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toEqual(expect.arrayContaining([{ id: 'partner-portal', roles: ['integrator'] }, { id: 'admin', roles: ['admin'] }]));
    expect(listed.body).not.toMatch(/tokenSha256|[a-f0-9]{64}|yjs_/);
    expect((await as('designer', { method: 'GET', url: '/admin/api-keys' })).statusCode).toBe(403);

    expect((await as('designer', { method: 'DELETE', url: '/admin/api-keys/partner-portal' })).statusCode).toBe(403);
    expect((await as('admin', { method: 'DELETE', url: '/admin/api-keys/partner-portal' })).statusCode).toBe(204);
    expect((await withKey(minted.key, { method: 'GET', url: '/definitions' })).statusCode).toBe(401);
    expect((await as('admin', { method: 'DELETE', url: '/admin/api-keys/partner-portal' })).statusCode).toBe(404);
  });
});

describe('development keys', () => {
  it('are minted on the first start for each role, an admin and each department, into a 0600 token file', async () => {
    const minted = await tokens();
    expect(Object.keys(minted)).toEqual(
      expect.arrayContaining(['integrator', 'designer', 'supervisor', 'admin', 'window-gov-service', 'officer-market-regulation', 'officer-fire-rescue']),
    );
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    // A second start mints nothing and keeps every key.
    const again = await ensureDevKeys(new FileApiKeyStore(join(dir, 'api-keys.json')), tokenFile, departmentsOf(registry).departments, departmentsOf(registry).windows);
    expect(again.minted).toEqual([]);
    expect(Object.keys(await tokens())).toEqual(Object.keys(minted));
  });

  it('are minted for the departments of a bundle published through POST /definitions, and act at once', async () => {
    const definition = JSON.parse(
      JSON.stringify(registry.get('open-restaurant').definition).replaceAll('"fire-rescue"', '"water-affairs-dev"').replaceAll('"gov-service"', '"district-hall"'),
    );
    definition.id = 'open-restaurant-riverside';
    expect((await tokens())['officer-water-affairs-dev']).toBeUndefined();

    const published = await as('designer', { method: 'POST', url: '/definitions', payload: definition });
    expect(published.statusCode, published.body).toBe(201);

    const after = await tokens();
    expect(after['officer-water-affairs-dev']).toMatch(/^yjs_/);
    expect(after['window-district-hall']).toMatch(/^yjs_/);
    const officer = await withKey(after['officer-water-affairs-dev']!, { method: 'GET', url: '/definitions/open-restaurant-riverside' });
    expect(officer.statusCode).toBe(200);
    expect((await store.list()).find((k) => k.id === 'officer-water-affairs-dev')).toMatchObject({ roles: ['department'], department: 'water-affairs-dev' });
  });
});
