/**
 * Who may do what, end to end on a real Temporal dev server: every operation of the served OpenAPI
 * document × every kind of principal, each cell against the table below. A new operation without a
 * row fails the test. Requests are well-formed and the case is in the state the operation needs, so
 * a cell's status is the authorization decision, not a validation or state error.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseProgress } from '../../../workflows/contract';
import { restaurantApplication } from '../../fixtures/applications';
import { createDevServerEnv } from '../../helpers/temporal-env';
import { eventually, startStack, type Stack } from '../../helpers/stack';

let env: TestWorkflowEnvironment;
let stack: Stack;

/** Open-restaurant with a clock-pausing inspection on the business licence (for the special-step routes). */
const BUNDLE = 'authz-restaurant';
const ITEM = 'business-licence';
const SUBJECT = '420104199003071234';

beforeAll(async () => {
  env = await createDevServerEnv();
  stack = await startStack(env, { principals: [{ id: 'admin', roles: ['admin'] }], keyFile: true });
  await stack.registry.publish(variantDefinition(), 'api');
});
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
});

function variantDefinition(): Record<string, unknown> {
  const base = structuredClone(stack.registry.get('open-restaurant').definition) as unknown as {
    items: Array<{ id: string; steps: Array<Record<string, unknown>> }>;
  } & Record<string, unknown>;
  const licence = base.items.find((i) => i.id === ITEM)!;
  licence.steps.splice(2, 0, { id: 'site-visit', title: { zh: '现场核查', en: 'Site visit' }, kind: 'inspection', countsTowardLimit: false });
  return { ...base, id: BUNDLE };
}

/** A case without tobacco: the tobacco department's conditional item is skipped. Materials are declared, or uploaded (`uploads`: sha256 by id). */
function application(options: { without?: string[]; uploads?: Record<string, string> } = {}) {
  const app = restaurantApplication({ sellsTobacco: false, subjectId: SUBJECT });
  const materials = app.materials.filter((m) => !(options.without ?? []).includes(m.id)).map((m) => (options.uploads?.[m.id] ? { id: m.id, sha256: options.uploads[m.id] } : m));
  return { ...app, bundleId: BUNDLE, materials };
}

// --- principals --------------------------------------------------------------------------------

const COLUMNS = ['none', 'integrator', 'window', 'designer', 'supervisor', 'admin', 'officer', 'uninvolved', 'skipped'] as const;
type Column = (typeof COLUMNS)[number];

/** The principal behind a column; `officer` is the department the operation's target belongs to. */
function principalOf(column: Column, right: string): string | undefined {
  switch (column) {
    case 'none':
      return undefined;
    case 'window':
      return 'window-gov-service'; // the bundle's window
    case 'officer':
      return `officer-${right}`;
    case 'uninvolved':
      return 'officer-public-security'; // no item in this bundle
    case 'skipped':
      return 'officer-tobacco'; // its item's condition does not hold
    default:
      return column;
  }
}

// --- the table ---------------------------------------------------------------------------------

//                                 none integ window design superv admin officer uninv skipped
const ANY = /*                  */ [200, 200, 200, 200, 200, 200, 200, 200, 200];
const KEYED = /*                */ [401, 200, 200, 200, 200, 200, 200, 200, 200];
const CASE_READ = /*            */ [401, 200, 200, 403, 200, 200, 200, 403, 403];
const WINDOW_ACT = /*           */ [401, 403, 200, 403, 403, 403, 403, 403, 403];
const ITEM_ACT = /*             */ [401, 403, 403, 403, 403, 403, 200, 403, 403];
const APPLICANT_SIDE = /*       */ [401, 200, 200, 403, 403, 200, 403, 403, 403];
const PEOPLE_ONLY = /*          */ [401, 403, 403, 403, 403, 403, 403, 403, 403];

