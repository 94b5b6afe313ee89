/**
 * The designer studio in Chromium: the designer signs in, opens the restaurant bundle (its flow drawn
 * by elkjs, the four reductions), drafts the next version, breaks it with the editor's own search and
 * replace and sees the lint error at its JSON path (listed and underlined in the editor, publishing
 * refused), fixes it and publishes version 2. Beside the editor the one form the draft would produce is
 * previewed live with the applicant's form (the tobacco field appears when the designer says the shop
 * sells tobacco), and a field added to the draft appears in it. Every page is checked with axe-core and
 * kept as a screenshot (test-results/screens/).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkPage, signedIn, skipBrowser, startBrowserStack, type BrowserStack } from '../helpers/browser';

// A person's journey through several pages, each checked with axe-core, on 2 busy cores.
vi.setConfig({ testTimeout: 300_000 });

/** Web-first waiting: the screens poll the API every few seconds, and the machine may be busy. */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 30_000, interval: 200 });

let b: BrowserStack;

beforeAll(async () => {
  b = await startBrowserStack();
});
afterAll(async () => {
  await b?.close();
});

describe.skipIf(skipBrowser)('the designer studio', () => {
  it('shows a lint error at its path as the designer types, and publishes once it is fixed', async () => {
    const designer = await signedIn(b, 'bundle-designer');
    const { page } = designer;
    await page.getByRole('navigation').getByRole('link', { name: '事项设计器' }).click();
    await page.getByLabel('一件事').selectOption({ label: '开办餐饮店一件事 (v1)' });
    const editor = page.getByRole('textbox', { name: '事项定义 JSON 编辑器' });
    await poll(() => editor.isVisible()).toBe(true);
    // The flow: items grouped by department, the critical path named.
    const diagram = page.getByRole('img', { name: /^流程图/ });
    await poll(() => diagram.count()).toBe(1);
    expect(await page.getByText(/关键路径 10 个工作日/).count()).toBe(1);
    expect(await page.locator('svg.flow [data-item]').count()).toBe(5);
    await poll(() => page.getByRole('table', { name: '四减（已发布版本）' }).count()).toBe(1);
    await poll(() => page.getByText('没有错误，可以发布。').count()).toBe(1);
    // The one form, previewed with the applicant's form component: conditional fields come and go.
    const preview = page.getByTestId('form-preview');
    await poll(() => preview.getByLabel('店铺名称（字号）').count()).toBe(1);
    const tobaccoDistance = preview.getByLabel('与最近卷烟零售点的距离（米）');
    expect(await tobaccoDistance.count()).toBe(0);
    await preview.getByLabel('是否销售卷烟').check();
    await poll(() => tobaccoDistance.count()).toBe(1);
    await preview.getByLabel('是否销售卷烟').uncheck();
    await poll(() => tobaccoDistance.count()).toBe(0);
    await checkPage(designer, 'studio');

    await page.getByRole('button', { name: '新建下一版本草稿' }).click();
    await poll(() => editor.textContent()).toContain('"version": 2');
    // Break it the way a designer would: the editor's search and replace.
    await editor.click();
    await page.keyboard.press('Control+f');
    await page.getByRole('textbox', { name: '查找' }).fill('"promisedDays": 3,');
    await page.getByRole('textbox', { name: '替换', exact: true }).fill('"promisedDays": -1,');
    await page.getByRole('button', { name: '全部替换' }).click();

    const issues = page.getByTestId('lint-issues');
    await poll(() => issues.textContent()).toContain('/items/0/promisedDays');
    expect(await page.getByRole('button', { name: '发布' }).isDisabled()).toBe(true);
    // The issue's path takes the designer to the place, underlined in the editor.
    await issues.getByRole('button', { name: '/items/0/promisedDays' }).click();
    const marked = page.locator('.cm-line', { has: page.locator('.cm-lintRange-error') });
    await poll(() => marked.allTextContents()).toEqual(['      "promisedDays": -1,']);
    // The preview keeps the last form that merged, and says so.
    await poll(() => preview.getByText('草稿有错误，预览为上一个无错误的版本。').count()).toBe(1);
    await checkPage(designer, 'studio-lint-error');

    // Fix it and publish.
    await page.getByRole('textbox', { name: '查找' }).fill('"promisedDays": -1,');
    await page.getByRole('textbox', { name: '替换', exact: true }).fill('"promisedDays": 3,');
    await page.getByRole('button', { name: '全部替换' }).click();
    await poll(() => page.getByText('没有错误，可以发布。').count()).toBe(1);
    await page.getByRole('button', { name: '发布' }).click();
    await poll(() => page.getByRole('status').filter({ hasText: '已发布' }).textContent()).toContain('open-restaurant 第 2 版');
    await checkPage(designer, 'studio-published');

    // Publishing the same version again with other content is explained (409).
    await page.getByRole('textbox', { name: '查找' }).fill('"trips": 1,');
    await page.getByRole('textbox', { name: '替换', exact: true }).fill('"trips": 0,');
    await page.getByRole('button', { name: '全部替换' }).click();
    await poll(() => page.getByText('没有错误，可以发布。').count()).toBe(1);
    await page.getByRole('button', { name: '发布' }).click();
    await poll(() => page.getByText('该版本号已以不同内容发布').count()).toBe(1);

    // A field added to the draft appears in the preview a moment later.
    expect(await preview.getByLabel('店铺简称').count()).toBe(0);
    await page.getByRole('textbox', { name: '查找' }).fill('"id": "shopName",');
    await page
      .getByRole('textbox', { name: '替换', exact: true })
      .fill('"id": "shopNickname", "label": { "zh": "店铺简称", "en": "Short name" }, "type": "string", "section": "shop" }, { "id": "shopName",');
    await page.getByRole('button', { name: '全部替换' }).click();
    await poll(() => preview.getByLabel('店铺简称').count()).toBe(1);
    await poll(() => page.getByText('草稿有错误，预览为上一个无错误的版本。').count()).toBe(0);
    await checkPage(designer, 'studio-preview-new-field');
    await designer.context.close();
  });
});
