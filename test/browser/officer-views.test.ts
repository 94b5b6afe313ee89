/**
 * What officers see of an application, in Chromium: the window and market regulation's handler open
 * a restaurant case and find the one form as the applicant submitted it (read-only, her ID card's
 * fields marked as pre-filled), open an uploaded material in a new tab (through a short-lived link) and get its bytes; the handler
 * starts a special step (an expert review whose time leaves the limit) and ends it from the workbench.
 * The case is started and accepted over the API: the applicant's and the window's own pages are
 * restaurant-case.test.ts's journey. Every page is checked with axe-core and kept as a screenshot.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { restaurantApplication } from '../fixtures/applications';
import { checkPage, signedIn, skipBrowser, startBrowserStack, type BrowserStack, type Person } from '../helpers/browser';

vi.setConfig({ testTimeout: 300_000 });

const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 30_000, interval: 200 });

/** Open-restaurant with an expert review on the business licence that stops its clock (a special step). */
const BUNDLE = 'officer-views-restaurant';
const ITEM = 'business-licence';
/** A 1×1 PNG: the premises proof. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PREMISES = '经营场所使用证明（租赁合同或产权证明）';

let b: BrowserStack;
let caseId: string;

async function api(principal: string, method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const r = await b.stack.as(principal, { method, url, payload: payload as never, headers });
  expect(r.statusCode, r.body).toBeLessThan(300);
  return r.json();
}

beforeAll(async () => {
  b = await startBrowserStack();
  const base = structuredClone(b.stack.registry.get('open-restaurant').definition) as unknown as { items: Array<{ id: string; steps: Array<Record<string, unknown>> }> } & Record<string, unknown>;
  base.items.find((i) => i.id === ITEM)!.steps.splice(2, 0, { id: 'expert-review', title: { zh: '专家评审', en: 'Expert review' }, kind: 'expert-review', countsTowardLimit: false });
  await b.stack.registry.publish({ ...base, id: BUNDLE }, 'api');
  // Her ID card comes from the licence library; the premises proof is an upload.
  const { sha256 } = await api('integrator', 'POST', `/definitions/${BUNDLE}/materials/premises-proof/uploads`, PNG, { 'content-type': 'image/png' });
  const application = restaurantApplication({ sellsTobacco: false });
  const materials = application.materials.filter((m) => m.id !== 'applicant-id-card').map((m) => (m.id === 'premises-proof' ? { id: m.id, sha256 } : m));
  caseId = (await api('integrator', 'POST', '/cases', { ...application, bundleId: BUNDLE, materials })).caseId;
});
afterAll(async () => {
  await b?.close();
});

/** The one form on the page shows her shop name, read-only, and her ID card's fields as pre-filled. */
async function seesTheForm(page: Page): Promise<void> {
  const form = page.getByRole('region', { name: '申请表（申请人填报内容）' });
  const shop = form.getByLabel('店铺名称（字号）');
  await poll(() => shop.inputValue()).toBe('小明热干面馆');
  expect(await shop.evaluate((el) => (el as unknown as { readOnly: boolean }).readOnly)).toBe(true);
  expect(await form.getByLabel('经营者（法定代表人）姓名').inputValue()).toBe('王小明');
  expect(await form.getByText('已从居民身份证预填').count()).toBe(2); // name and ID number
}

/** Opens the premises proof from its view button: a new tab showing the image the API sent, sandboxed. */
async function viewsThePremisesProof(person: Person): Promise<void> {
  const { page, context } = person;
  // What the API answered the tab, read on its way there.
  const served: Array<{ status: number; headers: Record<string, string>; body: Buffer }> = [];
  await context.route('**/material-links?*', async (route) => {
    const response = await route.fetch();
    served.push({ status: response.status(), headers: response.headers(), body: await response.body() });
    await route.fulfill({ response });
  });
  const [tab] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: `查看${PREMISES}（在新标签页打开）` }).click()]);
  await tab.waitForURL(/\/material-links\?token=/);
  await poll(() => served.length).toBe(1);
  expect(served[0]!.status).toBe(200);
  expect(served[0]!.headers['content-type']).toBe('image/png');
  expect(served[0]!.headers['content-security-policy']).toMatch(/^sandbox;/);
  expect(served[0]!.body.equals(PNG)).toBe(true);
  // The tab shows that image (its one pixel), in a sandbox: an origin of its own, no way back to the screens.
  await poll(() => tab.evaluate(() => (globalThis as unknown as { document: { images: Array<{ naturalWidth: number }> } }).document.images[0]?.naturalWidth ?? 0)).toBe(1);
  expect(await tab.evaluate(() => (globalThis as unknown as { origin: string }).origin)).toBe('null');
  expect(await tab.evaluate(() => (globalThis as unknown as { opener: unknown }).opener)).toBeNull();
  await tab.close();
  await context.unroute('**/material-links?*');
}

describe.skipIf(skipBrowser)('officers see what the applicant handed in', () => {
  it('the window sees the submitted form and views an uploaded material', async () => {
    const window = await signedIn(b, 'gov-service-window');
    const { page } = window;
    await page.goto(`${b.baseUrl}/window/${caseId}`);
    await poll(() => page.getByTestId('case-status').textContent()).toContain('已提交');
    await seesTheForm(page);
    await checkPage(window, 'window-case-form');
    await viewsThePremisesProof(window);
    expect(window.problems).toEqual([]);
    await window.context.close();
    await api('window-gov-service', 'POST', `/cases/${caseId}/accept`, {});
  });

  it('market regulation sees the form and the material at its item, and starts and ends a special step', async () => {
    const handler = await signedIn(b, 'market-regulation-handler');
    const { page } = handler;
    await page.goto(`${b.baseUrl}/workbench/${caseId}/${ITEM}`);
    const status = page.getByTestId('item-status');
    await poll(() => status.textContent()).toContain('审查中');
    await seesTheForm(page);
    await checkPage(handler, 'workbench-item-form');
    await viewsThePremisesProof(handler);

    // 特别程序: offered while the item is in review, with the item's clock-stopping steps to choose from.
    expect(await page.getByRole('button', { name: '结束特别程序', exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: '开始特别程序', exact: true }).click();
    await page.getByLabel('特别程序环节', { exact: true }).selectOption({ label: '专家评审' });
    await checkPage(handler, 'workbench-special-step-start');
    await page.getByRole('button', { name: '确认开始特别程序' }).click();
    await poll(() => status.textContent()).toContain('特别程序');
    await poll(() => page.getByText('（特别程序中，计时暂停）').count()).toBe(1);
    // Running: it can only be ended now.
    await poll(() => page.getByRole('button', { name: '结束特别程序', exact: true }).count()).toBe(1);
    expect(await page.getByRole('button', { name: '开始特别程序', exact: true }).count()).toBe(0);
    await checkPage(handler, 'workbench-special-step-running');
    await page.getByRole('button', { name: '结束特别程序', exact: true }).click();
    await page.getByRole('button', { name: '确认结束特别程序' }).click();
    await poll(() => status.textContent()).toContain('审查中');
    await poll(() => page.getByRole('button', { name: '开始特别程序', exact: true }).count()).toBe(1);
    // The API agrees: the item's clock was paused and resumed.
    const progress = await api('supervisor', 'GET', `/cases/${caseId}`);
    const item = progress.items.find((i: { id: string }) => i.id === ITEM);
    expect(item.status).toBe('in-review');
    expect(item.clock.paused).toBe(false);
    expect(progress.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining([expect.stringMatching(/special/i)]));
    await checkPage(handler, 'workbench-special-step-ended');
    await handler.context.close();
  });
});
