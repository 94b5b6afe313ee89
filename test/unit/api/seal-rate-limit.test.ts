/**
 * The public `POST /seals/verify` has a rate limit of its own, by address, apart from the API's
 * authenticated traffic. No Temporal server needed (the client never connects).
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../../../adapters/documents';
import { MemoryKeyStore } from '../../../adapters/keystore';
import { Sealer } from '../../../adapters/sealer';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { mintKeys } from '../../../runtime/api-keys';
import { PROJECT_ROOT, loadConfig } from '../../../runtime/config';

const SEAL_LIMIT = 3;
let app: FastifyInstance;
let token: string;
let sealed: unknown;

beforeAll(async () => {
  const registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
  const keys = mintKeys([{ id: 'integrator', roles: ['integrator'] }]);
  token = keys.tokens.integrator!;
  const keyStore = new MemoryKeyStore();
  const documents = new MemoryDocumentStore();
  sealed = (
    await new Sealer(keyStore, documents).sealOnce({
      key: 'case-1/business-registration/issue',
      department: 'market-regulation',
      appliedBy: 'person',
      signedAt: '2025-03-14T09:30:00+08:00',
      make: (documentId) => ({ documentId, type: 'result' }),
    })
  ).body;
  app = await buildApp({
    client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
    namespace: 'default',
    registry,
    authenticator: new ApiKeyAuthenticator(keys.records),
    keys: keyStore,
    documents,
    rateLimitPerMinute: 100,
    sealVerifyRatePerMinute: SEAL_LIMIT,
  });
});
afterAll(async () => {
  await app?.close();
});

const verify = (headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
  app.inject({ method: 'POST', url: '/seals/verify', remoteAddress, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(sealed) });

describe('POST /seals/verify rate limit', () => {
  it('answers 429 past its own limit per address while authenticated routes still answer', async () => {
    const statuses = [];
    for (let i = 0; i < SEAL_LIMIT; i++) statuses.push((await verify()).statusCode);
    expect(statuses).toEqual(Array(SEAL_LIMIT).fill(200));

    const over = await verify();
    expect(over.statusCode).toBe(429);
    expect(over.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(over.headers['retry-after']).toBeDefined();
    // Counted by address: an API key on the request does not open a fresh budget.
    expect((await verify({ authorization: `Bearer ${token}` })).statusCode).toBe(429);

    // The API's own budgets, by principal and by address, are untouched by the seal calls.
    const authenticated = await app.inject({ method: 'GET', url: '/definitions', headers: { authorization: `Bearer ${token}` } });
    expect(authenticated.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    // Another address has its own seal budget.
    expect((await verify({}, '192.0.2.7')).statusCode).toBe(200);
  });
});

describe('YJS_SEAL_VERIFY_RATE_PER_MINUTE', () => {
  it('sets the limit, and stops the start when it is not a positive whole number', () => {
    expect(loadConfig({ YJS_SEAL_VERIFY_RATE_PER_MINUTE: '30' }).sealVerifyRatePerMinute).toBe(30);
    expect(loadConfig({}).sealVerifyRatePerMinute).toBeUndefined();
    for (const bad of ['0', '-5', '1.5', 'many']) {
      expect(() => loadConfig({ YJS_SEAL_VERIFY_RATE_PER_MINUTE: bad }), bad).toThrow(/YJS_SEAL_VERIFY_RATE_PER_MINUTE/);
    }
  });
});
