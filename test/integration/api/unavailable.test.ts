/**
 * When Temporal or the worker does not answer, the API says so within its bound: a 503
 * `temporal-unavailable` or `worker-unavailable` with `Retry-After`, never a 500 or a half-minute
 * wait, and a warning in the log with the request's id and no credentials. Real Temporal: nothing
 * listening, a server that never answers, and a dev server whose task queue no worker polls.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CERTIFICATES_FILE, FileCertificateLibrary } from '../../../adapters/certificates';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { DEFAULT_TEMPORAL_TIMEOUT_MS } from '../../../api/temporal-deadline';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { devPrincipals, mintKeys } from '../../../runtime/api-keys';
import { departmentsOf } from '../../../runtime/components';
import { PROJECT_ROOT } from '../../../runtime/config';
import { restaurantApplication } from '../../fixtures/applications';
import { createDevServerEnv } from '../../helpers/temporal-env';
import { eventually, startStack, type Stack } from '../../helpers/stack';

/** The bound the docs state (YJS_TEMPORAL_TIMEOUT_MS unset), and slack for a loaded 2-core CI machine. */
const BOUND_MS = DEFAULT_TEMPORAL_TIMEOUT_MS;
const MARGIN_MS = 1500;

interface Api {
  app: FastifyInstance;
  tokens: Record<string, string>;
  /** The app's log lines, parsed. */
  log: Array<Record<string, unknown>>;
}

/** The API alone (no worker) over `client`, logging into memory. */
async function apiOver(client: Client, taskQueue?: string): Promise<Api> {
  const registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
  const { departments, windows } = departmentsOf(registry);
  const { records, tokens } = mintKeys(devPrincipals(departments, windows));
  const log: Array<Record<string, unknown>> = [];
  const app = await buildApp({
    client,
    namespace: 'default',
    registry,
    authenticator: new ApiKeyAuthenticator(records),
    taskQueue,
    certificates: new FileCertificateLibrary(DEFAULT_CERTIFICATES_FILE),
    logger: { level: 'info', stream: { write: (line) => void log.push(JSON.parse(line) as Record<string, unknown>) } },
  });
  return { app, tokens, log };
}

