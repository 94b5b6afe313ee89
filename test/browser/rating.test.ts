/**
 * 好差评 on the applicant's progress page in Chromium (issue 14), on a real stack: 王小明 withdraws his
 * accepted restaurant case (through the API: it has ended), then on the page rates the whole case with
 * the GB/T 39734 indicators (one chosen with the keyboard), rates the business licence 不满意 (一事一评),
 * which opens a rectification for 市场监督管理局 (a supervisor sees it over the API), amends that rating
 * to 满意 within the window and is told the rectification was withdrawn (it is, over the API), with the
 * rating's versions listed. A second case, of a copy of the bundle whose ratings may be changed for
 * 18 seconds, shows the 409's detail when he submits a change after the window. Pages checked with
 * axe-core at 1280 px and 390 px, screenshots in test-results/screens/.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signIn } from '../../scripts/sign-in';
import { restaurantApplication } from '../fixtures/applications';
import { checkPage, pageWidth, signedIn, skipBrowser, startBrowserStack, type BrowserStack, type Person } from '../helpers/browser';
import { eventually } from '../helpers/stack';

vi.setConfig({ testTimeout: 300_000 });

const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 60_000, interval: 250 });

/** A copy of the restaurant bundle whose ratings may be changed for 18 seconds. */
const SHORT_WINDOW_BUNDLE = 'rating-window-restaurant';
const SHORT_WINDOW_HOURS = 0.005;
const PHONE = { width: 390, height: 844 };
const LICENCE = '营业执照办理（设立登记）';

let b: BrowserStack;
let withdrawn: string;
let refused: string;
let token: string;
let wang: Person | undefined;

type Progress = { status: string; items: Array<{ id: string; startedAt?: string }> };
const progress = async (caseId: string): Promise<Progress> => (await b.stack.as('supervisor', { method: 'GET', url: `/cases/${caseId}` })).json();
const asWang = () => ({ authorization: `Bearer ${token}` });

async function start(bundleId = 'open-restaurant'): Promise<string> {
  const started = await b.stack.as('integrator', { method: 'POST', url: '/cases', payload: { ...restaurantApplication({ sellsTobacco: false }), bundleId } });
  expect(started.statusCode, started.body).toBe(201);
  return started.json().caseId as string;
}

beforeAll(async () => {
  b = await startBrowserStack();
  const definition = structuredClone(b.stack.registry.get('open-restaurant').definition) as unknown as Record<string, unknown>;
  await b.stack.registry.publish({ ...definition, id: SHORT_WINDOW_BUNDLE, reviews: { amendWithinHours: SHORT_WINDOW_HOURS } }, 'api');
  [withdrawn, refused, token] = await Promise.all([
    start(),
    start(SHORT_WINDOW_BUNDLE),
    signIn(b.issuer, 'wang-xiaoming', { redirectUri: `${b.baseUrl}/auth/callback` }).then((t) => t.access_token),
  ]);
  // The restaurant case accepted, its business licence at its department, then withdrawn by 王小明.
  const accepted = await b.stack.as('window-gov-service', { method: 'POST', url: `/cases/${withdrawn}/accept`, payload: {} });
  expect(accepted.statusCode, accepted.body).toBe(200);
  await eventually(() => progress(withdrawn), (p) => p.items.some((i) => i.id === 'business-licence' && i.startedAt), 'the business licence dispatched', 60_000);
  const withdrawal = await b.stack.app.inject({ method: 'POST', url: `/cases/${withdrawn}/withdraw`, headers: asWang(), payload: { reason: '不再开店' } });
  expect(withdrawal.statusCode, withdrawal.body).toBe(200);
  // The other refused at the window.
  const refusal = await b.stack.as('window-gov-service', { method: 'POST', url: `/cases/${refused}/refuse`, payload: { reasons: ['经营场所不符合要求'] } });
  expect(refusal.statusCode, refusal.body).toBe(200);
  await Promise.all([
    eventually(() => progress(withdrawn), (p) => p.status === 'withdrawn', 'the withdrawal', 60_000),
    eventually(() => progress(refused), (p) => p.status === 'refused', 'the refusal', 60_000),
  ]);
});
afterAll(async () => {
  await wang?.context.close();
  await b?.close();
});

type Rectification = { id: string; caseId: string; itemId?: string; department: string; status: string };
async function rectificationsOf(caseId: string): Promise<Rectification[]> {
  const listed = await b.stack.as('supervisor', { method: 'GET', url: '/rectifications?pageSize=100' });
  expect(listed.statusCode, listed.body).toBe(200);
  return (listed.json().items as Rectification[]).filter((r) => r.caseId === caseId);
}

