/**
 * What the window and the inboxes see at acceptance and dispatch, over HTTP on a real dev server (the
 * inbox is a visibility query): materials from electronic licences the library does not hold, and
 * items that have no card yet.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemWorkflowId } from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
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
/** 李芳: ordinary credit; her ID card expired in 2020, so the library returns none (licences.json). */
const LI_FANG = '420106198511200025';

/** A restaurant application by 李芳 that leaves her ID card to the library, as integrators do. */
function liFangApplication(bundleId = 'open-restaurant') {
  const application = restaurantApplication({ subjectId: LI_FANG });
  return {
    ...application,
    bundleId,
    applicant: { ...application.applicant, name: '李芳' },
    form: { ...application.form, applicantName: '李芳', applicantIdNumber: LI_FANG },
    materials: application.materials.filter((m) => m.id !== 'applicant-id-card'),
  };
}

async function startCase(body: object): Promise<string> {
  const response = await stack.as('integrator', { method: 'POST', url: '/cases', payload: body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().caseId;
}

const accept = (caseId: string, payload: object = {}) => stack.as(WINDOW, { method: 'POST', url: `/cases/${caseId}/accept`, payload });

describe('POST /cases/:caseId/accept with a material from a licence the library does not hold', () => {
  it('starts the case, then answers 422 naming the material when the applicant’s ID card has expired', async () => {
    const prefilled = (await stack.as('integrator', { method: 'GET', url: `/definitions/open-restaurant/prefill?subject=${LI_FANG}` })).json();
    expect(prefilled.materialsToUpload).toContain('applicant-id-card');

    const caseId = await startCase(liFangApplication());
    const materials = (await stack.as('integrator', { method: 'GET', url: `/cases/${caseId}/materials` })).json();
    expect(materials.map((m: { material: string }) => m.material)).not.toContain('applicant-id-card');

    for (const payload of [{}, { tolerateMissing: true }]) {
      const refused = await accept(caseId, payload);
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json()).toMatchObject({ type: '/problems/not-eligible', errors: [{ path: '/materials/applicant-id-card' }] });
    }
    const progress = (await stack.as('supervisor', { method: 'GET', url: `/cases/${caseId}` })).json();
    expect(progress.status).toBe('submitted');
  });

  it('accepts on a commitment for the licence material when the bundle tolerates it', async () => {
    // The restaurant bundle with the ID card tolerable, used only by items that accept commitments.
    const definition = structuredClone(stack.registry.get('open-restaurant').definition);
    definition.id = 'open-restaurant-tolerant';
    definition.materials.find((m) => m.id === 'applicant-id-card')!.tolerable = true;
    definition.materials.find((m) => m.id === 'applicant-id-card')!.commitmentDays = 3;
    for (const item of definition.items.filter((i) => i.commitments === 'forbidden')) {
      item.materials = item.materials.filter((m) => m !== 'applicant-id-card');
    }
    const published = await stack.as('designer', { method: 'POST', url: '/definitions', payload: definition });
    expect(published.statusCode, published.body).toBe(201);

    const caseId = await startCase(liFangApplication(definition.id));
    const plain = await accept(caseId);
    expect(plain.statusCode, plain.body).toBe(422);
    expect(plain.json()).toMatchObject({ type: '/problems/invalid-request', errors: [{ path: '/materials/applicant-id-card' }] });

    const accepted = await accept(caseId, { tolerateMissing: true });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().commitment).toMatchObject({
      status: 'open',
      grants: ['business-licence', 'tobacco-permit'],
      materials: [{ material: 'applicant-id-card', status: 'missing' }],
    });
  });
});

describe('GET /departments/:department/inbox?card=none', () => {
  it('finds a freshly dispatched item that has no card yet, as does the visibility query Card = none', async () => {
    const caseId = await startCase(restaurantApplication());
    expect((await accept(caseId)).statusCode).toBe(200);

    const inbox = await eventually(
      () => stack.as('officer-market-regulation', { method: 'GET', url: '/departments/market-regulation/inbox?card=none' }).then((r) => r.json()),
      (page: { items: Array<{ caseId: string; itemId: string }> }) => page.items.some((i) => i.caseId === caseId && i.itemId === 'business-licence'),
      'the fresh item in the card=none inbox',
    );
    expect(inbox.items.find((i: { caseId: string }) => i.caseId === caseId)).toMatchObject({ status: 'in-review', card: 'none' });

    const ids: string[] = [];
    for await (const execution of env.client.workflow.list({ query: `CaseId = '${caseId}' AND Card = 'none'` })) ids.push(execution.workflowId);
    expect(ids).toContain(itemWorkflowId(caseId, 'business-licence'));
  });
});