const EXPECTED: Record<string, number[]> = {
  health: ANY,
  getDefinitionSchema: ANY,
  getLifecycle: ANY,
  getProblemType: ANY,
  verifySeal: ANY,
  listSealKeys: ANY,
  listDefinitions: KEYED,
  getDefinition: KEYED,
  listDefinitionVersions: KEYED,
  getDefinitionVersion: KEYED,
  validateDefinition: KEYED,
  publishDefinition: /*         */ [401, 403, 403, 200, 403, 200, 403, 403, 403],
  getForm: KEYED,
  previewForm: /*               */ [401, 403, 403, 200, 403, 200, 403, 403, 403],
  getFormTypes: KEYED,
  getReductions: KEYED,
  getPrefill: APPLICANT_SIDE,
  uploadMaterial: /*            */ [401, 201, 201, 403, 403, 201, 403, 403, 403],
  startCase: /*                 */ [401, 201, 201, 403, 403, 201, 403, 403, 403],
  getCaseProgress: CASE_READ,
  listCaseMaterials: CASE_READ,
  listCaseDocuments: CASE_READ,
  getCaseForm: CASE_READ,
  getCaseMaterialContent: CASE_READ,
  createMaterialLink: /*        */ [401, 201, 201, 403, 201, 201, 201, 403, 403],
  openMaterialLink: ANY, // the sealed token is the permission (minted for whom may read the case)
  acceptCase: WINDOW_ACT,
  refuseCase: WINDOW_ACT,
  withdrawCase: APPLICANT_SIDE, // and the applicant themself: test/integration/api/withdrawal.test.ts
  approveItem: ITEM_ACT,
  rejectItem: ITEM_ACT,
  requestSupplement: ITEM_ACT,
  startSpecialStep: ITEM_ACT,
  endSpecialStep: ITEM_ACT,
  supplyMaterials: APPLICANT_SIDE,
  supplyCommitmentMaterials: APPLICANT_SIDE,
  rejectCommitmentMaterial: ITEM_ACT,
  getInbox: /*                  */ [401, 403, 403, 403, 200, 200, 200, 403, 403],
  countInbox: /*                */ [401, 403, 403, 403, 200, 200, 200, 403, 403],
  getStatistics: /*             */ [401, 403, 403, 200, 200, 200, 403, 403, 403],
  listSupervisedItems: /*       */ [401, 403, 403, 403, 200, 200, 403, 403, 403],
  countSupervisedItems: /*      */ [401, 403, 403, 403, 200, 200, 403, 403, 403],
  createApiKey: /*              */ [401, 403, 403, 403, 403, 201, 403, 403, 403],
  listApiKeys: /*               */ [401, 403, 403, 403, 403, 200, 403, 403, 403],
  deleteApiKey: /*              */ [401, 403, 403, 403, 403, 204, 403, 403, 403],
  rebuildReadModel: /*          */ [401, 403, 403, 403, 403, 202, 403, 403, 403],
  getReadModelRebuild: /*       */ [401, 403, 403, 403, 403, 200, 403, 403, 403],
  // Steps are worked by signed-in officers only: every API key is refused (test/integration/api/work-steps.test.ts has the people).
  claimStep: PEOPLE_ONLY,
  releaseStep: PEOPLE_ONLY,
  assignStep: PEOPLE_ONLY,
  completeStep: PEOPLE_ONLY,
  sendBackStep: PEOPLE_ONLY,
  transferStep: PEOPLE_ONLY,
  signStep: PEOPLE_ONLY,
  copyItem: ITEM_ACT,
  urgeItem: /*                  */ [401, 403, 200, 403, 200, 200, 403, 403, 403],
  listWindowApplications: /*    */ [401, 403, 200, 403, 200, 200, 403, 403, 403],
  // 好差评: only the applicant themself rates (test/integration/workflows/rectification.test.ts signs in as one).
  rateCase: PEOPLE_ONLY,
  listCaseReviews: CASE_READ,
  amendReview: PEOPLE_ONLY, // and the applicant who rated: test/integration/api/review-amendments.test.ts
  reviewHistory: CASE_READ,
  listReviews: /*               */ [401, 403, 403, 403, 200, 200, 403, 403, 403],
  listRectifications: /*        */ [401, 403, 403, 403, 200, 200, 200, 403, 403],
  getRectification: /*          */ [401, 403, 403, 403, 200, 200, 200, 403, 403],
  closeRectification: ITEM_ACT,
  // Webhooks: integrators manage their own subscriptions (admins any); the fixture is one of the integrator's.
  createWebhookSubscription: /* */ [401, 201, 403, 403, 403, 201, 403, 403, 403],
  listWebhookSubscriptions: /*  */ [401, 200, 403, 403, 403, 200, 403, 403, 403],
  deleteWebhookSubscription: /* */ [401, 204, 403, 403, 403, 204, 403, 403, 403],
  rotateWebhookSecret: /*       */ [401, 200, 403, 403, 403, 200, 403, 403, 403],
  listWebhookDeliveries: /*     */ [401, 200, 403, 403, 403, 200, 403, 403, 403],
  listWebhookDeadLetters: /*    */ [401, 200, 403, 403, 403, 200, 403, 403, 403],
  replayWebhookDeadLetters: /*  */ [401, 202, 403, 403, 403, 202, 403, 403, 403],
  // In-app notices are the signed-in applicant's (test/integration/api/notices.test.ts signs in as one).
  listMyNotices: PEOPLE_ONLY,
  listMyCases: PEOPLE_ONLY, // a signed-in applicant's own (by their token's subject): no API key has cases of its own
  markNoticeRead: PEOPLE_ONLY,
  listNotificationFailures: /*  */ [401, 403, 403, 403, 403, 200, 403, 403, 403],
  // The admin gets past authorization to the lookup: no failed delivery has this id (notices.test.ts retries a real one).
  retryNotification: /*         */ [401, 403, 403, 403, 403, 404, 403, 403, 403],
};