describe.skipIf(skipBrowser)('好差评 on the applicant’s progress page', () => {
  it('rates the case with the indicators, an item 不满意 (a rectification opens), and amends it to 满意 (withdrawn)', async () => {
    wang = await signedIn(b, 'wang-xiaoming');
    const { page } = wang;
    await page.goto(`${b.baseUrl}/progress/${withdrawn}`);
    await poll(() => page.getByTestId('case-status').textContent()).toContain('已撤回');

    // 一次一评 with the indicators of GB/T 39734: overall 满意, efficiency 非常满意, guide accuracy 满意,
    // convenience chosen with the keyboard (from 不评价, the arrow moves to 非常满意), usability left out.
    const rating = page.getByRole('region', { name: '服务评价' });
    await rating.getByRole('group', { name: '您对本次办事服务满意吗？' }).getByRole('radio', { name: '满意', exact: true }).check();
    const indicator = (name: string) => rating.getByRole('group', { name, exact: true });
    await indicator('办事效率').getByRole('radio', { name: '非常满意', exact: true }).check();
    await indicator('办事指南精确度').getByRole('radio', { name: '满意', exact: true }).check();
    await indicator('办事便捷度').getByRole('radio', { name: '不评价' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await indicator('办事便捷度').getByRole('radio', { name: '非常满意', exact: true }).isChecked()).toBe(true);
    expect(await indicator('平台操作性').getByRole('radio', { name: '不评价' }).isChecked()).toBe(true);
    await rating.getByLabel('意见建议（可选）').fill('材料一次告知，很清楚');
    await checkPage(wang, 'applicant-rating-form');
    await rating.getByRole('button', { name: '提交评价' }).click();
    await poll(() => rating.getByRole('status').textContent()).toContain('满意');
    const indicators = rating.locator('.review-indicators');
    await poll(() => indicators.textContent()).toBe('办事效率非常满意办事指南精确度满意办事便捷度非常满意');
    expect(await rating.textContent()).toMatch(/您可在 .+ 前修改此评价/);
    const whole = (await (await b.stack.app.inject({ method: 'GET', url: `/cases/${withdrawn}/reviews`, headers: asWang() })).json()).reviews[0];
    expect(whole).toMatchObject({ level: 4, indicators: { efficiency: 5, guideAccuracy: 4, convenience: 5 }, comment: '材料一次告知，很清楚' });
    expect(whole.itemId).toBeUndefined();

    // 一事一评: the business licence 不满意, which opens a rectification for its department.
    const items = page.getByRole('region', { name: '逐项评价（一事一评）' });
    const licence = items.locator('li[data-item="business-licence"]');
    await licence.getByRole('button', { name: `评价“${LICENCE}”` }).click();
    await licence.getByRole('group', { name: `您对“${LICENCE}”的办理满意吗？` }).getByRole('radio', { name: '不满意', exact: true }).check();
    await licence.getByLabel('意见建议（可选）').fill('窗口说明不清楚');
    await licence.getByRole('button', { name: '提交评价' }).click();
    await poll(() => licence.getByTestId('rectification-note').textContent()).toContain('您的差评已转交市场监督管理局整改');
    expect(await licence.getByRole('status').first().textContent()).toContain('不满意');
    const [opened] = await rectificationsOf(withdrawn);
    expect(opened).toMatchObject({ itemId: 'business-licence', department: 'market-regulation', status: 'open' });
    await checkPage(wang, 'applicant-item-rated-bad');

    // Amended to 满意 within the window: the rectification is withdrawn, and the versions are listed.
    await licence.getByRole('button', { name: `修改评价：${LICENCE}` }).click();
    const amend = licence.getByRole('form', { name: `修改评价：${LICENCE}` });
    expect(await amend.getByRole('group', { name: `您对“${LICENCE}”的办理满意吗？` }).getByRole('radio', { name: '不满意', exact: true }).isChecked()).toBe(true); // the current rating, to change
    await amend.getByRole('group', { name: `您对“${LICENCE}”的办理满意吗？` }).getByRole('radio', { name: '满意', exact: true }).check();
    await amend.getByRole('button', { name: '提交修改' }).click();
    await poll(() => licence.getByTestId('rectification-note').textContent()).toBe('您已改为“满意”，市场监督管理局的差评整改已撤销。');
    const history = licence.getByRole('list', { name: '评价记录' });
    await poll(() => history.getByRole('listitem').allTextContents()).toEqual([
      expect.stringMatching(/^第 1 版 · .+ · 不满意 · 窗口说明不清楚$/),
      expect.stringMatching(/^第 2 版 · .+ · 满意 · 窗口说明不清楚$/),
    ]);
    expect(await licence.textContent()).toContain('（第 2 版）');
    const [after] = await rectificationsOf(withdrawn);
    expect(after).toMatchObject({ id: opened!.id, status: 'withdrawn' });
    await checkPage(wang, 'applicant-item-rating-amended');

    // The same page on a 390 px phone, the form to change the whole case's rating open: nothing wider than the screen.
    await page.setViewportSize(PHONE);
    await rating.getByRole('button', { name: '修改评价：本次办件' }).click();
    await poll(() => rating.getByRole('form', { name: '修改评价：本次办件' }).count()).toBe(1);
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await checkPage(wang, 'applicant-ratings-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows the 409’s detail when a change comes after the window', async () => {
    const rated = await b.stack.app.inject({ method: 'POST', url: `/cases/${refused}/reviews`, headers: asWang(), payload: { level: 3, indicators: {} } });
    expect(rated.statusCode, rated.body).toBe(201);
    const until = Date.parse(rated.json().review.amendableUntil);
    const { page } = wang!;
    await page.goto(`${b.baseUrl}/progress/${refused}`);
    const rating = page.getByRole('region', { name: '服务评价' });
    await rating.getByRole('button', { name: '修改评价：本次办件' }).click();
    const amend = rating.getByRole('form', { name: '修改评价：本次办件' });
    await amend.getByRole('group', { name: '您对本次办事服务满意吗？' }).getByRole('radio', { name: '非常满意', exact: true }).check();
    // Past the window (the button goes away; the open form stays) the change is refused with a 409.
    await poll(() => rating.getByRole('button', { name: '修改评价：本次办件' }).count()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, until + 500 - Date.now())));
    await amend.getByRole('button', { name: '提交修改' }).click();
    await poll(() => amend.getByRole('alert').textContent()).toContain('The window to amend this rating closed at');
    await poll(() => rating.textContent()).toMatch(/修改期限已于 .+ 截止，此评价不再更改。/);
    expect(await rating.getByRole('status').textContent()).toContain('基本满意'); // unchanged
    await checkPage(wang!, 'applicant-rating-window-closed');
  });
});
