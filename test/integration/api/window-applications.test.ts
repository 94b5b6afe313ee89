/**
 * GET /windows/:department/applications, the window desk's incoming applications: on a real Temporal
 * dev server (visibility), the cases of the bundles a window serves while they wait for acceptance.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterpriseApplication, restaurantApplication } from '../../fixtures/applications';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { createDevServerEnv } from '../../helpers/temporal-env';

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

type Page = { items: Array<{ caseId: string; bundleId: string; title?: { zh: string }; submittedAt?: string }>; nextPageToken?: string };
const list = (principal: string, department: string, query = '') =>
  stack.as(principal, { method: 'GET', url: `/windows/${department}/applications${query}` }).then((r) => ({ status: r.statusCode, page: r.json() as Page }));

async function start(payload: unknown): Promise<string> {
  const response = await stack.as('integrator', { method: 'POST', url: '/cases', payload: payload as never });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().caseId;
}

describe('GET /windows/:department/applications', () => {
  it('lists the cases of the bundles the window serves while they wait, and not once accepted', async () => {
    const restaurant = await start(restaurantApplication({ sellsTobacco: false }));
    const enterprise = await start(enterpriseApplication());
    const waiting = await eventually(
      () => list('window-gov-service', 'gov-service', '?pageSize=100'),
      ({ page }) => [restaurant, enterprise].every((id) => page.items.some((i) => i.caseId === id)),
      'both cases at the gov-service window',
    );
    expect(waiting.status).toBe(200);
    const row = waiting.page.items.find((i) => i.caseId === restaurant)!;
    expect(row).toMatchObject({ bundleId: 'open-restaurant', title: { zh: '开办餐饮店一件事' } });
    expect(Date.parse(row.submittedAt!)).toBeGreaterThan(Date.now() - 120_000);

    // The newborn bundle's window (health) sees neither.
    const health = await list('window-health', 'health');
    expect(health.status).toBe(200);
    expect(health.page.items.some((i) => [restaurant, enterprise].includes(i.caseId))).toBe(false);

    const accepted = await stack.as('window-gov-service', { method: 'POST', url: `/cases/${restaurant}/accept`, payload: {} });
    expect(accepted.statusCode, accepted.body).toBe(200);
    await eventually(
      () => list('window-gov-service', 'gov-service', '?pageSize=100'),
      ({ page }) => !page.items.some((i) => i.caseId === restaurant) && page.items.some((i) => i.caseId === enterprise),
      'the accepted case gone from the desk, the other still there',
    );
  });

  it('is for that window and supervisors only (403), with pages it issued (400 for a forged token)', async () => {
    expect((await list('window-health', 'gov-service')).status).toBe(403);
    expect((await list('officer-market-regulation', 'gov-service')).status).toBe(403);
    expect((await list('supervisor', 'gov-service')).status).toBe(200);
    expect((await list('window-gov-service', 'gov-service', '?pageToken=AAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(400);
  });
});
