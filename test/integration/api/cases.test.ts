/**
 * Cases end to end over HTTP: the API app, a real Temporal dev server, a worker running the real
 * workflows, the repository's bundles.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseProgress, ItemView } from '../../../workflows/contract';
import { enterpriseApplication, restaurantApplication } from '../../fixtures/applications';
import { createDevServerEnv } from '../../helpers/temporal-env';
import { eventually, startStack, type Stack } from '../../helpers/stack';

let env: TestWorkflowEnvironment;
let stack: Stack;

beforeAll(async () => {
  env = await createDevServerEnv();
  stack = await startStack(env);
});
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
});

const WINDOW = 'window-gov-service';
const officer = (department: string) => `officer-${department}`;

async function startCase(body: object, key = `key-${Math.random()}`): Promise<string> {
  const response = await stack.as('integrator', { method: 'POST', url: '/cases', payload: body, headers: { 'idempotency-key': key } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().caseId;
}

async function progress(caseId: string): Promise<CaseProgress> {
  const response = await stack.as('supervisor', { method: 'GET', url: `/cases/${caseId}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

function until(caseId: string, accept: (p: CaseProgress) => boolean, what: string): Promise<CaseProgress> {
  return eventually(() => progress(caseId), accept, what);
}

const itemStatus = (p: CaseProgress, id: string) => p.items.find((i) => i.id === id)?.status;

async function accept(caseId: string): Promise<void> {
  const response = await stack.as(WINDOW, { method: 'POST', url: `/cases/${caseId}/accept`, payload: {} });
  expect(response.statusCode, response.body).toBe(200);
}

function decide(caseId: string, itemId: string, principal: string, decision: 'approve' | 'reject', payload: object = {}) {
  return stack.as(principal, { method: 'POST', url: `/cases/${caseId}/items/${itemId}/${decision}`, payload });
}

describe('a full open-restaurant case over HTTP', () => {
  it('completes with every result issued at once when all departments approve, the last three concurrently', async () => {
    const caseId = await startCase(restaurantApplication({ sellsTobacco: true }));
    expect((await progress(caseId)).status).toBe('submitted');

    await accept(caseId);
    await until(caseId, (p) => itemStatus(p, 'business-licence') === 'in-review', 'the licence check to be dispatched');
    const afterAccept = await progress(caseId);
    // Nothing downstream starts before the licence is approved.
    expect(afterAccept.items.filter((i) => i.id !== 'business-licence').every((i) => i.status === 'pending')).toBe(true);

    const first = await decide(caseId, 'business-licence', officer('market-regulation'), 'approve');
    expect(first.statusCode, first.body).toBe(200);
    expect((first.json() as ItemView).status).toBe('approved');

    const parallel = ['food-permit', 'outdoor-sign', 'fire-check', 'tobacco-permit'];
    const dispatched = await until(caseId, (p) => parallel.every((id) => itemStatus(p, id) === 'in-review'), 'the parallel items');
    // All four were with their departments at the same time.
    expect(parallel.every((id) => itemStatus(dispatched, id) === 'in-review')).toBe(true);

    const departments: Record<string, string> = {
      'food-permit': 'market-regulation',
      'outdoor-sign': 'urban-management',
      'fire-check': 'fire-rescue',
      'tobacco-permit': 'tobacco',
    };
    const decisions = await Promise.all(parallel.map((id) => decide(caseId, id, officer(departments[id]!), 'approve')));
    expect(decisions.map((d) => d.statusCode)).toEqual([200, 200, 200, 200]);

    const done = await until(caseId, (p) => p.status === 'completed', 'completion');
    expect(done.items.map((i) => i.status)).toEqual(['approved', 'approved', 'approved', 'approved', 'approved']);
    expect(done.results.map((r) => r.itemId).sort()).toEqual(['business-licence', ...parallel].sort());
    expect(new Set(done.results.map((r) => r.issuedAt)).size).toBe(1); // issued together, once
    expect(new Set(done.results.map((r) => r.certificateNumber)).size).toBe(5);
    for (const item of done.items) {
      expect(item.startedAt).toBeTruthy();
      expect(item.decidedAt).toBeTruthy();
      expect(item.decidedBy?.department).toBe(item.department);
    }
    const types = done.events.map((e) => e.type);
    expect(types[0]).toBe('submitted');
    expect(types).toContain('accepted');
    expect(types.filter((t) => t === 'item-dispatched')).toHaveLength(5);
    expect(types.filter((t) => t === 'item-approved')).toHaveLength(5);
    expect(types.slice(-2)).toEqual(['issuing', 'completed']);
    expect(await stack.documents.list(`${caseId}/`)).toHaveLength(5);
  });

  it('skips the tobacco item visibly when the applicant sells no tobacco', async () => {
    const caseId = await startCase(restaurantApplication({ sellsTobacco: false }));
    await accept(caseId);
    const p = await until(caseId, (x) => itemStatus(x, 'business-licence') === 'in-review', 'dispatch');
    const tobacco = p.items.find((i) => i.id === 'tobacco-permit')!;
    expect(tobacco.status).toBe('skipped');
    expect(tobacco.note).toMatch(/condition/);
    expect(p.events.some((e) => e.type === 'item-skipped' && e.item === 'tobacco-permit')).toBe(true);
  });
});

describe('POST /cases/:caseId/items/:itemId/reject', () => {
  it('ends the case as rejected and cancels the items still open', async () => {
    const caseId = await startCase(restaurantApplication({ sellsTobacco: true }));
    await accept(caseId);
    await until(caseId, (p) => itemStatus(p, 'business-licence') === 'in-review', 'dispatch');
    await decide(caseId, 'business-licence', officer('market-regulation'), 'approve');
    await until(caseId, (p) => itemStatus(p, 'fire-check') === 'in-review', 'parallel dispatch');
    await decide(caseId, 'outdoor-sign', officer('urban-management'), 'approve');

    const rejected = await decide(caseId, 'fire-check', officer('fire-rescue'), 'reject', { reason: '疏散通道宽度不足' });
    expect(rejected.statusCode, rejected.body).toBe(200);

    const done = await until(caseId, (p) => p.status === 'rejected' && p.items.every((i) => i.status !== 'in-review'), 'rejection');
    expect(done.rejection).toMatchObject({ item: 'fire-check', reason: '疏散通道宽度不足' });
    expect(itemStatus(done, 'fire-check')).toBe('rejected');
    expect(itemStatus(done, 'outdoor-sign')).toBe('approved');
    expect(itemStatus(done, 'food-permit')).toBe('cancelled');
    expect(itemStatus(done, 'tobacco-permit')).toBe('cancelled');
    expect(done.results).toEqual([]);
    expect(await stack.documents.list(`${caseId}/`)).toEqual([]);

    const late = await decide(caseId, 'food-permit', officer('market-regulation'), 'approve');
    expect(late.statusCode).toBe(409);
  });

  it('needs a reason', async () => {
    const caseId = await startCase(restaurantApplication());
    await accept(caseId);
    await until(caseId, (p) => itemStatus(p, 'business-licence') === 'in-review', 'dispatch');
    const response = await decide(caseId, 'business-licence', officer('market-regulation'), 'reject', { reason: '  ' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});

describe('decisions refused', () => {
  it('refuses a decision by the wrong department with 403 and changes nothing', async () => {
    const caseId = await startCase(restaurantApplication());
    await accept(caseId);
    await until(caseId, (p) => itemStatus(p, 'business-licence') === 'in-review', 'dispatch');

    const response = await decide(caseId, 'business-licence', officer('fire-rescue'), 'approve');
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ type: '/problems/wrong-department', status: 403 });
    expect(itemStatus(await progress(caseId), 'business-licence')).toBe('in-review');
  });

  it('refuses a second decision on a decided item with 409', async () => {
    const caseId = await startCase(restaurantApplication());
    await accept(caseId);
    await until(caseId, (p) => itemStatus(p, 'business-licence') === 'in-review', 'dispatch');
    expect((await decide(caseId, 'business-licence', officer('market-regulation'), 'approve')).statusCode).toBe(200);
    const again = await decide(caseId, 'business-licence', officer('market-regulation'), 'reject', { reason: 'changed my mind' });
    expect(again.statusCode).toBe(409);
    expect(again.json().type).toBe('/problems/illegal-transition');
  });

  it('refuses an item that waits for its dependencies with 409, and an unknown item with 404', async () => {
    const caseId = await startCase(restaurantApplication());
    await accept(caseId);
    await until(caseId, (p) => itemStatus(p, 'business-licence') === 'in-review', 'dispatch');
    const waiting = await decide(caseId, 'food-permit', officer('market-regulation'), 'approve');
    expect(waiting.statusCode).toBe(409);
    expect(waiting.json().detail).toMatch(/waiting/);
    const unknown = await decide(caseId, 'no-such-item', officer('market-regulation'), 'approve');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().type).toBe('/problems/unknown-item');
  });

  it('refuses acceptance by a department that is not the window, and a second acceptance', async () => {
    const caseId = await startCase(restaurantApplication());
    const notWindow = await stack.as(officer('fire-rescue'), { method: 'POST', url: `/cases/${caseId}/accept`, payload: {} });
    expect(notWindow.statusCode).toBe(403);
    await accept(caseId);
    const twice = await stack.as(WINDOW, { method: 'POST', url: `/cases/${caseId}/accept`, payload: {} });
    expect(twice.statusCode).toBe(409);
  });

  it('refuses a case at the window with reasons, and nothing is dispatched', async () => {
    const caseId = await startCase(restaurantApplication());
    const response = await stack.as(WINDOW, { method: 'POST', url: `/cases/${caseId}/refuse`, payload: { reasons: ['经营场所与营业执照地址不一致'] } });
    expect(response.statusCode, response.body).toBe(200);
    const p = await until(caseId, (x) => x.status === 'refused', 'refusal');
    expect(p.refusal?.reasons).toEqual(['经营场所与营业执照地址不一致']);
    expect(p.items.every((i) => i.status === 'pending')).toBe(true);
  });
});

describe('POST /cases idempotency', () => {
  it('returns the same case for the same Idempotency-Key, never a second one', async () => {
    const key = `idem-${Math.random()}`;
    const body = enterpriseApplication();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => stack.as('integrator', { method: 'POST', url: '/cases', payload: body, headers: { 'idempotency-key': key } })),
    );
    const ids = new Set(responses.map((r) => r.json().caseId));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(4);

    const again = await stack.as('integrator', { method: 'POST', url: '/cases', payload: body, headers: { 'idempotency-key': key } });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().caseId).toBe([...ids][0]);

    const caseId = [...ids][0]!;
    const visible = await eventually(() => countCases(caseId), (n) => n >= 1, 'the case in visibility');
    expect(visible).toBe(1);
  });

  it('refuses the same key with a different request with 422', async () => {
    const key = `idem-${Math.random()}`;
    await startCase(enterpriseApplication('91420100MA4K0000X1'), key);
    const response = await stack.as('integrator', { method: 'POST', url: '/cases', payload: enterpriseApplication('91420100MA4K9999X9'), headers: { 'idempotency-key': key } });
    expect(response.statusCode).toBe(422);
    expect(response.json().type).toBe('/problems/idempotency-key-reused');
  });
});

async function countCases(caseId: string): Promise<number> {
  let n = 0;
  for await (const _ of env.client.workflow.list({ query: `CaseId = '${caseId}' AND WorkflowType = 'caseWorkflow'` })) n++;
  return n;
}

describe('published versions and running cases', () => {
  it('keeps the plan a case started with after a new version of its bundle is published', async () => {
    const caseId = await startCase(enterpriseApplication(), `pin-${Math.random()}`);
    const before = await progress(caseId);
    expect(before.bundleVersion).toBe(1);

    const current = stack.registry.get('enterprise-startup').definition;
    const v2 = { ...current, version: 2, title: { zh: '企业开办（第二版）', en: 'Business start-up (v2)' }, items: current.items.filter((i) => i.id !== 'housing-fund') };
    const published = await stack.as('designer', { method: 'POST', url: '/definitions', payload: v2 });
    expect(published.statusCode, published.body).toBe(201);

    await accept(caseId);
    await until(caseId, (p) => itemStatus(p, 'business-registration') === 'in-review', 'dispatch');
    await decide(caseId, 'business-registration', officer('market-regulation'), 'approve');
    const running = await until(caseId, (p) => itemStatus(p, 'housing-fund') === 'in-review', 'the v1-only item to be dispatched');
    expect(running.bundleVersion).toBe(1);
    expect(running.planHash).toBe(before.planHash);
    expect(running.items.map((i) => i.id)).toContain('housing-fund');

    const newCase = await startCase(enterpriseApplication('91420100MA4K1111X1'));
    const fresh = await progress(newCase);
    expect(fresh.bundleVersion).toBe(2);
    expect(fresh.items.map((i) => i.id)).not.toContain('housing-fund');
  });
});

describe('GET /departments/:department/inbox', () => {
  it("lists the department's items nearest deadline first, then first come first served, paginated, and only to that department", async () => {
    const first = await startCase(restaurantApplication());
    const second = await startCase(restaurantApplication());
    for (const caseId of [first, second]) {
      await accept(caseId);
      await until(caseId, (p) => itemStatus(p, 'business-licence') === 'in-review', 'dispatch');
    }
    const inbox = (query = '') => stack.as(officer('market-regulation'), { method: 'GET', url: `/departments/market-regulation/inbox?status=in-review${query}` });
    const page = await eventually(
      async () => (await inbox('&pageSize=100')).json(),
      (body: { items: Array<{ caseId: string }> }) => [first, second].every((id) => body.items.some((i) => i.caseId === id)),
      'both cases in the inbox',
    );
    const order = page.items.map((i: { caseId: string }) => i.caseId);
    // Same limit, same deadline (the end of the same working day): the first dispatched comes first.
    expect(order.indexOf(first)).toBeLessThan(order.indexOf(second));
    const deadlines = (page.items as Array<{ deadline?: string }>).map((i) => i.deadline ?? '9999');
    expect(deadlines).toEqual([...deadlines].sort());
    const entry = page.items.find((i: { caseId: string }) => i.caseId === second);
    expect(entry).toMatchObject({ itemId: 'business-licence', department: 'market-regulation', status: 'in-review', bundleId: 'open-restaurant', code: expect.any(String) });

    const one = (await inbox('&pageSize=1')).json();
    expect(one.items).toHaveLength(1);
    expect(one.nextPageToken).toBeTruthy();
    const next = (await inbox(`&pageSize=1&pageToken=${one.nextPageToken}`)).json();
    expect(next.items).toHaveLength(1);
    expect(next.items[0].caseId).not.toBe(one.items[0].caseId);

    const foreign = await stack.as(officer('fire-rescue'), { method: 'GET', url: '/departments/market-regulation/inbox' });
    expect(foreign.statusCode).toBe(403);
  });
});

describe('bad input', () => {
  it('answers 401 without a key and 403 for the wrong role', async () => {
    expect((await stack.app.inject({ method: 'GET', url: '/definitions' })).statusCode).toBe(401);
    const response = await stack.as(officer('tobacco'), { method: 'POST', url: '/cases', payload: restaurantApplication() });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('answers 400 with the path for a malformed body', async () => {
    const response = await stack.as('integrator', { method: 'POST', url: '/cases', payload: { bundleId: 'open-restaurant', applicant: { kind: 'alien' } } });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.type).toBe('/problems/malformed-request');
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['/body/applicant/kind', '/body/applicant/subjectId']));
  });

  it('answers 422 naming every invalid field of the form', async () => {
    const application = restaurantApplication();
    const form: Record<string, unknown> = { ...application.form, applicantPhone: '12', seatCount: 'many', shopName: undefined, nonsense: 1 };
    delete form.shopName;
    const response = await stack.as('integrator', { method: 'POST', url: '/cases', payload: { ...application, form } });
    expect(response.statusCode).toBe(422);
    const paths = response.json().errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['/form/applicantPhone', '/form/nonsense', '/form/seatCount', '/form/shopName']);
  });

  it('answers 404 for an unknown bundle, case or version', async () => {
    expect((await stack.as('integrator', { method: 'POST', url: '/cases', payload: { ...restaurantApplication(), bundleId: 'no-such-bundle' } })).statusCode).toBe(404);
    expect((await stack.as('integrator', { method: 'POST', url: '/cases', payload: { ...restaurantApplication(), version: 99 } })).statusCode).toBe(404);
    expect((await stack.as('supervisor', { method: 'GET', url: '/cases/abc123' })).statusCode).toBe(404);
  });

  it('never answers 500 to garbage', async () => {
    const attempts = [
      { method: 'POST' as const, url: '/cases', payload: 'not json', headers: { 'content-type': 'application/json' } },
      { method: 'POST' as const, url: '/cases', payload: '[]', headers: { 'content-type': 'application/json' } },
      { method: 'POST' as const, url: '/cases/UPPER/accept', payload: {} },
      { method: 'GET' as const, url: '/departments/market-regulation/inbox?pageSize=-1' },
      { method: 'GET' as const, url: '/departments/market-regulation/inbox?pageToken=AAAA' },
      { method: 'POST' as const, url: '/definitions', payload: { id: 5 } },
      { method: 'POST' as const, url: '/definitions/validate', payload: '"str"', headers: { 'content-type': 'application/json' } },
      { method: 'GET' as const, url: '/definitions/open-restaurant/versions/abc' },
    ];
    for (const attempt of attempts) {
      const response = await stack.as('supervisor', attempt);
      expect(response.statusCode, `${attempt.method} ${attempt.url}: ${response.body}`).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, `${attempt.method} ${attempt.url}: ${response.body}`).toBeLessThan(500);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });
});

describe('POST /cases/:caseId/accept with missing materials', () => {
  const without = (ids: string[]) => {
    const application = restaurantApplication();
    return { ...application, materials: application.materials.filter((m) => !ids.includes(m.id)) };
  };

  it('answers 422 naming each missing core material', async () => {
    const caseId = await startCase(without(['fire-safety-plan', 'food-safety-rules']));
    const response = await stack.as(WINDOW, { method: 'POST', url: `/cases/${caseId}/accept`, payload: { tolerateMissing: true } });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ type: '/problems/not-eligible' });
    expect(response.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['/materials/fire-safety-plan', '/materials/food-safety-rules']);
  });

  it('accepts on a commitment, serves the sealed letter and takes the promised material', async () => {
    const caseId = await startCase(without(['sign-design']));
    const plain = await stack.as(WINDOW, { method: 'POST', url: `/cases/${caseId}/accept`, payload: {} });
    expect(plain.statusCode).toBe(422);
    const accepted = await stack.as(WINDOW, { method: 'POST', url: `/cases/${caseId}/accept`, payload: { tolerateMissing: true } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().commitment).toMatchObject({ status: 'open', grants: ['outdoor-sign'], materials: [{ material: 'sign-design', status: 'missing' }] });

    const documents = (await stack.as('integrator', { method: 'GET', url: `/cases/${caseId}/documents` })).json();
    const letter = documents.find((d: { type: string }) => d.type === 'commitment-letter');
    const verified = await stack.app.inject({ method: 'POST', url: '/seals/verify', payload: { document: letter.document, seal: letter.seal } });
    expect(verified.json()).toMatchObject({ status: 'valid', department: 'gov-service' });

    const wrong = await stack.as('integrator', { method: 'POST', url: `/cases/${caseId}/commitment/materials`, payload: { materials: [{ id: 'fire-safety-plan' }] } });
    expect(wrong.statusCode).toBe(422);
    const supplied = await stack.as('integrator', { method: 'POST', url: `/cases/${caseId}/commitment/materials`, payload: { materials: [{ id: 'sign-design', ref: 'upload-9' }] } });
    expect(supplied.statusCode, supplied.body).toBe(200);
    expect(supplied.json().commitment.status).toBe('fulfilled');
  });
});

describe('one set of materials (newborn)', () => {
  const MOTHER = '420111199205154321'; // her ID card, household register and marriage certificate are in the library
  const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(256, 7)]);

  it('asks the applicant for neither the ID card nor the household book, and pre-fills the form', async () => {
    const prefilled = (await stack.as('integrator', { method: 'GET', url: `/definitions/newborn/prefill?subject=${MOTHER}` })).json();
    expect(prefilled.materialsToUpload).toEqual(['child-photo']);
    const uploaded = await stack.as('integrator', {
      method: 'POST',
      url: '/definitions/newborn/materials/child-photo/uploads',
      payload: PNG,
      headers: { 'content-type': 'image/png' },
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);

    // Only what the state does not hold: the child's details and the photo.
    const application = {
      bundleId: 'newborn',
      applicant: { subjectId: MOTHER, kind: 'person', name: '张丽' },
      form: {
        childName: '陈思远',
        childGender: 'male',
        childBirthDate: '2026-11-10',
        birthHospital: '武汉市妇幼保健院',
        householdOf: 'father',
        guardianPhone: '13800138001',
        socialCardBank: 'icbc',
      },
      materials: [{ id: 'child-photo', sha256: uploaded.json().sha256 }],
    };
    const caseId = await startCase(application);
    const materials = (await stack.as('integrator', { method: 'GET', url: `/cases/${caseId}/materials` })).json();
    const byId = Object.fromEntries(materials.map((m: { material: string }) => [m.material, m]));
    expect(byId['parents-id-cards'].ref).toMatch(/^licence:resident-id-card:/);
    expect(byId['household-book'].ref).toMatch(/^licence:household-register:/);
    expect(byId['parents-id-cards'].items).toEqual(['birth-certificate', 'household-registration', 'social-security-card']);
    expect(byId['child-photo']).toMatchObject({ sha256: uploaded.json().sha256, items: ['social-security-card'] });

    const accepted = await stack.as('window-health', { method: 'POST', url: `/cases/${caseId}/accept`, payload: {} });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().commitment).toBeUndefined(); // nothing was missing
  });

  it('refuses a material that names an upload this API never stored', async () => {
    const response = await stack.as('integrator', {
      method: 'POST',
      url: '/cases',
      payload: { ...restaurantApplication(), materials: [...restaurantApplication().materials.filter((m) => m.id !== 'sign-design'), { id: 'sign-design', sha256: 'a'.repeat(64) }] },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([expect.objectContaining({ code: 'unknown-upload' })]);
  });
});