// --- what each operation is sent -----------------------------------------------------------------

type Fixture = 'none' | 'submitted' | 'in-review' | 'uploaded' | 'material-link' | 'supplementing' | 'special-step' | 'commitment' | 'commitment-supplied' | 'api-key' | 'ended' | 'rectification' | 'subscription';

/** What a fixture made: the case, or path parameters (an API key's id). */
interface Target {
  caseId?: string;
  params?: Record<string, string>;
  /** Query parameters the fixture made (a material link's token). */
  query?: Record<string, string>;
}

interface Call {
  /** The case state the operation needs. */
  fixture: Fixture;
  /** Whether a successful call changes the fixture (then every allowed cell gets a fresh one). */
  mutates?: boolean;
  /** Path parameters besides the defaults below. */
  params?: Record<string, string>;
  query?: Record<string, string>;
  payload?: unknown;
  contentType?: string;
  /** The department the operation's target belongs to: the `officer` column. */
  right?: string;
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(256, 7)]);
const none: Call = { fixture: 'none' };

const CALLS: Record<string, Call> = {
  health: none,
  getDefinitionSchema: none,
  getLifecycle: none,
  getProblemType: none,
  verifySeal: { fixture: 'none', payload: { document: {}, seal: {} } },
  listSealKeys: none,
  listDefinitions: none,
  getDefinition: none,
  listDefinitionVersions: none,
  getDefinitionVersion: none,
  validateDefinition: { fixture: 'none', payload: 'definition' },
  publishDefinition: { fixture: 'none', payload: 'definition' }, // identical content: 200, nothing changes
  getForm: none,
  previewForm: { fixture: 'none', payload: 'definition' },
  getFormTypes: none,
  getReductions: none,
  getPrefill: { fixture: 'none', query: { subject: SUBJECT } },
  uploadMaterial: { fixture: 'none', params: { material: 'premises-proof' }, payload: PNG, contentType: 'image/png' },
  startCase: { fixture: 'none', payload: 'application' },
  getCaseProgress: { fixture: 'in-review' },
  listCaseMaterials: { fixture: 'in-review' },
  listCaseDocuments: { fixture: 'in-review' },
  acceptCase: { fixture: 'submitted', mutates: true, payload: {} },
  refuseCase: { fixture: 'submitted', mutates: true, payload: { reasons: ['经营场所与营业执照地址不一致'] } },
  getCaseForm: { fixture: 'in-review' },
  getCaseMaterialContent: { fixture: 'uploaded', params: { material: 'premises-proof' } },
  createMaterialLink: { fixture: 'uploaded', params: { material: 'premises-proof' } },
  openMaterialLink: { fixture: 'material-link' },
  withdrawCase: { fixture: 'in-review', mutates: true, payload: { reason: '不再开店' } },
  approveItem: { fixture: 'in-review', mutates: true, payload: {} },
  rejectItem: { fixture: 'in-review', mutates: true, payload: { reason: '材料不全' } },
  requestSupplement: { fixture: 'in-review', mutates: true, payload: { reason: '请补正', materials: [{ material: 'premises-proof', description: '清晰的场所证明' }] } },
  startSpecialStep: { fixture: 'in-review', mutates: true, payload: { step: 'site-visit' } },
  endSpecialStep: { fixture: 'special-step', mutates: true },
  supplyMaterials: { fixture: 'supplementing', mutates: true, payload: { itemId: ITEM, materials: [{ id: 'premises-proof', ref: 'upload-1' }] } },
  supplyCommitmentMaterials: { fixture: 'commitment', mutates: true, payload: { materials: [{ id: 'sign-design', ref: 'upload-2' }] } },
  rejectCommitmentMaterial: {
    fixture: 'commitment-supplied',
    mutates: true,
    params: { material: 'sign-design' },
    payload: { reason: '设计图与实际不符' },
    right: 'urban-management', // the outdoor-sign item is granted on the sign design
  },
  getInbox: none,
  countInbox: none,
  getStatistics: none,
  listSupervisedItems: none,
  countSupervisedItems: none,
  createApiKey: { fixture: 'none', payload: { roles: ['department'], department: 'water-affairs' } },
  listApiKeys: none,
  deleteApiKey: { fixture: 'api-key', mutates: true },
  rebuildReadModel: none, // rewrites what Temporal says: the fixtures stay as they are
  getReadModelRebuild: none,
  claimStep: { fixture: 'in-review', params: { step: 'accept' }, payload: {} },
  releaseStep: { fixture: 'in-review', params: { step: 'accept' }, payload: {} },
  assignStep: { fixture: 'in-review', params: { step: 'accept' }, payload: { to: { officer: 'market-regulation-handler' } } },
  completeStep: { fixture: 'in-review', params: { step: 'accept' }, payload: { opinion: '受理' } },
  sendBackStep: { fixture: 'in-review', params: { step: 'review' }, payload: { to: 'accept', reason: '退回' } },
  transferStep: { fixture: 'in-review', params: { step: 'accept' }, payload: { to: { officer: 'market-regulation-handler-2' }, reason: '转办' } },
  signStep: { fixture: 'in-review', params: { step: 'review' }, payload: { opinion: '同意', agree: true } },
  copyItem: { fixture: 'in-review', mutates: true, payload: { to: { department: 'fire-rescue' }, note: '请知悉' } },
  urgeItem: { fixture: 'in-review', mutates: true, payload: { note: '请加快' } },
  listWindowApplications: { fixture: 'none', params: { department: 'gov-service' } },
  rateCase: { fixture: 'ended', payload: { level: 1, itemId: ITEM, comment: '太慢' } },
  listCaseReviews: { fixture: 'in-review' },
  amendReview: { fixture: 'rectification', payload: { level: 4 } }, // no API key may: it would withdraw the rectification
  reviewHistory: { fixture: 'rectification' },
  listReviews: { fixture: 'none', query: { level: '1' } },
  listRectifications: { fixture: 'none', query: { department: 'market-regulation' } },
  getRectification: { fixture: 'rectification' },
  closeRectification: { fixture: 'rectification', mutates: true, payload: { measures: '已约谈承办人', callback: { outcome: 'satisfied' } } },
  createWebhookSubscription: { fixture: 'none', payload: { url: 'http://127.0.0.1:9/hooks', eventTypes: ['case.completed'] } },
  listWebhookSubscriptions: none,
  deleteWebhookSubscription: { fixture: 'subscription', mutates: true },
  rotateWebhookSecret: { fixture: 'subscription', mutates: true, payload: { overlapSeconds: 60 } },
  listWebhookDeliveries: { fixture: 'subscription' },
  listWebhookDeadLetters: { fixture: 'subscription' },
  replayWebhookDeadLetters: { fixture: 'subscription', payload: {} }, // nothing dead: nothing changes
  listMyNotices: none,
  listMyCases: none,
  markNoticeRead: { fixture: 'none', params: { noticeId: 'a'.repeat(32) } },
  listNotificationFailures: none,
  retryNotification: { fixture: 'none', params: { notificationId: 'a'.repeat(32) } },
};

