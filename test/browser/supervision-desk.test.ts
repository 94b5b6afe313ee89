/**
 * The supervision desk and the applicant's notices in Chromium, on data made through the real API and
 * engine with the test clock (a working day lasts two seconds; everything else real): a restaurant
 * case whose business licence defaults (超时默认) with its sealed notice, which the supervisor opens and
 * verifies; an enterprise start-up case whose bank account is escalated to the central bank's branch;
 * then the applicant withdraws the restaurant case and rates an item 非常不满意, which opens a
 * rectification (差评整改) the supervisor sees turn overdue; the department's officer closes it with a
 * call-back (回访) on their rectifications page, the statistics count it in the 好差评 charts, and the
 * applicant reads the in-app notice of the call-back and marks it read. Pages checked with axe-core,
 * screenshots in test-results/screens/.
 */
import type { ItemClockRequest } from '../../activities/clock';
import { testItemClock } from '../../domain/test-clock';
import { signIn } from '../../scripts/sign-in';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { enterpriseApplication, restaurantApplication } from '../fixtures/applications';
import { checkPage, signedIn, skipBrowser, startBrowserStack, type BrowserStack } from '../helpers/browser';
import { eventually } from '../helpers/stack';

vi.setConfig({ testTimeout: 300_000 });

const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 90_000, interval: 250 });

/** The test clock: a working day of two seconds, every day a working day (rectifications too: 15 days are 30 s). */
const DAY_MS = 2000;

let b: BrowserStack;
let restaurant: string;
let enterprise: string;
let wang: string;

type Progress = { status: string; items: Array<{ id: string; department: string; status: string }> };
const progress = async (caseId: string): Promise<Progress> => (await b.stack.as('supervisor', { method: 'GET', url: `/cases/${caseId}` })).json();

async function startAndAccept(application: object): Promise<string> {
  const started = await b.stack.as('integrator', { method: 'POST', url: '/cases', payload: application });
  expect(started.statusCode, started.body).toBe(201);
  const caseId = started.json().caseId as string;
  const accepted = await b.stack.as('window-gov-service', { method: 'POST', url: `/cases/${caseId}/accept`, payload: {} });
  expect(accepted.statusCode, accepted.body).toBe(200);
  return caseId;
}

beforeAll(async () => {
  b = await startBrowserStack({
    activityOverrides: { computeItemClock: async (request: ItemClockRequest) => testItemClock({ dayMs: DAY_MS }, request) },
  });
  [restaurant, enterprise, wang] = await Promise.all([
    startAndAccept(restaurantApplication({ sellsTobacco: false })),
    startAndAccept(enterpriseApplication()),
    signIn(b.issuer, 'wang-xiaoming', { redirectUri: `${b.baseUrl}/auth/callback` }).then((t) => t.access_token),
  ]);
});
afterAll(async () => {
  await b?.close();
});

