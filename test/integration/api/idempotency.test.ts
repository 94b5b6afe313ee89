/**
 * Idempotency-Key on Updates, end to end over a real Temporal dev server: a key is bound to the
 * principal that sent it and to the request it first carried.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseProgress } from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
import { createDevServerEnv } from '../../helpers/temporal-env';
import { eventually, startStack, type Stack } from '../../helpers/stack';

let env: TestWorkflowEnvironment;
let stack: Stack;

beforeAll(async () => {
  env = await createDevServerEnv();
  stack = await startStack(env);
});
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
});

const WINDOW = 'window-gov-service';
const MARKET = 'officer-market-regulation';
const key = () => `key-${Math.random().toString(36).slice(2)}`;

async function progress(caseId: string): Promise<CaseProgress> {
  const response = await stack.as('supervisor', { method: 'GET', url: `/cases/${caseId}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** An open-restaurant case, accepted, its business licence with market regulation. */
async function caseInReview(): Promise<string> {
  const started = await stack.as('integrator', { method: 'POST', url: '/cases', payload: restaurantApplication(), headers: { 'idempotency-key': key() } });
  expect(started.statusCode, started.body).toBe(201);
  const caseId: string = started.json().caseId;
  const accepted = await stack.as(WINDOW, { method: 'POST', url: `/cases/${caseId}/accept`, payload: {} });
  expect(accepted.statusCode, accepted.body).toBe(200);
  await eventually(() => progress(caseId), (p) => p.items.find((i) => i.id === 'business-licence')?.status === 'in-review', 'dispatch');
  return caseId;
}

function act(principal: string, caseId: string, action: string, payload: object, idempotencyKey: string) {
  return stack.as(principal, {
    method: 'POST',
    url: `/cases/${caseId}/items/business-licence/${action}`,
    payload,
    headers: { 'idempotency-key': idempotencyKey },
  });
}

/** The case's items and results, without the parts that move by themselves (clocks, events). */
const decisions = (p: CaseProgress) => ({ items: p.items.map(({ id, status, decidedAt, decidedBy }) => ({ id, status, decidedAt, decidedBy })), status: p.status });

