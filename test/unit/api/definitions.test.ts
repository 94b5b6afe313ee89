/**
 * The API's definition routes, docs and errors; no Temporal server needed (the client never connects).
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { mintKeys } from '../../../runtime/api-keys';
import { PROJECT_ROOT } from '../../../runtime/config';

let app: FastifyInstance;
let registry: DefinitionRegistry;
let tokens: Record<string, string>;

beforeAll(async () => {
  registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
  const keys = mintKeys([
    { id: 'designer', roles: ['designer'] },
    { id: 'integrator', roles: ['integrator'] },
  ]);
  tokens = keys.tokens;
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  app = await buildApp({ client, namespace: 'default', registry, authenticator: new ApiKeyAuthenticator(keys.records) });
});
afterAll(async () => {
  await app?.close();
});

const as = (principal: string, options: InjectOptions) =>
  app.inject({ ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${tokens[principal]}` } });

function restaurantV(version: number, change: (d: Record<string, unknown>) => void = () => {}) {
  const definition = structuredClone(registry.get('open-restaurant', 1).definition) as unknown as Record<string, unknown>;
  definition.version = version;
  change(definition);
  return definition;
}

describe('public routes', () => {
  it('serves OpenAPI with every operation, and the docs page', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operations = Object.values(spec.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(operations).toEqual(expect.arrayContaining(['startCase', 'getCaseProgress', 'acceptCase', 'refuseCase', 'approveItem', 'rejectItem', 'getInbox', 'listDefinitions', 'publishDefinition', 'validateDefinition']));
    expect((await app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
  });

  it('documents problem types and the lifecycle machines', async () => {
    expect((await app.inject({ method: 'GET', url: '/problems/wrong-department' })).json()).toMatchObject({ status: 403 });
    expect((await app.inject({ method: 'GET', url: '/problems/nope' })).statusCode).toBe(404);
    const lifecycle = (await app.inject({ method: 'GET', url: '/lifecycle' })).json();
    expect(Object.keys(lifecycle.case.states)).toEqual(expect.arrayContaining(['submitted', 'accepted', 'processing', 'completed', 'rejected']));
  });
});

describe('GET /definitions', () => {
  it('lists the bundles and needs a key', async () => {
    expect((await app.inject({ method: 'GET', url: '/definitions' })).statusCode).toBe(401);
    const bad = await app.inject({ method: 'GET', url: '/definitions', headers: { authorization: 'Bearer nope' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    const list = (await as('integrator', { method: 'GET', url: '/definitions' })).json();
    expect(list.map((b: { id: string }) => b.id).sort()).toEqual([
      'enterprise-deregistration',
      'enterprise-startup',
      'newborn',
      'open-restaurant',
      'property-transfer-utilities',
    ]);
  });

  it('answers 404 for an unknown bundle or version', async () => {
    expect((await as('integrator', { method: 'GET', url: '/definitions/nope' })).statusCode).toBe(404);
    expect((await as('integrator', { method: 'GET', url: '/definitions/open-restaurant/versions/42' })).statusCode).toBe(404);
  });
});

describe('POST /definitions/validate', () => {
  it('returns every issue with its path', async () => {
    const draft = restaurantV(9, (d) => {
      const items = d.items as Array<Record<string, unknown>>;
      items[1]!.department = 'nobody';
      items[0]!.dependsOn = ['fire-check'];
    });
    const body = (await as('integrator', { method: 'POST', url: '/definitions/validate', payload: draft })).json();
    expect(body.valid).toBe(false);
    expect(body.issues.map((i: { code: string; path: string }) => `${i.code} ${i.path}`)).toEqual(
      expect.arrayContaining(['unknown-department /items/1/department', expect.stringMatching(/^dependency-cycle \/items\/\d+\/dependsOn\/0$/)]),
    );
  });
});

describe('POST /definitions', () => {
  it('publishes a new version once, repeats it unchanged, and refuses other content under the same version', async () => {
    expect((await as('integrator', { method: 'POST', url: '/definitions', payload: restaurantV(2) })).statusCode).toBe(403);
    const created = await as('designer', { method: 'POST', url: '/definitions', payload: restaurantV(2) });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.location).toBe('/definitions/open-restaurant/versions/2');
    expect((await as('designer', { method: 'POST', url: '/definitions', payload: restaurantV(2) })).statusCode).toBe(200);
    const conflict = await as('designer', { method: 'POST', url: '/definitions', payload: restaurantV(2, (d) => (d.promisedDays = 12)) });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().type).toBe('/problems/version-conflict');
    expect((await as('integrator', { method: 'GET', url: '/definitions/open-restaurant' })).json().version).toBe(2);
    expect((await as('integrator', { method: 'GET', url: '/definitions/open-restaurant/versions' })).json().map((v: { version: number }) => v.version)).toEqual([1, 2]);
  });

  it('refuses an invalid definition with 422 and every issue', async () => {
    const response = await as('designer', { method: 'POST', url: '/definitions', payload: restaurantV(3, (d) => (d.promisedDays = 1)) });
    expect(response.statusCode).toBe(422);
    // The issues: the error, and edition 1's renamed-property warning.
    expect(response.json().errors).toEqual([
      expect.objectContaining({ path: '/promisedDays', code: 'bundle-promise-below-critical-path' }),
      expect.objectContaining({ path: '/steps', code: 'renamed-property' }),
    ]);
  });
});

describe('rate limits', () => {
  it('limits made-up keys by address, so rotating them does not escape the limit', async () => {
    const keys = mintKeys([{ id: 'integrator', roles: ['integrator'] }]);
    const limited = await buildApp({
      client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
      namespace: 'default',
      registry,
      authenticator: new ApiKeyAuthenticator(keys.records),
      rateLimitPerMinute: 3,
    });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await limited.inject({ method: 'GET', url: '/health', headers: { authorization: `Bearer fake-${i}` } })).statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      // A real key has its own budget.
      const real = await limited.inject({ method: 'GET', url: '/health', headers: { authorization: `Bearer ${keys.tokens.integrator}` } });
      expect(real.statusCode).toBe(200);
      const over = await limited.inject({ method: 'GET', url: '/health' });
      expect(over.statusCode).toBe(429);
      expect(over.headers['content-type']).toMatch(/application\/problem\+json/);
    } finally {
      await limited.close();
    }
  });
});
