/**
 * A restaurant case to its end, seen in Chromium: an item's card turns red (a clock whose cards come
 * in seconds; everything else real) and the supervisor sees it on the supervision desk; the officers
 * of each department then work every item through its steps (over HTTP, with their tokens from the
 * embedded provider, as the workbench does); the applicant sees the case completed with its four
 * results, verifies a result's seal and rates the service (好差评). Pages checked with axe-core, screenshots in test-results/screens/.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ItemClock } from '../../domain/calendar';
import { workStepsOf } from '../../domain/work-steps';
import type { ItemClockRequest } from '../../activities/clock';
import { signIn } from '../../scripts/sign-in';
import { restaurantApplication } from '../fixtures/applications';
import { checkPage, signedIn, skipBrowser, startBrowserStack, type BrowserStack } from '../helpers/browser';
import { eventually } from '../helpers/stack';

// A person's journey through several pages, each checked with axe-core, on 2 busy cores.
vi.setConfig({ testTimeout: 300_000 });

const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 60_000, interval: 250 });

/** Yellow after 2 s, red after 4 s, the deadline far away: red stays while the test looks. */
async function quickCards(request: ItemClockRequest): Promise<ItemClock> {
  const start = Date.parse(request.start);
  const at = (ms: number) => new Date(start + ms).toISOString();
  return { deadline: at(3_600_000), yellowAt: at(2000), redAt: at(4000), pausedDays: 0, paused: false, estimated: false };
}

let b: BrowserStack;
let caseId: string;
const tokens = new Map<string, string>();

beforeAll(async () => {
  b = await startBrowserStack({ activityOverrides: { computeItemClock: quickCards } });
  const started = await b.stack.as('integrator', { method: 'POST', url: '/cases', payload: restaurantApplication({ sellsTobacco: false }) });
  expect(started.statusCode, started.body).toBe(201);
  caseId = started.json().caseId;
  expect((await b.stack.as('window-gov-service', { method: 'POST', url: `/cases/${caseId}/accept`, payload: {} })).statusCode).toBe(200);
});
afterAll(async () => {
  await b?.close();
});

async function tokenOf(person: string): Promise<string> {
  if (!tokens.has(person)) tokens.set(person, (await signIn(b.issuer, person, { redirectUri: `${b.baseUrl}/auth/callback` })).access_token);
  return tokens.get(person)!;
}

type Progress = { status: string; items: Array<{ id: string; department: string; status: string }> };
const progress = async (): Promise<Progress> => (await b.stack.as('supervisor', { method: 'GET', url: `/cases/${caseId}` })).json();

/** Every step of an item by the officer of its role, the last one approving. */
async function workThrough(itemId: string, department: string): Promise<void> {
  const planned = b.stack.registry.get('open-restaurant').definition.items.find((i) => i.id === itemId)!;
  const steps = workStepsOf(planned.steps.map((s) => ({ ...s, countsTowardLimit: s.countsTowardLimit ?? true })));
  for (const [index, step] of steps.entries()) {
    const last = index === steps.length - 1;
    const response = await b.stack.app.inject({
      method: 'POST',
      url: `/cases/${caseId}/items/${itemId}/steps/${step.id}/complete`,
      headers: { authorization: `Bearer ${await tokenOf(`${department}-${step.role}`)}` },
      payload: { opinion: last ? '准予许可' : '同意', ...(last ? { decision: 'approve' } : {}) },
    });
    expect(response.statusCode, `${itemId}/${step.id}: ${response.body}`).toBe(200);
  }
}

describe.skipIf(skipBrowser)('a restaurant case to its end', () => {
  it('the supervisor sees the red card on the supervision desk', async () => {
    const supervisor = await signedIn(b, 'supervision-officer');
    const { page } = supervisor;
    await page.getByRole('navigation').getByRole('link', { name: '电子监察' }).click();
    expect(await page.getByRole('tab', { name: '红牌' }).getAttribute('aria-selected')).toBe('true');
    const row = page.locator(`tr[data-case="${caseId}"][data-item="business-licence"]`);
    await poll(() => row.textContent()).toContain('红牌');
    await checkPage(supervisor, 'supervision-red-card');
    await supervisor.context.close();
  });

  it('the applicant sees the case completed, verifies a result\'s seal and rates the service', async () => {
    // Each level's items, as they are dispatched, worked through by their departments' officers.
    const done = new Set<string>();
    await eventually(
      async () => {
        const now = await progress();
        for (const item of now.items.filter((i) => i.status === 'in-review' && !done.has(i.id))) {
          done.add(item.id);
          await workThrough(item.id, item.department);
        }
        return progress();
      },
      (p) => p.status === 'completed',
      'the case completed',
      120_000,
    );

    const wang = await signedIn(b, 'wang-xiaoming');
    const { page } = wang;
    await page.goto(`${b.baseUrl}/progress/${caseId}`);
    await poll(() => page.getByTestId('case-status').textContent()).toContain('已办结');
    const results = page.getByRole('region', { name: '办理结果' });
    await poll(() => results.getByRole('listitem').count()).toBe(4);
    await results.getByRole('button', { name: '验证印章：营业执照' }).click();
    await poll(() => results.locator('[data-result="business-licence"]').textContent()).toContain('印章有效');
    await checkPage(wang, 'applicant-completed');

    // 好差评: she rates the service once, on five levels.
    const rating = page.getByRole('region', { name: '服务评价' });
    await rating.getByRole('group', { name: '您对本次办事服务满意吗？' }).getByRole('radio', { name: '非常满意', exact: true }).check();
    await rating.getByLabel('意见建议（可选）').fill('一次办成，很方便');
    await rating.getByRole('button', { name: '提交评价' }).click();
    await poll(() => rating.getByRole('status').textContent()).toContain('非常满意');
    await checkPage(wang, 'applicant-rated');
    await wang.context.close();
  });
});
