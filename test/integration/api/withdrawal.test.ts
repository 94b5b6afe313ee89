/**
 * 撤回申请 end to end over HTTP: the API listening, a real Temporal dev server and worker, the applicant
 * signed in at the embedded OIDC provider (authorization code + PKCE). Withdrawal cancels the open
 * items (their workflows close), issues nothing, and the record says who and when; a case past it
 * answers 409, and another applicant 403 with nothing changed.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../adapters/db/schema';
import { BearerAuthenticator, JwtAuthenticator } from '../../../api/oidc';
import { caseWorkflowId, itemWorkflowId, type CaseProgress } from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
import { signIn, startTestOidc, type TestOidc } from '../../helpers/oidc';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { createDevServerEnv } from '../../helpers/temporal-env';

const WANG = '420104199003071234';
const DEPENDENT_ITEMS = ['food-permit', 'outdoor-sign', 'fire-check'];

let env: TestWorkflowEnvironment;
let oidc: TestOidc;
let stack: Stack;
let base: string;
/** Access tokens of 王小明 (the applicant) and of a company, another applicant. */
let wang: string;
let company: string;

beforeAll(async () => {
  [env, oidc] = await Promise.all([createDevServerEnv(), startTestOidc()]);
  const verifier = new JwtAuthenticator({ issuer: oidc.issuer, audience: oidc.audience });
  stack = await startStack(env, { authenticator: (apiKeys) => new BearerAuthenticator(verifier, apiKeys) });
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(stack.app.server.address() as { port: number }).port}`;
  [wang, company] = await Promise.all([signIn(oidc.issuer, 'wang-xiaoming'), signIn(oidc.issuer, 'yijianshi-tech')]).then((t) => t.map((x) => x.access_token));
});
afterAll(async () => {
  await stack?.close();
  await oidc?.close();
  await env?.teardown();
});

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** One request over HTTP with a bearer token: a person's access token, or a principal's API key by name. */
async function call(who: string, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const token = stack.tokens[who] ?? who;
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

async function ok(answer: Promise<Answer>, status = 200): Promise<any> {
  const a = await answer;
  expect(a.status, JSON.stringify(a.body)).toBe(status);
  return a.body;
}

const progress = (caseId: string): Promise<CaseProgress> => ok(call('supervisor', 'GET', `/cases/${caseId}`));
const itemStatus = (p: CaseProgress, id: string) => p.items.find((i) => i.id === id)?.status;

/** 王小明 starts his own restaurant case (no tobacco: that item is skipped at dispatch). */
async function startOwnCase(): Promise<string> {
  return (await ok(call(wang, 'POST', '/cases', restaurantApplication({ sellsTobacco: false })), 201)).caseId;
}

/** Accepted, dispatched, the business licence approved: the three items depending on it in review. */
async function caseInReview(): Promise<string> {
  const caseId = await startOwnCase();
  await ok(call('window-gov-service', 'POST', `/cases/${caseId}/accept`, {}));
  await eventually(() => progress(caseId), (p) => itemStatus(p, 'business-licence') === 'in-review', 'dispatch');
  await ok(call('officer-market-regulation', 'POST', `/cases/${caseId}/items/business-licence/approve`, {}));
  await eventually(() => progress(caseId), (p) => DEPENDENT_ITEMS.every((id) => itemStatus(p, id) === 'in-review'), 'the dependent items in review');
  return caseId;
}

/** What a refused withdrawal must leave alone. */
function essentials(p: CaseProgress) {
  return { status: p.status, withdrawal: p.withdrawal, results: p.results.length, items: p.items.map((i) => ({ id: i.id, status: i.status })) };
}

/** The item's workflow: `RUNNING`, `COMPLETED`…, or undefined when it was never started. */
async function workflowStatus(workflowId: string): Promise<string | undefined> {
  try {
    return (await env.client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** The read model's row of the case (the stack's database, under its read model). */
async function readModelRow(caseId: string): Promise<{ status: string; closed_at: unknown } | undefined> {
  const db = (stack.readModel as unknown as { db: Kysely<Database> }).db;
  const { rows } = await sql<{ status: string; closed_at: unknown }>`select status, closed_at from read_cases where case_id = ${caseId}`.execute(db);
  return rows[0];
}

describe('POST /cases/:caseId/withdraw', () => {
  it('cancels every open item, closes their workflows and issues nothing when the applicant withdraws a case in review', async () => {
    const caseId = await caseInReview();
    const before = await progress(caseId);

    // Another applicant: 403, and the case is as it was.
    const other = await call(company, 'POST', `/cases/${caseId}/withdraw`, { reason: '不是我的' });
    expect(other.status).toBe(403);
    expect(other.body.type).toBe('/problems/forbidden');
    expect(JSON.stringify(other.body)).not.toContain(WANG);
    expect(essentials(await progress(caseId))).toEqual(essentials(before));

    // The applicant themself, with an Idempotency-Key.
    const key = { 'idempotency-key': `withdraw-${caseId}` };
    const withdrawn: CaseProgress = await ok(call(wang, 'POST', `/cases/${caseId}/withdraw`, { reason: '  不再开店  ' }, key));
    expect(withdrawn.status).toBe('withdrawn');
    expect(withdrawn.withdrawal).toEqual({
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      by: { id: 'wang-xiaoming', name: '王小明', as: 'applicant', subjectId: WANG },
      reason: '不再开店',
    });
    expect(Date.now() - Date.parse(withdrawn.withdrawal!.at)).toBeLessThan(60_000);

    // The same request again: the first outcome, replayed; the case is not moved twice.
    const replay = await call(wang, 'POST', `/cases/${caseId}/withdraw`, { reason: '  不再开店  ' }, key);
    expect(replay.status, JSON.stringify(replay.body)).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.withdrawal).toEqual(withdrawn.withdrawal);

    const after = await eventually(() => progress(caseId), (p) => DEPENDENT_ITEMS.every((id) => itemStatus(p, id) === 'cancelled'), 'the open items cancelled');
    expect(after.items.map((i) => [i.id, i.status])).toEqual([
      ['business-licence', 'approved'],
      ['food-permit', 'cancelled'],
      ['outdoor-sign', 'cancelled'],
      ['fire-check', 'cancelled'],
      ['tobacco-permit', 'skipped'],
    ]);
    expect(after.results).toEqual([]);
    const events = after.events.map((e) => e.type);
    expect(events.filter((t) => t === 'withdrawn')).toHaveLength(1);
    expect(events).not.toContain('issuing');
    expect(events).not.toContain('completed');
    expect(after.events.find((e) => e.type === 'withdrawn')).toMatchObject({ at: withdrawn.withdrawal!.at, detail: '王小明 (applicant): 不再开店' });
    // Each cancellation comes after the withdrawal on the timeline.
    const withdrawnAt = events.indexOf('withdrawn');
    expect(after.events.map((e, i) => (e.type === 'item-cancelled' ? i : -1)).filter((i) => i >= 0).every((i) => i > withdrawnAt)).toBe(true);

    // Every item workflow is closed, and so is the case's.
    for (const id of ['business-licence', ...DEPENDENT_ITEMS]) {
      await eventually(() => workflowStatus(itemWorkflowId(caseId, id)), (s) => s !== undefined && s !== 'RUNNING', `item ${id} closed`);
    }
    expect(await workflowStatus(itemWorkflowId(caseId, 'tobacco-permit'))).toBeUndefined();
    expect(await eventually(() => workflowStatus(caseWorkflowId(caseId)), (s) => s !== 'RUNNING', 'the case closed')).toBe('COMPLETED');

    // Nothing sealed: no result, no notice.
    expect(await ok(call(wang, 'GET', `/cases/${caseId}/documents`))).toEqual([]);
    // A department can no longer decide a cancelled item.
    expect((await call('officer-fire-rescue', 'POST', `/cases/${caseId}/items/fire-check/approve`, {})).status).toBe(409);

    // The read model closed the case at the withdrawal.
    const row = await eventually(() => readModelRow(caseId), (r) => r?.status === 'withdrawn', 'the read model');
    expect(new Date(row!.closed_at as string).toISOString()).toBe(new Date(withdrawn.withdrawal!.at).toISOString());

    // Withdrawing again (another request): the case is closed, 409.
    const again = await call(wang, 'POST', `/cases/${caseId}/withdraw`, {});
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/illegal-transition');
  });

  it('withdraws a case before acceptance: nothing is dispatched, every item cancelled, the window can no longer accept it', async () => {
    const caseId = await startOwnCase();
    const other = await call(company, 'POST', `/cases/${caseId}/withdraw`, {});
    expect(other.status).toBe(403);
    expect((await progress(caseId)).status).toBe('submitted');

    const withdrawn: CaseProgress = await ok(call(wang, 'POST', `/cases/${caseId}/withdraw`, {})); // no reason
    expect(withdrawn.status).toBe('withdrawn');
    expect(withdrawn.withdrawal).toEqual({ at: expect.any(String), by: { id: 'wang-xiaoming', name: '王小明', as: 'applicant', subjectId: WANG } });

    const after = await eventually(() => progress(caseId), (p) => p.items.every((i) => i.status === 'cancelled'), 'every item cancelled');
    expect(after.items.map((i) => i.note)).toEqual(after.items.map(() => 'the case was withdrawn'));
    expect(after.events.map((e) => e.type)).toEqual(['submitted', 'withdrawn']);
    expect(after.acceptedAt).toBeUndefined();
    for (const item of after.items) expect(await workflowStatus(itemWorkflowId(caseId, item.id)), item.id).toBeUndefined();
    expect(await eventually(() => workflowStatus(caseWorkflowId(caseId)), (s) => s !== 'RUNNING', 'the case closed')).toBe('COMPLETED');

    // The window can no longer accept it (its workflow has closed: acceptance answers that as 404 today).
    const accept = await call('window-gov-service', 'POST', `/cases/${caseId}/accept`, {});
    expect([404, 409]).toContain(accept.status);
    expect((await progress(caseId)).status).toBe('withdrawn');
    expect(await ok(call(wang, 'GET', `/cases/${caseId}/documents`))).toEqual([]);
  });

  it('refuses to withdraw a completed case (409) and changes nothing, its results standing', async () => {
    // Accepted on a commitment (the sign design promised): completed, the case stays open until the commitment settles.
    const app = restaurantApplication({ sellsTobacco: false });
    const started = await ok(call(wang, 'POST', '/cases', { ...app, materials: app.materials.filter((m) => m.id !== 'sign-design') }), 201);
    const caseId: string = started.caseId;
    await ok(call('window-gov-service', 'POST', `/cases/${caseId}/accept`, { tolerateMissing: true }));
    for (let round = 0; round < 40; round++) {
      const current = await progress(caseId);
      if (current.status === 'completed') break;
      for (const item of current.items.filter((i) => i.status === 'in-review')) {
        const approved = await call(`officer-${item.department}`, 'POST', `/cases/${caseId}/items/${item.id}/approve`, {});
        expect([200, 409], JSON.stringify(approved.body)).toContain(approved.status);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const completed = await eventually(() => progress(caseId), (p) => p.status === 'completed', 'the case to complete');
    expect(completed.results).toHaveLength(4);
    expect(await workflowStatus(caseWorkflowId(caseId))).toBe('RUNNING'); // the workflow itself refuses

    for (const who of [wang, 'integrator']) {
      const refused = await call(who, 'POST', `/cases/${caseId}/withdraw`, { reason: '太晚了' });
      expect(refused.status, JSON.stringify(refused.body)).toBe(409);
      expect(refused.body).toMatchObject({ type: '/problems/illegal-transition' });
      expect(refused.body.detail).toContain('completed');
    }
    const after = await progress(caseId);
    expect(essentials(after)).toEqual(essentials(completed));
    expect(after.events.map((e) => e.type)).not.toContain('withdrawn');
    const documents: Array<{ type: string }> = await ok(call(wang, 'GET', `/cases/${caseId}/documents`));
    expect(documents.filter((d) => d.type === 'result')).toHaveLength(4);
  });

  it('lets an integrator withdraw on the applicant\'s behalf, named on the record; a department officer is refused (403)', async () => {
    const caseId = await startOwnCase();
    const officer = await call('officer-market-regulation', 'POST', `/cases/${caseId}/withdraw`, {});
    expect(officer.status).toBe(403);
    expect((await progress(caseId)).status).toBe('submitted');
    const withdrawn: CaseProgress = await ok(call('integrator', 'POST', `/cases/${caseId}/withdraw`, { reason: '申请人来电撤回' }));
    expect(withdrawn.withdrawal).toMatchObject({ by: { id: 'integrator', as: 'integrator' }, reason: '申请人来电撤回' });
    expect(withdrawn.withdrawal!.by.subjectId).toBeUndefined();
  });
});
