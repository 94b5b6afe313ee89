/**
 * What officers see of an application over HTTP: the one form as submitted (pre-filled fields marked)
 * and the uploaded bytes of each material, sandboxed, with the sha256 as ETag — for whom may read the
 * case, and for no one else (the applicant of another case, a department without an item in it).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Of } from '../../../adapters/blobs';
import { BearerAuthenticator, JwtAuthenticator } from '../../../api/oidc';
import { MATERIAL_LINK_TTL_SECONDS, openMaterialLink, sealMaterialLink } from '../../../api/routes/department/case-files';
import { restaurantApplication } from '../../fixtures/applications';
import { signIn, startTestOidc, type TestOidc } from '../../helpers/oidc';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { createDevServerEnv } from '../../helpers/temporal-env';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

let env: TestWorkflowEnvironment;
let oidc: TestOidc;
let stack: Stack;
/** The restaurant's applicant (王小明), and another applicant (a company). */
let wang: string;
let company: string;
let caseId: string;

const get = (who: string, url: string, headers: Record<string, string> = {}) =>
  who.startsWith('token:') ? stack.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${who.slice(6)}`, ...headers } }) : stack.as(who, { method: 'GET', url, headers });

async function upload(material: string, bytes: Buffer, type: string): Promise<string> {
  const r = await stack.as('integrator', { method: 'POST', url: `/definitions/open-restaurant/materials/${material}/uploads`, payload: bytes, headers: { 'content-type': type } });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().sha256;
}

beforeAll(async () => {
  [env, oidc] = await Promise.all([createDevServerEnv(), startTestOidc()]);
  const verifier = new JwtAuthenticator({ issuer: oidc.issuer, audience: oidc.audience });
  stack = await startStack(env, { authenticator: (apiKeys) => new BearerAuthenticator(verifier, apiKeys) });
  [wang, company] = await Promise.all([signIn(oidc.issuer, 'wang-xiaoming'), signIn(oidc.issuer, 'yijianshi-tech')]).then((t) => t.map((x) => `token:${x.access_token}`));
  // Her ID card is left to the licence library (免证明); the premises proof is an uploaded PNG.
  const application = restaurantApplication({ sellsTobacco: false });
  const premises = await upload('premises-proof', PNG, 'image/png');
  const materials = application.materials.filter((m) => m.id !== 'applicant-id-card').map((m) => (m.id === 'premises-proof' ? { id: m.id, sha256: premises } : m));
  const started = await stack.as('integrator', { method: 'POST', url: '/cases', payload: { ...application, materials } });
  expect(started.statusCode, started.body).toBe(201);
  caseId = started.json().caseId;
  const accepted = await stack.as('window-gov-service', { method: 'POST', url: `/cases/${caseId}/accept`, payload: {} });
  expect(accepted.statusCode, accepted.body).toBe(200);
});
afterAll(async () => {
  await stack?.close();
  await oidc?.close();
  await env?.teardown();
});

describe('GET /cases/:caseId/form', () => {
  it('answers the submitted values with the fields the licence library filled marked, to a department with an item in the case', async () => {
    const r = await get('officer-market-regulation', `/cases/${caseId}/form`);
    expect(r.statusCode, r.body).toBe(200);
    const form = r.json();
    expect(form).toMatchObject({ caseId, bundleId: 'open-restaurant', bundleVersion: 1, values: { shopName: '小明热干面馆', applicantName: '王小明', sellsTobacco: false } });
    expect(form.prefilled).toEqual(['applicantName', 'applicantIdNumber']);
    expect(form.prefilledFrom.applicantName).toEqual({ licenceType: 'resident-id-card', attribute: 'name' });
    expect(form.prefilled).not.toContain('applicantPhone');
  });

  it('answers the applicant, the window and supervisors too (200)', async () => {
    for (const who of [wang, 'window-gov-service', 'supervisor', 'integrator']) expect((await get(who, `/cases/${caseId}/form`)).statusCode, who.slice(0, 20)).toBe(200);
  });

  it('refuses the applicant of another case and a department without an item (403), and tells nothing of the form', async () => {
    for (const who of [company, 'officer-public-security', 'officer-tobacco', 'designer']) {
      const r = await get(who, `/cases/${caseId}/form`);
      expect(r.statusCode, who.slice(0, 20)).toBe(403);
      expect(r.body).not.toContain('小明热干面馆');
    }
    expect((await stack.app.inject({ method: 'GET', url: `/cases/${caseId}/form` })).statusCode).toBe(401);
  });

  it('answers 404 for a case that does not exist', async () => {
    expect((await get('supervisor', '/cases/nosuchcase0001/form')).statusCode).toBe(404);
  });
});

describe('GET /cases/:caseId/materials/:material/content', () => {
  const url = () => `/cases/${caseId}/materials/premises-proof/content`;

  it('streams the uploaded bytes with their media type, inline and sandboxed, the sha256 as ETag', async () => {
    const r = await get('officer-market-regulation', url());
    expect(r.statusCode, r.body).toBe(200);
    expect(r.rawPayload.equals(PNG)).toBe(true);
    expect(r.headers['content-type']).toBe('image/png');
    expect(r.headers['content-disposition']).toBe(`inline; filename="premises-proof.png"; filename*=UTF-8''${encodeURIComponent('经营场所使用证明（租赁合同或产权证明）.png').replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(String(r.headers['content-security-policy'])).toMatch(/^sandbox;/);
    expect(String(r.headers['content-security-policy'])).toContain("default-src 'none'");
    expect(r.headers.etag).toBe(`"${sha256Of(PNG)}"`);
    expect(r.headers['cache-control']).toBe('no-store'); // personal documents stay out of caches; clients that keep them revalidate by ETag
  });

  it('answers 304 without the bytes when If-None-Match names its ETag (strong or weak), 200 for another', async () => {
    const etag = `"${sha256Of(PNG)}"`;
    for (const tag of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const r = await get('officer-market-regulation', url(), { 'if-none-match': tag });
      expect(r.statusCode, tag).toBe(304);
      expect(r.rawPayload.length).toBe(0);
      expect(r.headers.etag).toBe(etag);
    }
    expect((await get('officer-market-regulation', url(), { 'if-none-match': `"${'0'.repeat(64)}"` })).statusCode).toBe(200);
  });

  it('answers the applicant, the window and supervisors; refuses another applicant and uninvolved departments (403)', async () => {
    for (const who of [wang, 'window-gov-service', 'supervisor']) expect((await get(who, url())).statusCode, who.slice(0, 20)).toBe(200);
    for (const who of [company, 'officer-public-security', 'officer-tobacco', 'designer']) {
      const r = await get(who, url());
      expect(r.statusCode, who.slice(0, 20)).toBe(403);
      expect(r.headers['content-type']).toContain('application/problem+json');
    }
    // Refused before the case is looked at: an unknown case is a 404 only to those who may read cases.
    expect((await get('supervisor', '/cases/nosuchcase0001/materials/premises-proof/content')).statusCode).toBe(404);
  });

  it('answers 404 problems for a licence-supplied material, a material declared without upload, and one the case lacks', async () => {
    const licence = await get('officer-market-regulation', `/cases/${caseId}/materials/applicant-id-card/content`);
    expect(licence.statusCode).toBe(404);
    expect(licence.json()).toMatchObject({ type: '/problems/not-found' });
    expect(licence.json().detail).toContain('electronic licence (resident-id-card:420104199003071234)');
    const declared = await get('officer-market-regulation', `/cases/${caseId}/materials/food-safety-rules/content`);
    expect(declared.statusCode).toBe(404);
    expect(declared.json().detail).toContain('without an upload');
    const missing = await get('officer-market-regulation', `/cases/${caseId}/materials/no-such-material/content`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toContain('has no material');
  });

  it('answers 401 without a key', async () => {
    expect((await stack.app.inject({ method: 'GET', url: url() })).statusCode).toBe(401);
  });

  it('serves the bytes supplied last: a supplement replaces the application\'s upload', async () => {
    await eventually(() => get('supervisor', `/cases/${caseId}`).then((r) => r.json()), (p) => p.items.find((i: { id: string }) => i.id === 'business-licence')?.status === 'in-review', 'dispatch');
    const asked = await stack.as('officer-market-regulation', {
      method: 'POST',
      url: `/cases/${caseId}/items/business-licence/supplement-requests`,
      payload: { reason: '场所证明不清晰', materials: [{ material: 'premises-proof', description: '清晰的场所证明' }] },
    });
    expect(asked.statusCode, asked.body).toBe(200);
    await eventually(() => get('supervisor', `/cases/${caseId}`).then((r) => r.json()), (p) => p.items.find((i: { id: string }) => i.id === 'business-licence')?.status === 'supplementing', 'supplementing');
    const sha256 = await upload('premises-proof', PDF, 'application/pdf');
    const supplied = await stack.as('integrator', { method: 'POST', url: `/cases/${caseId}/supplements`, payload: { itemId: 'business-licence', materials: [{ id: 'premises-proof', sha256 }] } });
    expect(supplied.statusCode, supplied.body).toBe(200);
    await eventually(() => get('supervisor', `/cases/${caseId}`).then((r) => r.json()), (p) => Boolean(p.items.find((i: { id: string }) => i.id === 'business-licence')?.supplements?.[0]?.suppliedAt), 'the supplement');
    const r = await get('officer-market-regulation', url());
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers.etag).toBe(`"${sha256}"`);
    expect(r.rawPayload.equals(PDF)).toBe(true);
  });
});