const DEFAULT_PARAMS: Record<string, string> = { id: BUNDLE, version: '1', itemId: ITEM, department: 'market-regulation', slug: 'forbidden' };

// --- fixtures ----------------------------------------------------------------------------------

async function ok(response: Promise<{ statusCode: number; body: string; json: () => any }>, status = 200) {
  const r = await response;
  expect(r.statusCode, r.body).toBe(status);
  return r.json();
}

async function readProgress(caseId: string): Promise<CaseProgress> {
  return ok(stack.as('supervisor', { method: 'GET', url: `/cases/${caseId}` }));
}

let keys = 0;

async function fixture(kind: Fixture): Promise<Target> {
  if (kind === 'none') return {};
  if (kind === 'ended' || kind === 'rectification') {
    // Withdrawn with its business licence in review: an ended case, whose licence reached its department.
    const { caseId } = await fixture('in-review');
    await ok(stack.as('integrator', { method: 'POST', url: `/cases/${caseId}/withdraw`, payload: { reason: '不再开店' } }));
    if (kind === 'ended') return { caseId };
    // Rated by its applicant through the service (this matrix has API keys only; the route's own test signs in).
    const { rectification } = await stack.app.reviews.rate(caseId!, { principalId: 'applicant', subjectId: SUBJECT }, { level: 1, itemId: ITEM, indicators: {} });
    return { caseId, params: { rectificationId: rectification!.id, reviewId: rectification!.reviewId } };
  }
  if (kind === 'material-link') {
    const { caseId } = await fixture('uploaded');
    const link = await ok(stack.as('supervisor', { method: 'POST', url: `/cases/${caseId}/materials/premises-proof/links` }), 201);
    return { query: { token: link.url.split('=').pop() } };
  }
  if (kind === 'subscription') {
    const created = await ok(stack.as('integrator', { method: 'POST', url: '/webhooks/subscriptions', payload: CALLS.createWebhookSubscription!.payload as object }), 201);
    return { params: { subscriptionId: created.id } };
  }
  if (kind === 'api-key') {
    const created = await ok(stack.as('admin', { method: 'POST', url: '/admin/api-keys', payload: { id: `doomed-${++keys}`, roles: ['integrator'] } }), 201);
    return { params: { id: created.id } };
  }
  const commitment = kind === 'commitment' || kind === 'commitment-supplied';
  // 'uploaded': in review, its premises proof an upload with bytes (the other fixtures declare their materials).
  const uploads: Record<string, string> = kind === 'uploaded' ? { 'premises-proof': (await ok(stack.as('integrator', { method: 'POST', url: `/definitions/${BUNDLE}/materials/premises-proof/uploads`, payload: PNG, headers: { 'content-type': 'image/png' } }), 201)).sha256 } : {};
  const started = await ok(stack.as('integrator', { method: 'POST', url: '/cases', payload: application({ without: commitment ? ['sign-design'] : [], uploads }) }), 201);
  const caseId: string = started.caseId;
  if (kind === 'submitted') return { caseId };
  await ok(stack.as('window-gov-service', { method: 'POST', url: `/cases/${caseId}/accept`, payload: { tolerateMissing: commitment } }));
  // Dispatch happens after acceptance: wait for it, so that only the requests under test move the case.
  await eventually(() => readProgress(caseId), (p) => p.items.find((i) => i.id === ITEM)?.status === 'in-review', 'dispatch');
  if (kind === 'commitment-supplied') {
    await ok(stack.as('integrator', { method: 'POST', url: `/cases/${caseId}/commitment/materials`, payload: { materials: [{ id: 'sign-design', ref: 'upload-3' }] } }));
  }
  if (commitment) return { caseId };
  const market = 'officer-market-regulation';
  if (kind === 'supplementing') await ok(stack.as(market, { method: 'POST', url: `/cases/${caseId}/items/${ITEM}/supplement-requests`, payload: CALLS.requestSupplement!.payload as object }));
  if (kind === 'special-step') await ok(stack.as(market, { method: 'POST', url: `/cases/${caseId}/items/${ITEM}/special-step/start`, payload: { step: 'site-visit' } }));
  if (kind !== 'in-review' && kind !== 'uploaded') await eventually(() => readProgress(caseId), (p) => p.items.find((i) => i.id === ITEM)?.status === kind, `the case to hear of ${kind}`);
  return { caseId };
}