describe('Idempotency-Key across principals', () => {
  it("refuses another department's replay of a key with 403 and changes nothing", async () => {
    const caseId = await caseInReview();
    const shared = key();
    const first = await act(MARKET, caseId, 'supplement-requests', { reason: '场所证明不清晰', materials: [{ material: 'premises-proof', description: '清晰的场所证明' }] }, shared);
    expect(first.statusCode, first.body).toBe(200);
    // The case hears of the supplement from its item a moment later: compare once it has.
    const before = decisions(
      await eventually(() => progress(caseId), (p) => p.items.some((i) => i.status === 'supplementing'), 'the case to show the supplement'),
    );

    for (const intruder of ['officer-fire-rescue', 'officer-urban-management', 'officer-tobacco']) {
      for (const [action, payload] of [
        ['supplement-requests', { reason: '场所证明不清晰', materials: [{ material: 'premises-proof', description: '清晰的场所证明' }] }],
        ['approve', {}],
      ] as const) {
        const replay = await act(intruder, caseId, action, payload, shared);
        expect(replay.statusCode, `${intruder} ${action}: ${replay.body}`).toBe(403);
        expect(replay.headers['idempotent-replayed']).toBeUndefined();
        expect(replay.body).not.toContain('caseId'); // no item view leaks
      }
    }
    expect(decisions(await progress(caseId))).toEqual(before);
  });

  it("keeps one integrator's key apart from another principal's on a case Update", async () => {
    const caseId = await caseInReview();
    const shared = key();
    const supplement = { reason: '请补正', materials: [{ material: 'premises-proof', description: '清晰的场所证明' }] };
    expect((await act(MARKET, caseId, 'supplement-requests', supplement, key())).statusCode).toBe(200);
    const supplied = await stack.as('integrator', {
      method: 'POST',
      url: `/cases/${caseId}/supplements`,
      payload: { itemId: 'business-licence', materials: [{ id: 'premises-proof', ref: 'upload-1' }] },
      headers: { 'idempotency-key': shared },
    });
    expect(supplied.statusCode, supplied.body).toBe(200);
    // The window sending the integrator's key makes its own request: the item takes no second supply.
    const other = await stack.as(WINDOW, {
      method: 'POST',
      url: `/cases/${caseId}/supplements`,
      payload: { itemId: 'business-licence', materials: [{ id: 'premises-proof', ref: 'upload-1' }] },
      headers: { 'idempotency-key': shared },
    });
    expect(other.statusCode, other.body).toBe(409);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('Idempotency-Key across actions and bodies', () => {
  it('answers approve then reject with the same key with 422 and keeps the approval', async () => {
    const caseId = await caseInReview();
    const shared = key();
    const approved = await act(MARKET, caseId, 'approve', { comment: '同意' }, shared);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().status).toBe('approved');
    expect(approved.headers['idempotent-replayed']).toBeUndefined();

    const rejected = await act(MARKET, caseId, 'reject', { reason: '改主意了' }, shared);
    expect(rejected.statusCode, rejected.body).toBe(422);
    expect(rejected.json().type).toBe('/problems/idempotency-key-reused');

    const otherBody = await act(MARKET, caseId, 'approve', { comment: '另一个意见' }, shared);
    expect(otherBody.statusCode, otherBody.body).toBe(422);
    expect(otherBody.json().type).toBe('/problems/idempotency-key-reused');

    const replay = await act(MARKET, caseId, 'approve', { comment: '同意' }, shared);
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(approved.json());

    const settled = await eventually(() => progress(caseId), (p) => p.items[0]!.status !== 'in-review', 'the decision in progress');
    const item = settled.items.find((i) => i.id === 'business-licence')!;
    expect(item).toMatchObject({ status: 'approved', decidedBy: { department: 'market-regulation' } });
    expect(item.decidedAt).toBe(approved.json().decidedAt);
  });

  it('lets exactly one of two concurrent requests with one key and different actions through', async () => {
    const caseId = await caseInReview();
    const shared = key();
    const [approve, reject] = await Promise.all([
      act(MARKET, caseId, 'approve', {}, shared),
      act(MARKET, caseId, 'reject', { reason: '材料不全' }, shared),
    ]);
    const statuses = [approve.statusCode, reject.statusCode].sort();
    expect(statuses, `${approve.body} | ${reject.body}`).toEqual([200, 422]);
    const winner = approve.statusCode === 200 ? 'approved' : 'rejected';
    const settled = await eventually(() => progress(caseId), (p) => p.items[0]!.status !== 'in-review', 'the decision');
    expect(settled.items.find((i) => i.id === 'business-licence')!.status).toBe(winner);
  });

  it('binds a window key to its first case Update: refuse after accept is 422, accept again a replay', async () => {
    const started = await stack.as('integrator', { method: 'POST', url: '/cases', payload: restaurantApplication(), headers: { 'idempotency-key': key() } });
    const caseId: string = started.json().caseId;
    const shared = key();
    const accept = () => stack.as(WINDOW, { method: 'POST', url: `/cases/${caseId}/accept`, payload: { note: '材料齐全' }, headers: { 'idempotency-key': shared } });
    const first = await accept();
    expect(first.statusCode, first.body).toBe(200);

    const refused = await stack.as(WINDOW, { method: 'POST', url: `/cases/${caseId}/refuse`, payload: { reasons: ['地址不符'] }, headers: { 'idempotency-key': shared } });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json().type).toBe('/problems/idempotency-key-reused');

    const again = await accept();
    expect(again.statusCode, again.body).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().acceptedAt).toBe(first.json().acceptedAt);
    const p = await progress(caseId);
    expect(p.refusal).toBeUndefined();
    expect(p.events.filter((e) => e.type === 'accepted')).toHaveLength(1);
  });
});