describe.skipIf(skipBrowser)('the supervision desk and the applicant’s notices', () => {
  it('shows a defaulted item with its sealed notice, verified, and an escalated item', async () => {
    await eventually(() => progress(restaurant), (p) => p.items.some((i) => i.id === 'business-licence' && i.status === 'defaulted'), 'the business licence defaulted', 60_000);
    await eventually(() => progress(enterprise), (p) => p.items.some((i) => i.id === 'bank-account' && i.department === 'pboc'), 'the bank account escalated', 60_000);

    const supervisor = await signedIn(b, 'supervision-officer');
    const { page } = supervisor;
    await page.getByRole('navigation').getByRole('link', { name: '电子监察' }).click();
    await page.getByRole('tab', { name: '超时默认' }).click();
    const defaulted = page.locator(`tr[data-case="${restaurant}"][data-item="business-licence"]`);
    await poll(() => defaulted.count()).toBe(1);
    await defaulted.getByRole('button', { name: '查看“营业执照办理（设立登记）”的超时默认通知书' }).click();
    await poll(() => defaulted.textContent()).toContain('依照超时默认规则视为同意，自动用印');
    await defaulted.getByRole('button', { name: '验证印章：超时默认通知书' }).click();
    await poll(() => defaulted.textContent()).toContain('印章有效');
    expect(await defaulted.locator('.seal-check').textContent()).toContain('超时默认'); // the seal was applied by default
    await checkPage(supervisor, 'supervision-defaulted-notice');

    await page.getByRole('tab', { name: '已升级' }).click();
    const escalated = page.locator(`tr[data-case="${enterprise}"][data-item="bank-account"]`);
    await poll(() => escalated.textContent()).toContain('由 bank 升级');
    expect(await escalated.textContent()).toContain('pboc');
    // Only escalated items on that tab.
    expect(await page.locator(`#supervised-items tr[data-case="${restaurant}"]`).count()).toBe(0);
    await checkPage(supervisor, 'supervision-escalated');
    await supervisor.context.close();
  });

  it('shows the rectification a 非常不满意 rating opened, turning overdue', async () => {
    const wangAs = { authorization: `Bearer ${wang}` };
    const withdrawn = await b.stack.app.inject({ method: 'POST', url: `/cases/${restaurant}/withdraw`, headers: wangAs, payload: { reason: '不再开店' } });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    const rated = await b.stack.app.inject({
      method: 'POST',
      url: `/cases/${restaurant}/reviews`,
      headers: wangAs,
      payload: { level: 1, itemId: 'business-licence', comment: '超期未办，只能默认通过' },
    });
    expect(rated.statusCode, rated.body).toBe(201);
    expect(rated.json().rectification.department).toBe('market-regulation');

    // The supervisor sees it among the open rectifications, and its card turn overdue (30 s of test clock).
    const supervisor = await signedIn(b, 'supervision-officer');
    await supervisor.page.getByRole('navigation').getByRole('link', { name: '电子监察' }).click();
    const rectifications = supervisor.page.getByRole('region', { name: '差评整改' });
    const open = rectifications.locator(`tr[data-case="${restaurant}"]`);
    await poll(() => open.textContent()).toContain('非常不满意');
    expect(await open.getByRole('button', { name: /办结/ }).count()).toBe(0); // supervisors watch, the department closes
    // The card's badge, not the row's text: the applicant's comment says 超期 too.
    await poll(() => open.locator('.badge.card-overdue').count()).toBe(1);
    expect(await open.locator('.badge.card-overdue').textContent()).toBe('超期');
    await checkPage(supervisor, 'supervision-rectification-overdue');
    await supervisor.context.close();
  });

  it('lets the department close the rectification with a call-back, counted in the 好差评 charts', async () => {
    // The department's officer closes it on their rectifications page, with the call-back.
    const officer = await signedIn(b, 'market-regulation-handler');
    const { page } = officer;
    await page.getByRole('navigation').getByRole('link', { name: '差评整改' }).click();
    const row = page.locator(`tr[data-case="${restaurant}"]`);
    await row.getByRole('button', { name: `办结整改（办件 ${restaurant}）` }).click();
    await page.getByLabel('整改情况').fill('已约谈承办人，建立超期预警提醒');
    await page.getByRole('radio', { name: '满意', exact: true }).check();
    await page.getByLabel('回访记录（可选）').fill('申请人表示理解');
    await checkPage(officer, 'rectification-close-form');
    await page.getByRole('button', { name: '提交整改和回访' }).click();
    await poll(() => row.count()).toBe(0); // gone from the open ones
    await page.getByLabel('状态').selectOption({ label: '已办结' });
    await poll(() => row.textContent()).toContain('回访：满意');
    await checkPage(officer, 'rectification-closed');
    await officer.context.close();

    // 好差评 statistics on the desk: one rating, not satisfied; rectified, late, called back.
    const supervisor = await signedIn(b, 'supervision-officer');
    await supervisor.page.getByRole('navigation').getByRole('link', { name: '电子监察' }).click();
    const rates = supervisor.page.getByRole('img', { name: /^好差评/ });
    await poll(() => rates.getAttribute('aria-label')).toMatch(/满意率 0%; 差评整改率 100%; 按时整改率 0%; 回访率 100%/);
    expect(await supervisor.page.getByRole('img', { name: /^各等级评价数/ }).getAttribute('aria-label')).toContain('非常不满意 1');
    await checkPage(supervisor, 'supervision-review-statistics');
    await supervisor.context.close();
  });

  it('shows the applicant the in-app notice of the call-back, counted in the navigation until read', async () => {
    // The applicant's in-app notice of the call-back: counted in the navigation, read, marked read.
    const applicant = await signedIn(b, 'wang-xiaoming', { width: 390, height: 844 });
    const nav = applicant.page.getByRole('navigation');
    await poll(() => nav.getByRole('link', { name: '消息（1 条未读）' }).count()).toBe(1);
    await nav.getByRole('link', { name: '消息（1 条未读）' }).click();
    const notice = applicant.page.locator('[data-notice]');
    await poll(() => notice.textContent()).toContain('您的差评已整改并回访，感谢您的评价');
    expect(await notice.textContent()).toContain('好差评整改');
    expect(await notice.textContent()).toContain(restaurant);
    await checkPage(applicant, 'applicant-notices');
    await notice.getByRole('button', { name: '将“好差评整改”标为已读' }).click();
    await poll(() => applicant.page.getByTestId('unread-count').textContent()).toBe('未读 0 条');
    await poll(() => nav.getByRole('link', { name: '消息', exact: true }).count()).toBe(1);
    expect(await notice.textContent()).toContain('已读于');
    await checkPage(applicant, 'applicant-notices-read');
    await applicant.context.close();
  });
});