/** What a refused request must leave alone. */
async function snapshot({ caseId, params }: Target): Promise<unknown> {
  if (params?.rectificationId) {
    const r = await ok(stack.as('supervisor', { method: 'GET', url: `/rectifications/${params.rectificationId}` }));
    return { status: r.status, measures: r.measures, callback: r.callback };
  }
  if (params?.subscriptionId) {
    return (await ok(stack.as('admin', { method: 'GET', url: '/webhooks/subscriptions' }))).filter((w: { id: string }) => w.id === params.subscriptionId);
  }
  if (!caseId) return (await ok(stack.as('admin', { method: 'GET', url: '/admin/api-keys' }))).map((k: { id: string }) => k.id);
  const p = await readProgress(caseId);
  return {
    status: p.status,
    refusal: p.refusal,
    withdrawal: p.withdrawal,
    items: p.items.map((i) => ({ id: i.id, status: i.status, decidedAt: i.decidedAt, supplements: i.supplements?.length ?? 0 })),
    commitment: p.commitment?.materials.map((m) => ({ material: m.material, status: m.status, rejections: m.rejections.length })),
  };
}

// --- the matrix --------------------------------------------------------------------------------

interface Operation {
  operationId: string;
  method: string;
  path: string;
}

function operationsOf(document: { paths?: Record<string, Record<string, { operationId?: string }>> }): Operation[] {
  const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.includes(method))
      .map(([method, op]) => ({ operationId: op.operationId ?? `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path })),
  );
}

function request(operation: Operation, call: Call, target: Target, principal: string | undefined): Promise<{ statusCode: number; body: string }> {
  const params: Record<string, string> = { ...DEFAULT_PARAMS, ...(target.caseId ? { caseId: target.caseId } : {}), ...call.params, ...target.params };
  const url = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`${operation.operationId}: no value for path parameter "${name}"`);
    return encodeURIComponent(params[name]!);
  });
  const payload = call.payload === 'definition' ? variantDefinition() : call.payload === 'application' ? application() : call.payload;
  const options: InjectOptions = {
    method: operation.method as InjectOptions['method'],
    url,
    ...(call.query || target.query ? { query: { ...call.query, ...target.query } } : {}),
    ...(payload !== undefined ? { payload: payload as InjectOptions['payload'] } : {}),
    headers: call.contentType ? { 'content-type': call.contentType } : {},
  };
  return principal ? stack.as(principal, options) : stack.app.inject(options);
}

describe('authorization matrix', () => {
  it('answers every operation of the OpenAPI document for every principal as the table says, and refusals change nothing', async () => {
    const document = (await stack.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(30);
    // Every operation has a row and a call, and no row is stale.
    expect(operations.map((o) => o.operationId).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(Object.keys(CALLS).sort()).toEqual(Object.keys(EXPECTED).sort());

    const readCase = await fixture('in-review');
    const actual: Record<string, number[]> = {};
    const unchanged: Record<string, boolean> = {};
    const failures: string[] = [];
    for (const operation of operations) {
      const call = CALLS[operation.operationId]!;
      const expected = EXPECTED[operation.operationId]!;
      const row: number[] = new Array(COLUMNS.length).fill(0);
      let target = call.fixture === 'in-review' && !call.mutates ? readCase : await fixture(call.fixture);
      // Refusals first, on one fixture that must come out unchanged; then each allowed principal on its own.
      const order = COLUMNS.map((_, i) => i).sort((a, b) => Number(expected[a]! < 300) - Number(expected[b]! < 300));
      const before = call.mutates ? await snapshot(target) : undefined;
      let checked = false;
      let consumed = false;
      for (const index of order) {
        const allowed = expected[index]! < 300;
        if (call.mutates && allowed && !checked) {
          unchanged[operation.operationId] = JSON.stringify(await snapshot(target)) === JSON.stringify(before);
          checked = true;
        }
        if (call.mutates && allowed && consumed) target = await fixture(call.fixture); // each allowed principal on a fresh one
        const response = await request(operation, call, target, principalOf(COLUMNS[index]!, call.right ?? 'market-regulation'));
        row[index] = response.statusCode;
        if (response.statusCode !== expected[index]) failures.push(`${operation.operationId} × ${COLUMNS[index]}: ${response.statusCode} ${response.body.slice(0, 300)}`);
        consumed ||= call.mutates === true && allowed;
      }
      actual[operation.operationId] = row;
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(actual).toEqual(EXPECTED);
    expect(Object.entries(unchanged).filter(([, same]) => !same).map(([op]) => op)).toEqual([]);
    expect(Object.keys(unchanged).sort()).toEqual(Object.entries(CALLS).filter(([, c]) => c.mutates).map(([op]) => op).sort());
  });
});

describe('departments see only what they need', () => {
  const SKIPPED = 'officer-tobacco';
  const UNINVOLVED = 'officer-public-security';

  it('refuses the department of a skipped item the case, before and after acceptance, and its item with 403', async () => {
    const { caseId: submitted } = await fixture('submitted');
    expect((await stack.as(SKIPPED, { method: 'GET', url: `/cases/${submitted}` })).statusCode).toBe(403);
    expect((await stack.as('officer-fire-rescue', { method: 'GET', url: `/cases/${submitted}` })).statusCode).toBe(200);

    const { caseId } = await fixture('in-review');
    expect((await readProgress(caseId!)).items.find((i) => i.id === 'tobacco-permit')?.status).toBe('skipped');
    for (const url of [`/cases/${caseId}`, `/cases/${caseId}/documents`, `/cases/${caseId}/materials`]) {
      const response = await stack.as(SKIPPED, { method: 'GET', url });
      expect(response.statusCode, url).toBe(403);
    }
    const own = await stack.as(SKIPPED, { method: 'POST', url: `/cases/${caseId}/items/tobacco-permit/approve`, payload: {} });
    expect(own.statusCode, own.body).toBe(403);
  });

  it('answers an uninvolved department 403 whatever the state: decided items, pending items, no commitment', async () => {
    const caseId = (await fixture('in-review')).caseId!;
    await ok(stack.as('officer-market-regulation', { method: 'POST', url: `/cases/${caseId}/items/${ITEM}/approve`, payload: {} }));
    await eventually(() => readProgress(caseId), (p) => p.items.find((i) => i.id === ITEM)?.status === 'approved', 'the approval');
    const attempts = [
      { principal: UNINVOLVED, url: `/cases/${caseId}/items/${ITEM}/approve`, payload: {} },
      { principal: 'officer-fire-rescue', url: `/cases/${caseId}/items/${ITEM}/approve`, payload: {} }, // involved in the case, not the item
      { principal: UNINVOLVED, url: `/cases/${caseId}/items/food-permit/reject`, payload: { reason: 'x' } },
      { principal: UNINVOLVED, url: `/cases/${caseId}/items/no-such-item/approve`, payload: {} },
      { principal: UNINVOLVED, url: `/cases/${caseId}/commitment/materials/sign-design/reject`, payload: { reason: 'x' } },
    ];
    for (const { principal, url, payload } of attempts) {
      const response = await stack.as(principal, { method: 'POST', url, payload });
      expect(response.statusCode, `${principal} ${url}: ${response.body}`).toBe(403);
    }
    // The item's own department still learns the state.
    const again = await stack.as('officer-market-regulation', { method: 'POST', url: `/cases/${caseId}/items/${ITEM}/reject`, payload: { reason: 'x' } });
    expect(again.statusCode).toBe(409);
  });

  it('reads no department inbox with a window key, even of the department the window belongs to', async () => {
    const window = await stack.as('window-health', { method: 'GET', url: '/departments/health/inbox' });
    expect(window.statusCode, window.body).toBe(403);
    const officer = await stack.as('officer-health', { method: 'GET', url: '/departments/health/inbox' });
    expect(officer.statusCode, officer.body).toBe(200);
    const supervision = await stack.as('window-health', { method: 'GET', url: '/supervision/items' });
    expect(supervision.statusCode).toBe(403);
  });
});
