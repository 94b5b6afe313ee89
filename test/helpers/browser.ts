/**
 * The real stack for browser tests, and a real browser: a Temporal dev server, a worker running the
 * real workflows, the embedded OIDC provider with the sample people (its redirect URI the API's own
 * callback), the API listening on a free port and serving the built web screens (web/dist: `npm test`
 * builds them first), and Debian's Chromium driven by playwright-core (scripts/ensure-chromium.sh
 * installs it with fonts-noto-cjk).
 *
 * Each page a test visits is checked with axe-core (no serious or critical violation) and kept as a
 * screenshot in test-results/screens/ (the CI artefacts); a page the CSP stops from doing anything, or
 * a screen that failed to render, fails the test too.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, onTestFailed } from 'vitest';
import { PeopleDirectory } from '../../adapters/people';
import { BearerAuthenticator, JwtAuthenticator } from '../../api/oidc';
import { DEFAULT_AUDIENCE } from '../../runtime/oidc-config';
import { PROJECT_ROOT } from '../../runtime/config';
import { startEmbeddedOidc, type EmbeddedOidc } from '../../runtime/oidc-provider';
import { DEV_PASSWORD, WEB_CLIENT_ID } from '../../scripts/sign-in';
import { startStack, type Stack, type StackOptions } from './stack';
import { createDevServerEnv } from './temporal-env';

export const WEB_ROOT = join(PROJECT_ROOT, 'web', 'dist');
export const SCREENS_DIR = join(PROJECT_ROOT, 'test-results', 'screens');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether this machine can run the browser tests (else they fail, unless YJS_SKIP_BROWSER=1 skips them). */
export const skipBrowser = process.env.YJS_SKIP_BROWSER === '1' && !existsSync(CHROMIUM);

export interface BrowserStack {
  stack: Stack;
  baseUrl: string;
  issuer: string;
  browser: Browser;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The stack; `activityOverrides` as for `startStack` (e.g. a clock whose cards come in seconds). */
export async function startBrowserStack(options: Pick<StackOptions, 'activityOverrides'> = {}): Promise<BrowserStack> {
  if (!existsSync(join(WEB_ROOT, 'index.html'))) throw new Error('web/dist is not built: run `npx tsx scripts/build-web.ts` (npm test does)');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const keysDir = await mkdtemp(join(tmpdir(), 'yjs-browser-oidc-'));
  let env: TestWorkflowEnvironment | undefined;
  let oidc: EmbeddedOidc | undefined;
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  const people = await PeopleDirectory.fromFile();
  try {
    [env, oidc, browser] = await Promise.all([
      createDevServerEnv(),
      Promise.resolve().then(() =>
        startEmbeddedOidc({
          people,
          host: '127.0.0.1',
          port: 0,
          audience: DEFAULT_AUDIENCE,
          clientId: WEB_CLIENT_ID,
          redirectUris: [`${baseUrl}/auth/callback`],
          keysFile: join(keysDir, 'keys.json'),
        }),
      ),
      chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage', '--lang=zh-CN'] }),
    ]);
    const verifier = new JwtAuthenticator({ issuer: oidc.issuer, audience: DEFAULT_AUDIENCE });
    stack = await startStack(env, {
      ...options,
      people,
      authenticator: (apiKeys) => new BearerAuthenticator(verifier, apiKeys),
      web: { root: WEB_ROOT, oidc: { issuer: oidc.issuer, clientId: WEB_CLIENT_ID } },
    });
    await stack.app.listen({ host: '127.0.0.1', port });
    await mkdir(SCREENS_DIR, { recursive: true });
  } catch (err) {
    await browser?.close();
    await stack?.close();
    await oidc?.close();
    await env?.teardown();
    await rm(keysDir, { recursive: true, force: true });
    throw err;
  }
  const [s, o, e, b] = [stack, oidc, env, browser];
  return {
    stack: s,
    baseUrl,
    issuer: o.issuer,
    browser: b,
    async close() {
      await b.close();
      await s.close();
      await o.close();
      await e.teardown();
      await rm(keysDir, { recursive: true, force: true });
    },
  };
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Console errors and CSP violations seen so far. */
  problems: string[];
}

/**
 * A person in their own browser context (their own session and provider cookies), signed in through
 * the screens' sign-in button, the provider's form and the callback: back on the home page.
 */
export async function signedIn(b: BrowserStack, username: string, viewport = { width: 1280, height: 900 }): Promise<Person> {
  const context = await b.browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const problems: string[] = [];
  // What the CSP refused, with where it came from (the console's message does not say).
  await context.exposeFunction('__cspViolation', (report: string) => problems.push(`CSP: ${report}`));
  await context.addInitScript(() => {
    const report = (globalThis as unknown as { __cspViolation(r: string): void }).__cspViolation;
    (globalThis as unknown as { addEventListener(t: string, f: (e: Record<string, unknown>) => void): void }).addEventListener('securitypolicyviolation', (e) =>
      report(`${String(e.violatedDirective)} blocked ${String(e.blockedURI)} at ${String(e.sourceFile)}:${String(e.lineNumber)}:${String(e.columnNumber)} sample ${String(e.sample)}`),
    );
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // What the person saw when the test failed, beside the other screenshots.
  onTestFailed(async () => {
    if (!page.isClosed()) await page.screenshot({ path: join(SCREENS_DIR, `failed-${username}-${Date.now()}.png`), fullPage: true }).catch(() => undefined);
  });
  await page.goto(`${b.baseUrl}/`);
  await page.getByRole('main').getByRole('button', { name: '登录' }).click();
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEV_PASSWORD);
  await page.getByRole('button', { name: /登录/ }).click();
  await page.waitForURL(`${b.baseUrl}/`);
  await expect.poll(() => page.getByTestId('person').isVisible(), { timeout: 15_000 }).toBe(true);
  return { context, page, problems };
}

let shot = 0;

/**
 * The page as it is now: axe-core finds no serious or critical violation (WCAG 2.1 A and AA, and best
 * practices), nothing was refused by the CSP, and a full-page screenshot goes to test-results/screens/.
 */
export async function checkPage(person: Person, name: string): Promise<void> {
  const { page } = person;
  await page.waitForLoadState('networkidle').catch(() => undefined);
  const failed = page.getByTestId('screen-failed');
  // Its text read only when it is there: textContent() waits for the element (30 s on a page that did not fail).
  const failures = await failed.count();
  expect(failures, failures ? `the screen failed on ${name}: ${await failed.first().textContent()}` : name).toBe(0);
  shot += 1;
  await page.screenshot({ path: join(SCREENS_DIR, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  // Evaluated through the DevTools protocol, so the page's CSP (scripts from its origin only) does not stop it.
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const { axe: inPage, document } = globalThis as unknown as { axe: typeof axe; document: Parameters<typeof axe.run>[0] };
    const result = await inPage.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `axe-core on ${name}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
  expect(person.problems, `console on ${name}`).toEqual([]);
}

/** How wide the page's content is (more than the viewport: the page scrolls sideways). */
export function pageWidth(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth') as Promise<number>;
}
