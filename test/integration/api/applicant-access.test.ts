/**
 * Applicants act for themselves (the web screens' applicant pages): a person signed in at the embedded
 * provider with a subject starts their own case, follows it, pre-fills from their own licences and
 * uploads materials — and is refused (403, nothing started or told) for anyone else's subject or case.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BearerAuthenticator, JwtAuthenticator } from '../../../api/oidc';
import { restaurantApplication } from '../../fixtures/applications';
import { signIn, startTestOidc, type TestOidc } from '../../helpers/oidc';
import { startStack, type Stack } from '../../helpers/stack';
import { createDevServerEnv } from '../../helpers/temporal-env';

const WANG = '420104199003071234';
const COMPANY = '91420100MA4K0000X1';

let env: TestWorkflowEnvironment;
let oidc: TestOidc;
let stack: Stack;
let wang: string;
let company: string;

beforeAll(async () => {
  [env, oidc] = await Promise.all([createDevServerEnv(), startTestOidc()]);
  const verifier = new JwtAuthenticator({ issuer: oidc.issuer, audience: oidc.audience });
  stack = await startStack(env, { authenticator: (apiKeys) => new BearerAuthenticator(verifier, apiKeys) });
  [wang, company] = await Promise.all([signIn(oidc.issuer, 'wang-xiaoming'), signIn(oidc.issuer, 'yijianshi-tech')]).then((t) => t.map((x) => x.access_token));
});
afterAll(async () => {
  await stack?.close();
  await oidc?.close();
  await env?.teardown();
});

const as = (token: string, method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  stack.app.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${token}`, ...headers } });

describe('an applicant signed in with their subject', () => {
  it('starts their own case (201) and follows it; another applicant is refused it (403)', async () => {
    const started = await as(wang, 'POST', '/cases', restaurantApplication({ sellsTobacco: false }));
    expect(started.statusCode, started.body).toBe(201);
    const caseId: string = started.json().caseId;
    const progress = await as(wang, 'GET', `/cases/${caseId}`);
    expect(progress.statusCode, progress.body).toBe(200);
    expect(progress.json()).toMatchObject({ caseId, status: 'submitted', applicant: { subjectId: WANG } });

    const other = await as(company, 'GET', `/cases/${caseId}`);
    expect(other.statusCode).toBe(403);
    expect(other.json().detail).not.toContain(WANG);
    expect((await as(company, 'GET', `/cases/${caseId}/documents`)).statusCode).toBe(403);
  });

  it('may not start a case for another subject (403, no case)', async () => {
    const refused = await as(company, 'POST', '/cases', restaurantApplication({ subjectId: WANG }), { 'idempotency-key': 'applicant-access-other' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().type).toBe('/problems/forbidden');
    // The same key with the integrator's key starts a case: the refused request left nothing behind.
    const integrator = await stack.as('integrator', { method: 'POST', url: '/cases', payload: restaurantApplication({ subjectId: WANG }), headers: { 'idempotency-key': 'applicant-access-other' } });
    expect(integrator.statusCode).toBe(201);
  });

  it('pre-fills the form from their own licences only', async () => {
    const own = await as(wang, 'GET', `/definitions/open-restaurant/prefill?subject=${WANG}`);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().form).toMatchObject({ applicantName: '王小明', applicantIdNumber: WANG });
    expect((await as(company, 'GET', `/definitions/open-restaurant/prefill?subject=${WANG}`)).statusCode).toBe(403);
    expect((await as(company, 'GET', `/definitions/open-restaurant/prefill?subject=${COMPANY}`)).statusCode).toBe(200);
  });

  it('uploads a material (201), with the same media-type rules (415)', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const uploaded = await as(wang, 'POST', '/definitions/open-restaurant/materials/premises-proof/uploads', pdf, { 'content-type': 'application/pdf' });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    expect(uploaded.json()).toMatchObject({ material: 'premises-proof', mediaType: 'application/pdf' });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const lying = await as(wang, 'POST', '/definitions/open-restaurant/materials/premises-proof/uploads', png, { 'content-type': 'application/pdf' });
    expect(lying.statusCode, lying.body).toBe(415);
  });

  it('is still no officer: accepting a case is refused (403)', async () => {
    const started = await as(wang, 'POST', '/cases', restaurantApplication({ sellsTobacco: false }));
    const accept = await as(wang, 'POST', `/cases/${started.json().caseId}/accept`, {});
    expect(accept.statusCode).toBe(403);
  });
});
