/**
 * One restaurant case through the screens, in Chromium, each person signed in at the embedded provider
 * in their own browser: the applicant reads the notice, fills the one form (the tobacco field appears
 * when she says she sells tobacco), uploads materials with one tolerable material left out, submits;
 * the window accepts on her commitment and later hands in the promised material; market regulation's
 * handler, reviewer and head work the business licence through its steps in their workbenches (the
 * reviewer sends it back once); the supervisor sees the case's items and urges one; the applicant
 * follows the progress on a phone, then withdraws. Every page is checked with axe-core and kept as a
 * screenshot (test-results/screens/).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkPage, pageWidth, signedIn, skipBrowser, startBrowserStack, type BrowserStack, type Person } from '../helpers/browser';

// A person's journey through several pages, each checked with axe-core, on 2 busy cores.
vi.setConfig({ testTimeout: 300_000 });

/** Web-first waiting: the screens poll the API every few seconds, and the machine may be busy. */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 30_000, interval: 200 });

const PDF = { mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n') };
const PHONE = { width: 390, height: 844 };

let b: BrowserStack;
let caseId: string;
/** The applicant's browser, kept for the last test (her cases are remembered in it). */
let applicant: Person;

beforeAll(async () => {
  b = await startBrowserStack();
});
afterAll(async () => {
  await b?.close();
});

describe.skipIf(skipBrowser)('a restaurant case through the screens', () => {
  it('the applicant reads the notice, fills the one form, uploads, and submits', async () => {
    const wang = await signedIn(b, 'wang-xiaoming');
    const { page } = wang;
    await checkPage(wang, 'home-applicant');
    await page.getByRole('navigation').getByRole('link', { name: '我要办事' }).click();
    await poll(() => page.getByRole('link', { name: '开办餐饮店一件事' }).isVisible()).toBe(true);
    await checkPage(wang, 'applicant-bundles');

    await page.getByRole('link', { name: '开办餐饮店一件事' }).click();
    // 一次告知: every item, its department, limits and condition; every material and where it comes from.
    const notice = page.getByRole('region', { name: '一次告知' });
    await poll(() => notice.getByRole('row', { name: /烟草专卖零售许可证核发/ }).textContent()).toContain('是否销售卷烟为“是”时办理');
    await poll(() => notice.getByText('已从电子证照库调取，无需提交').count()).toBeGreaterThan(0); // her ID card, from the licence library
    await checkPage(wang, 'applicant-notice');

    await page.getByRole('button', { name: '开始填写' }).click();
    const name = page.getByLabel('经营者（法定代表人）姓名');
    await poll(() => name.inputValue()).toBe('王小明'); // pre-filled from her ID card
    await poll(() => page.getByText('已从居民身份证预填').count()).toBeGreaterThan(0);
    const tobaccoDistance = page.getByLabel('与最近卷烟零售点的距离（米）');
    expect(await tobaccoDistance.count()).toBe(0);

    await page.getByLabel('联系电话').fill('1380013');
    await page.getByLabel('店铺名称（字号）').fill('小明热干面馆');
    await page.getByLabel('主体类型').selectOption({ label: '个体工商户' });
    await page.getByLabel('经营场所地址').fill('武汉市江汉区解放大道100号');
    await page.getByLabel('经营面积（平方米）').fill('80');
    await page.getByLabel('就餐座位数').fill('30');
    await page.getByLabel('主要经营项目').selectOption({ label: '热食类食品制售' });
    await page.getByLabel('招牌文字').fill('小明热干面');
    await page.getByLabel('招牌宽度（米）').fill('3');
    await page.getByLabel('招牌高度（米）').fill('1');
    await page.getByLabel('是否销售卷烟').check();
    await poll(() => tobaccoDistance.count()).toBe(1); // appears once she sells tobacco
    await page.getByLabel('是否销售卷烟').uncheck();
    await poll(() => tobaccoDistance.count()).toBe(0); // and goes again
    await page.getByLabel('是否销售卷烟').check();
    await tobaccoDistance.fill('120');

    // The upload rules at the material, as the API answers them to the multipart form: a text file is
    // not a format it accepts (415), a sign design over its 5 MiB is too large (413).
    const rulesUpload = page.locator('li[data-material="food-safety-rules"]');
    await page.getByLabel('食品安全管理制度', { exact: false }).setInputFiles({ name: 'rules.txt', mimeType: 'text/plain', buffer: Buffer.from('no PDF') });
    await poll(() => rulesUpload.getByRole('alert').textContent()).toContain('文件格式不符合要求');
    expect(await rulesUpload.getByRole('alert').textContent()).toContain('text/plain');
    const signUpload = page.locator('li[data-material="sign-design"]');
    await page.getByLabel('招牌设计效果图及安全承诺书', { exact: false }).setInputFiles({ name: 'sign.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([PDF.buffer, Buffer.alloc(5 * 1024 * 1024)]) });
    await poll(() => signUpload.getByRole('alert').textContent()).toContain('文件太大');
    await checkPage(wang, 'applicant-upload-refused');

    // Every material but the sign design (tolerable: promised within 7 working days).
    for (const material of ['经营场所使用证明（租赁合同或产权证明）', '经营场所和设备布局、操作流程平面图', '食品安全管理制度', '场所平面布置图和消防设施检测报告']) {
      await page.getByLabel(material, { exact: false }).setInputFiles({ name: `${material}.pdf`, ...PDF });
    }
    await poll(() => page.getByText(/已上传/).count()).toBe(4);
    expect(await rulesUpload.getByRole('alert').count()).toBe(0); // the accepted upload replaced the refusal

    // A wrong phone number is shown at its field, and nothing is submitted.
    await page.getByRole('button', { name: '提交申请' }).click();
    const phoneGroup = page.locator('.form-group', { has: page.getByLabel('联系电话') });
    await poll(() => phoneGroup.getByText('格式不正确').isVisible()).toBe(true);
    await checkPage(wang, 'applicant-form-error');
    await page.getByLabel('联系电话').fill('13800138000');
    await page.getByRole('button', { name: '提交申请' }).click();

    await page.waitForURL(/\/progress\//, { timeout: 20_000 });
    caseId = decodeURIComponent(page.url().split('/progress/')[1]!);
    await poll(() => page.getByTestId('case-status').textContent()).toContain('已提交');
    await checkPage(wang, 'applicant-progress-submitted');
    applicant = wang;
  });

  it('the window sees the application, checks its materials, accepts it on her commitment, and hands in the promised material', async () => {
    const window = await signedIn(b, 'gov-service-window');
    const { page } = window;
    await page.getByRole('navigation').getByRole('link', { name: '综合窗口' }).click();
    const row = page.getByRole('row').filter({ hasText: caseId });
    await poll(() => row.count()).toBe(1);
    await checkPage(window, 'window-desk');
    await row.getByRole('link').click();
    const missing = page.getByRole('row', { name: /招牌设计效果图及安全承诺书/ });
    await poll(() => missing.textContent()).toContain('缺少');
    await checkPage(window, 'window-case');
    await page.getByRole('button', { name: '容缺受理（告知承诺）' }).click();
    await poll(() => page.getByRole('status').filter({ hasText: '已完成' }).count()).toBe(1);
    await checkPage(window, 'window-accepted');
    // Within its 7 working days the sign design comes in: the window hands it in for her.
    await page.getByLabel('招牌设计效果图及安全承诺书', { exact: false }).setInputFiles({ name: 'sign.pdf', ...PDF });
    await poll(() => page.getByText(/已上传 sign\.pdf/).count()).toBe(1);
    await page.getByRole('button', { name: '提交承诺材料' }).click();
    await poll(() => page.getByRole('status').filter({ hasText: '承诺材料已提交' }).count()).toBe(1);
    await checkPage(window, 'window-promised-supplied');
    await window.context.close();
  });

  it('market regulation works the business licence through its steps in the workbench: 受理, 退回 once, 审核, 核准', async () => {
    /** Signs a person in, opens the item from their inbox, and does one act on its current step. */
    const act = async (username: string, action: string, fill: Record<string, string> = {}, shots = false) => {
      const officer = await signedIn(b, username);
      const { page } = officer;
      await page.getByRole('navigation').getByRole('link', { name: '审批工作台' }).click();
      const row = page.locator(`tr[data-case="${caseId}"][data-item="business-licence"]`);
      await poll(() => row.count()).toBe(1);
      await poll(() => row.textContent()).toContain('待我办理'); // the step is theirs (its role, or they hold it)
      if (shots) {
        // Exact counts per card (GET .../inbox/counts), never "100+".
        for (const card of ['yellow', 'red', 'overdue']) await poll(() => page.getByTestId(`count-${card}`).textContent()).toMatch(/^\d+$/);
        await checkPage(officer, 'workbench-inbox');
      }
      await row.getByRole('link').click();
      await poll(() => page.getByTestId('item-status').textContent()).toContain('审查中');
      await page.getByRole('button', { name: action, exact: true }).click();
      for (const [label, value] of Object.entries(fill)) {
        const field = page.getByLabel(label, { exact: true });
        if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption({ label: value });
        else await field.fill(value);
      }
      if (shots) await checkPage(officer, 'workbench-item');
      await page.getByRole('button', { name: `确认${action}` }).click();
      await poll(async () => (await page.getByRole('alert').allTextContents()).join(' ') || (await page.getByRole('status').allTextContents()).join(' ')).toContain('操作已完成');
      return officer;
    };
    await (await act('market-regulation-handler', '认领', {}, true)).context.close();
    await (await act('market-regulation-handler', '完成本环节', { 审查意见: '材料齐全，予以受理' })).context.close();
    await (await act('market-regulation-reviewer', '退回', { 退回到: '受理', 理由: '经营范围填写不规范' })).context.close();
    await (await act('market-regulation-handler', '完成本环节', { 审查意见: '已核对经营范围' })).context.close();
    await (await act('market-regulation-reviewer', '完成本环节', { 审查意见: '审核通过' })).context.close();
    const head = await act('market-regulation-head', '批准', { 审查意见: '准予登记' });
    await poll(() => head.page.getByTestId('item-status').textContent()).toContain('已批准');
    // The timeline names each act and who did it.
    const timeline = head.page.getByRole('region', { name: '办理记录' });
    await poll(() => timeline.textContent()).toContain('退回');
    await checkPage(head, 'workbench-approved');
    await head.context.close();
  });

  it('the supervisor sees the case\'s items across departments and the statistics, and urges one', async () => {
    const supervisor = await signedIn(b, 'supervision-officer');
    const { page } = supervisor;
    await page.getByRole('navigation').getByRole('link', { name: '电子监察' }).click();
    await page.getByRole('tab', { name: '全部' }).click();
    await poll(() => page.locator(`tr[data-case="${caseId}"]`).count()).toBeGreaterThanOrEqual(4);
    expect(await page.getByRole('img', { name: /按时办结率/ }).count()).toBe(1);
    // 催办 from the desk: the food permit's department is pressed, and the case's timeline says so.
    await page.locator(`tr[data-case="${caseId}"][data-item="food-permit"]`).getByRole('button', { name: /^催办/ }).click();
    await poll(() => page.getByRole('status').filter({ hasText: '已催办' }).count()).toBe(1);
    await checkPage(supervisor, 'supervision');
    await supervisor.context.close();
  });

  it('the applicant follows the progress on a 390 px phone, and withdraws', async () => {
    const { page } = applicant;
    await page.setViewportSize(PHONE);
    await page.goto(`${b.baseUrl}/`);
    await checkPage(applicant, 'phone-home');
    // Her cases come from the API, not from this browser's storage.
    await page.evaluate('localStorage.clear()');
    await page.getByRole('main').getByRole('link', { name: '我的办件' }).click();
    const tile = page.locator(`li[data-case="${caseId}"]`);
    await poll(() => tile.textContent()).toContain('开办餐饮店一件事');
    expect(await page.locator('li[data-case]').count()).toBe(1);
    await checkPage(applicant, 'phone-my-cases');
    await tile.getByRole('link', { name: '开办餐饮店一件事' }).click();
    const licence = page.locator('tr[data-item="business-licence"]');
    await poll(() => licence.textContent()).toContain('已批准');
    await poll(() => page.getByRole('region', { name: '告知承诺' }).textContent()).toContain('承诺已履行');
    await poll(() => page.getByRole('region', { name: '办理记录' }).textContent()).toContain('催办 · 食品经营许可');
    await checkPage(applicant, 'phone-progress');
    // Nothing wider than the phone: the page itself never scrolls sideways (wide tables scroll in their box).
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await page.goto(`${b.baseUrl}/apply/open-restaurant`);
    await checkPage(applicant, 'phone-notice');
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await page.getByRole('button', { name: '开始填写' }).click();
    await poll(() => page.getByLabel('经营者（法定代表人）姓名').inputValue()).toBe('王小明');
    await checkPage(applicant, 'phone-form');
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);

    // She changes her mind: 撤回申请 ends the case, the open items are cancelled.
    await page.goto(`${b.baseUrl}/progress/${caseId}`);
    await page.getByRole('button', { name: '撤回申请…' }).click();
    await page.getByLabel('撤回原因（可选）').fill('店铺选址变更');
    await page.getByRole('button', { name: '确认撤回' }).click();
    await poll(() => page.getByTestId('case-status').textContent()).toContain('已撤回');
    await poll(() => page.locator('tr[data-item="food-permit"]').textContent()).toContain('已取消');
    await checkPage(applicant, 'phone-withdrawn');
    await applicant.context.close();
  });
});
