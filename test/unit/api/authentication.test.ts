/**
 * Who sent a request is found out once, at the root: public routes answer anyone (and count them by
 * principal when the key is good), authenticated routes refuse with 401 without a principal, and an
 * authenticator that fails is no 401 but an error of the server. No Temporal server needed.
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator, type Authenticator, type Principal } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { mintKeys } from '../../../runtime/api-keys';
import { PROJECT_ROOT } from '../../../runtime/config';

const keys = mintKeys([{ id: 'integrator', roles: ['integrator'] }]);
const real = new ApiKeyAuthenticator(keys.records);
let calls = 0;
let failing = false;
const counting: Authenticator = {
  async authenticate(token: string): Promise<Principal | undefined> {
    calls++;
    if (failing) throw new Error('the issuer does not answer');
    return real.authenticate(token);
  },
};

let app: FastifyInstance;
beforeAll(async () => {
  const registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  app = await buildApp({ client, namespace: 'default', registry, authenticator: counting, rateLimitPerMinute: 1000 });
});
afterAll(async () => {
  await app?.close();
});
beforeEach(() => {
  calls = 0;
  failing = false;
});

const get = (url: string, token?: string) => app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('authentication', () => {
  it('authenticates a request once, on an authenticated route and on a public one', async () => {
    expect((await get('/definitions', keys.tokens.integrator)).statusCode).toBe(200);
    expect(calls).toBe(1);
    expect((await get('/health', keys.tokens.integrator)).statusCode).toBe(200);
    expect(calls).toBe(2);
  });

  it('asks nothing of the authenticator when no bearer token is sent', async () => {
    expect((await get('/health')).statusCode).toBe(200);
    const response = await get('/definitions');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ type: '/problems/unauthenticated', detail: 'Send "Authorization: Bearer <api key>".' });
    expect(calls).toBe(0);
  });

  it('answers 401 for a key that is not valid, and serves public routes anyway', async () => {
    const response = await get('/definitions', 'made-up');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ type: '/problems/unauthenticated', detail: 'The API key is not valid.' });
    expect((await get('/health', 'made-up')).statusCode).toBe(200);
  });

  it('answers a failing authenticator with a 500 on authenticated routes, never a 401, and serves public routes', async () => {
    failing = true;
    const response = await get('/definitions', keys.tokens.integrator);
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ type: '/problems/internal' });
    expect((await get('/health', keys.tokens.integrator)).statusCode).toBe(200);
  });
});
