/**
 * 我的办件 over HTTP: two applicants signed in at the embedded provider (王小明, a person; 一件事科技,
 * a company) start their own cases through the API; each lists exactly their own, newest first, from
 * the read model the workers write, a page at a time, with the case number where the bundle gives one.
 * Another applicant's page token is refused; officers, API keys and anonymous callers have no list.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BearerAuthenticator, JwtAuthenticator } from '../../../api/oidc';
import { deregistrationApplication, restaurantApplication } from '../../fixtures/applications';
import { signIn, startTestOidc, type TestOidc } from '../../helpers/oidc';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { createDevServerEnv } from '../../helpers/temporal-env';

interface MyCase {
  caseId: string;
  caseNumber?: string;
  bundleId: string;
  title: { zh: string; en: string };
  status: string;
  submittedAt: string;
  updatedAt: string;
}
interface MyCasesPage {
  cases: MyCase[];
  nextPageToken?: string;
}

let env: TestWorkflowEnvironment;
let oidc: TestOidc;
let stack: Stack;
let base: string;
let wang: string;
let company: string;
/** Wang's cases in the order she started them (and their numbers), and the company's one. */
const wangCases: string[] = [];
const caseNumbers = new Map<string, string | undefined>();
let companyCase: { caseId: string; caseNumber?: string };

beforeAll(async () => {
  [env, oidc] = await Promise.all([createDevServerEnv(), startTestOidc()]);
  const verifier = new JwtAuthenticator({ issuer: oidc.issuer, audience: oidc.audience });
  stack = await startStack(env, { authenticator: (apiKeys) => new BearerAuthenticator(verifier, apiKeys) });
  base = await stack.app.listen({ host: '127.0.0.1', port: 0 });
  [wang, company] = await Promise.all([signIn(oidc.issuer, 'wang-xiaoming'), signIn(oidc.issuer, 'yijianshi-tech')]).then((t) => t.map((x) => x.access_token));
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await oidc?.close();
  await env?.teardown();
});

const call = (token: string | undefined, method: 'GET' | 'POST', path: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

async function myCases(token: string, query = ''): Promise<MyCasesPage> {
  const response = await call(token, 'GET', `/me/cases${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as MyCasesPage;
}

async function start(token: string, application: object): Promise<{ caseId: string; caseNumber?: string }> {
  const response = await call(token, 'POST', '/cases', application);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { caseId: string; caseNumber?: string };
}

describe('GET /me/cases', () => {
  it("lists the signed-in applicant's own cases, newest first, and nobody else's", async () => {
    for (let i = 0; i < 3; i++) {
      const started = await start(wang, restaurantApplication({ sellsTobacco: i % 2 === 0 }));
      wangCases.push(started.caseId);
      caseNumbers.set(started.caseId, started.caseNumber);
    }
    companyCase = await start(company, deregistrationApplication());
    expect(companyCase.caseNumber).toMatch(/^QYZX-/);

    // The workers project each case into the read model after its first workflow task.
    const own = await eventually(() => myCases(wang), (page) => page.cases.length === 3, "Wang's three cases in the read model");
    expect(own.cases.map((c) => c.caseId)).toEqual([...wangCases].reverse());
    expect(own.nextPageToken).toBeUndefined();
    for (const c of own.cases) {
      expect(c).toMatchObject({ bundleId: 'open-restaurant', title: { zh: '开办餐饮店一件事' }, status: 'submitted' });
      expect(c.caseNumber).toMatch(/^OPEN-RESTAURANT-/);
      expect(c.caseNumber).toBe(caseNumbers.get(c.caseId));
      expect(Date.parse(c.updatedAt)).toBeGreaterThanOrEqual(Date.parse(c.submittedAt) - 1000);
    }
    const submitted = own.cases.map((c) => Date.parse(c.submittedAt));
    expect(submitted).toEqual([...submitted].sort((a, b) => b - a));

    const theirs = await eventually(() => myCases(company), (page) => page.cases.length > 0, "the company's case in the read model");
    expect(theirs.cases).toEqual([expect.objectContaining({ caseId: companyCase.caseId, caseNumber: companyCase.caseNumber, bundleId: 'enterprise-deregistration' })]);
  });

  it('pages with keyset tokens bound to the applicant', async () => {
    const first = await myCases(wang, '?pageSize=2');
    expect(first.cases.map((c) => c.caseId)).toEqual([wangCases[2], wangCases[1]]);
    expect(first.nextPageToken).toBeDefined();
    const second = await myCases(wang, `?pageSize=2&pageToken=${first.nextPageToken}`);
    expect(second.cases.map((c) => c.caseId)).toEqual([wangCases[0]]);
    expect(second.nextPageToken).toBeUndefined();

    // Wang's token means nothing for the company: refused, not her next page.
    const stolen = await call(company, 'GET', `/me/cases?pageSize=2&pageToken=${first.nextPageToken}`);
    expect(stolen.status).toBe(400);
    expect(((await stolen.json()) as { type: string }).type).toBe('/problems/malformed-request');
  });

  it('is for signed-in applicants only: officers and API keys 403, nobody 401', async () => {
    const officer = await call((await signIn(oidc.issuer, 'gov-service-window')).access_token, 'GET', '/me/cases');
    expect(officer.status).toBe(403);
    expect(((await officer.json()) as { detail: string }).detail).toContain('applicant');
    expect((await call(stack.tokens.integrator, 'GET', '/me/cases')).status).toBe(403);
    expect((await call(undefined, 'GET', '/me/cases')).status).toBe(401);
  });
});
