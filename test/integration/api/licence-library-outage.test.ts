/**
 * The electronic-licence library `POST /cases` asks (免证明, pre-filling) fails transiently: the API
 * answers 503 `unavailable` with Retry-After, never a 500, and the same request with the same
 * Idempotency-Key starts the case once the library answers again, and gives that case on every retry.
 * Found by `npm run drill -- flaky-services`, where every failed lookup was a 500. Real Temporal (dev
 * server) and a real HTTP library on this machine that fails in turn with a 503, a 500, a 429 and a cut
 * connection.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpCertificateLibrary } from '../../../adapters/certificates';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { devPrincipals, mintKeys } from '../../../runtime/api-keys';
import { departmentsOf } from '../../../runtime/components';
import { PROJECT_ROOT } from '../../../runtime/config';
import { restaurantApplication } from '../../fixtures/applications';
import { eventually } from '../../helpers/stack';
import { createDevServerEnv } from '../../helpers/temporal-env';

/** How the library answers its next lookups: a failure each, in turn, then the answer. */
const failures: Array<'503' | '500' | '429' | 'cut'> = [];
let lookups = 0;
let library: Server;
let env: TestWorkflowEnvironment;
let app: FastifyInstance;
let tokens: Record<string, string>;

beforeAll(async () => {
  library = createServer((req, res) => {
    lookups++;
    const failure = failures.shift();
    if (failure === 'cut') return void req.socket.destroy();
    if (failure) return void res.writeHead(Number(failure), { 'content-type': 'application/json' }).end('{"error":"transient"}');
    const subjectId = decodeURIComponent(/\/subjects\/([^/]+)\/licences$/.exec(req.url ?? '')?.[1] ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ subjectId, licences: [] }));
  });
  await new Promise<void>((resolve) => library.listen(0, '127.0.0.1', resolve));
  env = await createDevServerEnv();
  const registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
  const { departments, windows } = departmentsOf(registry);
  const minted = mintKeys(devPrincipals(departments, windows));
  tokens = minted.tokens;
  app = await buildApp({
    client: env.client,
    namespace: 'default',
    registry,
    authenticator: new ApiKeyAuthenticator(minted.records),
    taskQueue: `nobody-${Math.random().toString(36).slice(2, 10)}`,
    certificates: new HttpCertificateLibrary({ baseUrl: `http://127.0.0.1:${(library.address() as { port: number }).port}`, timeoutMs: 5_000 }),
    logger: false,
  });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await env?.teardown();
  library?.closeAllConnections();
  await new Promise((resolve) => (library ? library.close(resolve) : resolve(undefined)));
});

describe('POST /cases while the electronic-licence library fails transiently', () => {
  it('answers 503 unavailable with Retry-After for each failure, then starts one case for the key', async () => {
    failures.push('503', '500', '429', 'cut');
    const start = () =>
      app.inject({
        method: 'POST',
        url: '/cases',
        payload: restaurantApplication(),
        headers: { authorization: `Bearer ${tokens.integrator}`, 'idempotency-key': 'licence-outage-1' },
      });
    for (let attempt = 1; attempt <= 4; attempt++) {
      const response = await start();
      expect(response.statusCode, `attempt ${attempt}: ${response.body}`).toBe(503);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ type: '/problems/unavailable', status: 503 });
      expect(response.json().detail).toMatch(/same Idempotency-Key/);
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(lookups).toBe(4);

    const started = await start();
    expect(started.statusCode, started.body).toBe(201);
    const again = await start();
    expect([200, 201]).toContain(again.statusCode);
    expect(again.json().caseId).toBe(started.json().caseId);
    // One case workflow on the server: none was started by the refused attempts.
    await eventually(() => env.client.workflow.count(`WorkflowType = 'caseWorkflow'`), (c) => c.count >= 1, 'the case in visibility');
    expect((await env.client.workflow.count(`WorkflowType = 'caseWorkflow'`)).count).toBe(1);
  });
});