async function timed(api: Api, principal: string, options: InjectOptions): Promise<{ response: LightMyRequestResponse; ms: number }> {
  const started = performance.now();
  const response = await api.app.inject({ ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${api.tokens[principal]}` } });
  return { response, ms: performance.now() - started };
}

/** A 503 of `slug`, with Retry-After, inside the bound. */
function expectUnavailable({ response, ms }: { response: LightMyRequestResponse; ms: number }, slug: string): void {
  expect(response.statusCode, response.body).toBe(503);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.json()).toMatchObject({ type: `/problems/${slug}`, status: 503 });
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  expect(ms).toBeLessThan(BOUND_MS + MARGIN_MS);
}

/** Each 503 is logged as a warning with its request id and problem type; no API key ever is. */
function expectLogged(api: Api, response: LightMyRequestResponse, slug: string): void {
  const line = api.log.find((l) => l.reqId === response.headers['x-request-id'] && l.level === 40);
  expect(line, JSON.stringify(api.log.slice(-5))).toMatchObject({ problem: `/problems/${slug}` });
  const text = JSON.stringify(api.log);
  for (const token of Object.values(api.tokens)) expect(text).not.toContain(token);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('Temporal unreachable', () => {
  const apis: Api[] = [];
  const sockets: Socket[] = [];
  let silent: Server | undefined;
  afterAll(async () => {
    await Promise.all(apis.map((api) => api.app.close()));
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
  });

  async function expectTemporalUnavailable(address: string): Promise<void> {
    const api = await apiOver(new Client({ connection: Connection.lazy({ address }) }));
    apis.push(api);
    const [read, start] = await Promise.all([
      timed(api, 'supervisor', { method: 'GET', url: '/cases/0123456789abcdef01234567' }),
      timed(api, 'integrator', { method: 'POST', url: '/cases', payload: restaurantApplication(), headers: { 'idempotency-key': 'down-1' } }),
    ]);
    expectUnavailable(read, 'temporal-unavailable');
    expectUnavailable(start, 'temporal-unavailable');
    // A start may have reached Temporal before it went silent: the answer says how to retry safely.
    expect(start.response.json().detail).toMatch(/same Idempotency-Key/);
    expectLogged(api, read.response, 'temporal-unavailable');
  }

  it('answers 503 temporal-unavailable within the bound when nothing listens at the address', async () => {
    await expectTemporalUnavailable(`127.0.0.1:${await freePort()}`);
  });

  it('answers 503 temporal-unavailable within the bound when the server accepts connections but never answers', async () => {
    silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
    await expectTemporalUnavailable(`127.0.0.1:${(silent.address() as { port: number }).port}`);
  });
});

describe('no worker polling', () => {
  let env: TestWorkflowEnvironment;
  let api: Api;
  let stack: Stack;
  beforeAll(async () => {
    env = await createDevServerEnv();
    api = await apiOver(env.client, `nobody-${Math.random().toString(36).slice(2, 10)}`);
    stack = await startStack(env);
  });
  afterAll(async () => {
    await api?.app.close();
    await stack?.close();
    await env?.teardown();
  });

  it('answers 503 worker-unavailable within the bound to a query and to Updates when no worker ever polled', async () => {
    // Temporal itself is up: a case starts without a worker.
    const started = await timed(api, 'integrator', { method: 'POST', url: '/cases', payload: restaurantApplication(), headers: { 'idempotency-key': 'no-worker-1' } });
    expect(started.response.statusCode, started.response.body).toBe(201);
    const caseId = started.response.json().caseId as string;

    const [read, accept, approve] = await Promise.all([
      timed(api, 'supervisor', { method: 'GET', url: `/cases/${caseId}` }),
      timed(api, 'window-gov-service', { method: 'POST', url: `/cases/${caseId}/accept`, payload: {}, headers: { 'idempotency-key': 'accept-1' } }),
      timed(api, 'officer-market-regulation', { method: 'POST', url: `/cases/${caseId}/items/business-licence/approve`, payload: {} }),
    ]);
    expectUnavailable(read, 'worker-unavailable');
    expectUnavailable(accept, 'worker-unavailable');
    expectUnavailable(approve, 'worker-unavailable');
    // The accept Update may have been admitted and runs once a worker is back: retry, same key.
    expect(accept.response.json().detail).toMatch(/same Idempotency-Key/);
    expectLogged(api, read.response, 'worker-unavailable');
    expectLogged(api, accept.response, 'worker-unavailable');
  });

  it("answers a running case's progress from the read model (with asOf) and its actions with 503 worker-unavailable, within the bound, once its worker has stopped", async () => {
    const start = await stack.as('integrator', { method: 'POST', url: '/cases', payload: restaurantApplication(), headers: { 'idempotency-key': 'stopped-1' } });
    expect(start.statusCode, start.body).toBe(201);
    const caseId = start.json().caseId as string;
    expect((await stack.as('window-gov-service', { method: 'POST', url: `/cases/${caseId}/accept`, payload: {} })).statusCode).toBe(200);
    await eventually(
      () => stack.as('supervisor', { method: 'GET', url: `/cases/${caseId}` }).then((r) => r.json()),
      (p: { items: Array<{ id: string; status: string }> }) => p.items.some((i) => i.id === 'business-licence' && i.status === 'in-review'),
      'the licence check to be dispatched',
    );
    // ...and written to the read model, by the projectCase activity that follows the change.
    await eventually(
      () => stack.readModel.caseProgress(caseId),
      (stored) => (stored?.progress as { items: Array<{ id: string; status: string }> } | undefined)?.items.some((i) => i.id === 'business-licence' && i.status === 'in-review') ?? false,
      'the dispatched licence check in the read model',
    );
    stack.worker.shutdown();
    await eventually(async () => stack.worker.getState(), (state) => state === 'STOPPED', 'the worker to stop');

    const timedAs = async (principal: string, options: InjectOptions) => {
      const begun = performance.now();
      const response = await stack.as(principal, options);
      return { response, ms: performance.now() - begun };
    };
    const [read, officerRead, materials, approve] = await Promise.all([
      timedAs('supervisor', { method: 'GET', url: `/cases/${caseId}` }),
      timedAs('officer-market-regulation', { method: 'GET', url: `/cases/${caseId}` }),
      timedAs('supervisor', { method: 'GET', url: `/cases/${caseId}/materials` }),
      timedAs('officer-market-regulation', { method: 'POST', url: `/cases/${caseId}/items/business-licence/approve`, payload: {} }),
    ]);
    for (const answered of [read, officerRead]) {
      expect(answered.response.statusCode, answered.response.body).toBe(200);
      expect(answered.ms).toBeLessThan(BOUND_MS + 2000);
      const progress = answered.response.json();
      expect(Date.parse(progress.asOf)).not.toBeNaN();
      expect(progress).toMatchObject({ caseId, status: 'processing' });
      expect(progress.items.find((i: { id: string }) => i.id === 'business-licence')).toMatchObject({ status: 'in-review' });
    }
    // Another department is still refused from the copy, before anything of the case is shown.
    const foreign = await stack.as('officer-health', { method: 'GET', url: `/cases/${caseId}` });
    expect(foreign.statusCode, foreign.body).toBe(403);
    expectUnavailable(materials, 'worker-unavailable');
    expectUnavailable(approve, 'worker-unavailable');
  });
});
