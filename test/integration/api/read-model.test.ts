/**
 * The read model end to end, on a real dev server and PGlite: a case run over HTTP to completion is
 * in the read model at every step, written once per revision (a replay of its history writes
 * nothing); inboxes and statistics answer from it; and an admin's rebuild brings back every case from
 * Temporal after the rows were lost.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../adapters/db/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Statistics } from '../../../api/services/statistics';
import type { CaseProjection } from '../../../domain/read-model';
import { caseWorkflowId, getProjection, type CaseProgress } from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { createDevServerEnv } from '../../helpers/temporal-env';

let env: TestWorkflowEnvironment;
let stack: Stack;

beforeAll(async () => {
  env = await createDevServerEnv();
  stack = await startStack(env, { principals: [{ id: 'admin', roles: ['admin'] }] });
});
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
});

const progress = async (caseId: string): Promise<CaseProgress> => (await stack.as('supervisor', { method: 'GET', url: `/cases/${caseId}` })).json();
const stored = (caseId: string) => stack.readModel.caseProgress(caseId);

/** Starts, accepts and approves every item of a restaurant case as each department, over HTTP. */
async function completedCase(): Promise<string> {
  const started = await stack.as('integrator', { method: 'POST', url: '/cases', payload: restaurantApplication() });
  expect(started.statusCode, started.body).toBe(201);
  const caseId = started.json().caseId as string;
  expect((await stack.as('window-gov-service', { method: 'POST', url: `/cases/${caseId}/accept`, payload: {} })).statusCode).toBe(200);
  for (let round = 0; round < 20; round++) {
    const current = await progress(caseId);
    if (current.status === 'completed') return caseId;
    for (const item of current.items.filter((i) => i.status === 'in-review')) {
      const approved = await stack.as(`officer-${item.department}`, { method: 'POST', url: `/cases/${caseId}/items/${item.id}/approve`, payload: {} });
      expect([200, 409]).toContain(approved.statusCode);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return eventually(() => progress(caseId), (p) => p.status === 'completed', 'the case to complete').then(() => caseId);
}

describe('the read model written by the case workflow', () => {
  it('follows a case through acceptance and decisions, one recorded projectCase activity per revision', async () => {
    const started = await stack.as('integrator', { method: 'POST', url: '/cases', payload: restaurantApplication() });
    const caseId = started.json().caseId as string;
    const submitted = await eventually(() => stored(caseId), (s) => s !== undefined, 'the submitted case in the read model');
    expect(submitted!.progress).toMatchObject({ caseId, status: 'submitted' });

    const inbox = () => stack.as('officer-market-regulation', { method: 'GET', url: '/departments/market-regulation/inbox?status=in-review&pageSize=100' }).then((r) => r.json());
    expect((await stack.as('window-gov-service', { method: 'POST', url: `/cases/${caseId}/accept`, payload: {} })).statusCode).toBe(200);
    const listed = await eventually(inbox, (page: { items: Array<{ caseId: string }> }) => page.items.some((i) => i.caseId === caseId), 'the licence in the inbox');
    expect(listed.items.find((i: { caseId: string }) => i.caseId === caseId)).toMatchObject({
      itemId: 'business-licence',
      status: 'in-review',
      card: 'none',
      code: expect.any(String),
      title: { zh: expect.any(String), en: expect.any(String) },
      deadline: expect.any(String),
      startedAt: expect.any(String),
    });

    // The counts per card are of every page of the same listing, for the inbox and the supervision desk.
    const counts = (await stack.as('officer-market-regulation', { method: 'GET', url: '/departments/market-regulation/inbox/counts?status=in-review' })).json();
    expect(counts.total).toBe(listed.items.length);
    expect(counts.none).toBe((listed.items as Array<{ card?: string }>).filter((i) => !i.card || i.card === 'none').length);
    expect(counts.total).toBe(counts.none + counts.yellow + counts.red + counts.overdue);
    const desk = (await stack.as('supervisor', { method: 'GET', url: '/supervision/items/counts?department=market-regulation&status=in-review' })).json();
    expect(desk).toEqual(counts);
    expect((await stack.as('officer-market-regulation', { method: 'GET', url: '/supervision/items/counts' })).statusCode).toBe(403);

    const handle = env.client.workflow.getHandle(caseWorkflowId(caseId));
    const approved = await stack.as('officer-market-regulation', { method: 'POST', url: `/cases/${caseId}/items/business-licence/approve`, payload: {} });
    expect(approved.statusCode, approved.body).toBe(200);
    const after = await eventually(() => stored(caseId), (s) => (s?.progress as CaseProgress).items.some((i) => i.id === 'food-permit' && i.status === 'in-review'), 'the next items dispatched');
    expect((after!.progress as CaseProgress).items.find((i) => i.id === 'business-licence')?.status).toBe('approved');
    expect(after!.revision).toBeGreaterThan(submitted!.revision);

    // The workflow's own answer is what the read model holds, at the revision it wrote.
    const answered = await handle.query<CaseProjection>(getProjection);
    const row = await stored(caseId);
    expect(answered.revision).toBe(row!.revision);
    expect(answered.progress).toEqual(row!.progress);
    // Each revision is one projectCase activity in the case's history (patch read-model-activity): a
    // replay reads its result and writes nothing; a retry of the same revision is refused by the store
    // (its contract test). No write is a local activity held inside a workflow task any more.
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    const writes = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'projectCase');
    const localWrites = events.filter((e) => {
      const marker = e.markerRecordedEventAttributes;
      if (marker?.markerName !== 'core_local_activity') return false;
      const data = marker.details?.data?.payloads?.[0]?.data;
      return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string }).activity_type === 'projectCase' : false;
    });
    expect(localWrites).toHaveLength(0);
    expect(writes).toHaveLength(answered.revision);
  });

  it('answers statistics from every completed case, and an admin rebuild brings lost rows back from Temporal', async () => {
    const caseId = await completedCase();
    const done = await eventually(() => stored(caseId), (s) => (s?.progress as CaseProgress | undefined)?.status === 'completed', 'the completed case in the read model');
    const stats: Statistics = (await stack.as('supervisor', { method: 'GET', url: '/statistics?bundleId=open-restaurant' })).json();
    expect(stats.truncated).toBe(false);
    expect(stats.cases.completed).toBeGreaterThanOrEqual(1);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM read_items WHERE bundle_id = 'open-restaurant' AND status IN ('approved', 'rejected', 'defaulted')`.execute(dbOf());
    expect(stats.items.decided).toBe(rows[0]!.n);
    expect(stats.instant.sameDay).toBe(stats.items.decided); // all decided within minutes

    const refused = await stack.as('integrator', { method: 'POST', url: '/admin/read-model/rebuild' });
    expect(refused.statusCode).toBe(403);
    await sql`DELETE FROM read_items`.execute(dbOf());
    await sql`DELETE FROM read_cases`.execute(dbOf());
    expect(await stored(caseId)).toBeUndefined();

    const accepted = await stack.as('admin', { method: 'POST', url: '/admin/read-model/rebuild' });
    expect(accepted.statusCode, accepted.body).toBe(202);
    expect(accepted.headers.location).toBe('/admin/read-model/rebuild');
    const finished = await eventually(
      () => stack.as('admin', { method: 'GET', url: '/admin/read-model/rebuild' }).then((r) => r.json()),
      (state: { status: string; report?: { cases: number; written: number; failed: unknown[] } }) => state.status === 'done' || state.status === 'failed',
      'the rebuild to finish',
      60_000,
    );
    expect(finished.status).toBe('done');
    expect(finished.report?.failed).toEqual([]);
    expect(finished.report?.cases).toBeGreaterThanOrEqual(2);
    expect(finished.report?.written).toBe(finished.report?.cases);
    const rebuilt = await stored(caseId);
    expect(rebuilt).toMatchObject({ revision: done!.revision, progress: done!.progress });
    const again: Statistics = (await stack.as('supervisor', { method: 'GET', url: '/statistics?bundleId=open-restaurant' })).json();
    expect(again.items).toEqual(stats.items);
  });
});

/** The stack's database, under its read model. */
function dbOf(): Kysely<Database> {
  return (stack.readModel as unknown as { db: Kysely<Database> }).db;
}