describe('POST /cases/:caseId/materials/:material/links', () => {
  const mint = (who: string, material = 'premises-proof') =>
    who.startsWith('token:')
      ? stack.app.inject({ method: 'POST', url: `/cases/${caseId}/materials/${material}/links`, headers: { authorization: `Bearer ${who.slice(6)}` } })
      : stack.as(who, { method: 'POST', url: `/cases/${caseId}/materials/${material}/links` });

  it('makes a link a browser tab opens without a key: the same bytes and sandboxed headers, for two minutes', async () => {
    const before = Date.now();
    const minted = await mint('officer-market-regulation');
    expect(minted.statusCode, minted.body).toBe(201);
    const link = minted.json();
    expect(link.url).toMatch(/^\/material-links\?token=[A-Za-z0-9_-]+$/);
    expect(Date.parse(link.expiresAt) - before).toBeLessThanOrEqual(MATERIAL_LINK_TTL_SECONDS * 1000 + 1000);
    const opened = await stack.app.inject({ method: 'GET', url: link.url }); // no authorization header
    expect(opened.statusCode, opened.body).toBe(200);
    const direct = await get('officer-market-regulation', `/cases/${caseId}/materials/premises-proof/content`);
    expect(opened.rawPayload.equals(direct.rawPayload)).toBe(true);
    expect(opened.headers.etag).toBe(`"${link.sha256}"`);
    for (const header of ['content-type', 'content-disposition', 'x-content-type-options', 'content-security-policy']) expect(opened.headers[header], header).toBe(direct.headers[header]);
    expect((await stack.app.inject({ method: 'GET', url: link.url, headers: { 'if-none-match': `"${link.sha256}"` } })).statusCode).toBe(304);
  });

  it('refuses a link to whom may not read the case (403), and for a licence material (404)', async () => {
    for (const who of [company, 'officer-public-security', 'officer-tobacco']) expect((await mint(who)).statusCode, who.slice(0, 20)).toBe(403);
    expect((await mint(wang)).statusCode).toBe(201);
    expect((await mint('officer-market-regulation', 'applicant-id-card')).statusCode).toBe(404);
  });

  it('opens no link it did not make, none altered, and none expired (404)', async () => {
    const { url: link } = (await mint('supervisor')).json();
    const token: string = link.split('=').pop();
    const altered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const bad of [altered, 'x', 'A'.repeat(200)]) {
      const r = await stack.app.inject({ method: 'GET', url: `/material-links?token=${bad}` });
      expect(r.statusCode, bad.slice(0, 10)).toBe(404);
      expect(r.headers['content-type']).toContain('application/problem+json');
    }
    const now = Date.now() / 1000;
    expect(openMaterialLink(token, now)).toMatchObject({ material: 'premises-proof' });
    expect(openMaterialLink(token, now + MATERIAL_LINK_TTL_SECONDS + 1)).toBeUndefined();
    const expired = sealMaterialLink({ sha256: sha256Of(PNG), material: 'premises-proof', expires: Math.floor(now) - 1 });
    expect((await stack.app.inject({ method: 'GET', url: `/material-links?token=${expired}` })).statusCode).toBe(404);
  });
});
