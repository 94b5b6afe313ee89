/**
 * Property-based fuzzing of every operation in the served OpenAPI document, end to end on a real
 * Temporal dev server and worker: random and malformed path ids, query strings, headers and bodies
 * (control characters, NUL, lone surrogates, dot segments, separators, prototype names, huge
 * strings, deep nesting, broken JSON, repeated names, mutated valid requests), with and without a
 * key of every kind of principal. No answer may be a 5xx, and no request may change the two watched
 * cases: one submitted, one in review, each sent only requests its state must refuse.
 *
 * Bounded: RUNS requests per operation from a fixed SEED (both reported on failure; override with
 * FUZZ_SEED and FUZZ_RUNS to explore).
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDocument } from '../../../domain/seal';
import { ProblemTypes } from '../../../api/problems';
import type { CaseProgress } from '../../../workflows/contract';
import { enterpriseApplication, restaurantApplication } from '../../fixtures/applications';
import { createDevServerEnv } from '../../helpers/temporal-env';
import { eventually, startStack, type Stack } from '../../helpers/stack';

const SEED = Number(process.env.FUZZ_SEED ?? 20_250_808);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
/** FUZZ_DEBUG=1: statuses per operation, and every request slower than a second. */
const DEBUG = Boolean(process.env.FUZZ_DEBUG);

let env: TestWorkflowEnvironment;
let stack: Stack;

interface Operation {
  operationId: string;
  method: string;
  /** OpenAPI path, e.g. `/cases/{caseId}`. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  /** The media types of its request body; empty without one. */
  bodyTypes: string[];
}

/** A case that must stay as it is, and the principals that its state gives no way to change it. */
interface Watched {
  caseId: string;
  /** Principals never sent at it: they could legitimately change it (its window, its deciding department, admins). */
  excluded: Set<string>;
  before?: CaseProgress;
}

let operations: Operation[];
let watched: Watched[];
/** A case the fuzzer may change (accepted, its first item in review): requests there go deep. */
let sacrificial: string;
/** A bad rating's rectification the fuzzer may close (of a withdrawn case): requests there go deep too. */
let rectificationId: string;
/** A webhook subscription of the integrator's the fuzzer may rotate, replay and delete. */
let subscriptionId: string;
let principals: string[];
let sealedSeed: { document: unknown; seal: unknown };

beforeAll(async () => {
  env = await createDevServerEnv();
  stack = await startStack(env, { principals: [{ id: 'admin', roles: ['admin'] }], keyFile: true });
  principals = Object.keys(stack.tokens).sort();
  operations = operationsOf((await stack.app.inject({ method: 'GET', url: '/openapi.json' })).json());

  const submitted = await startCase(restaurantApplication());
  const inReview = await startCase(enterpriseApplication());
  await accept(inReview);
  sacrificial = await startCase(restaurantApplication({ sellsTobacco: false }));
  await accept(sacrificial);
  watched = [
    { caseId: submitted, excluded: new Set(['admin', 'window-gov-service']) },
    { caseId: inReview, excluded: new Set(['admin', 'officer-market-regulation']) },
  ];
  await until(inReview, (p) => p.items.some((i) => i.status === 'in-review'));
  await until(sacrificial, (p) => p.items.some((i) => i.status === 'in-review'));
  rectificationId = await rectificationOfWithdrawnCase();
  const subscription = await stack.as('integrator', { method: 'POST', url: '/webhooks/subscriptions', payload: { url: 'http://127.0.0.1:9/hooks', eventTypes: ['case.completed'] } });
  expect(subscription.statusCode, subscription.body).toBe(201);
  subscriptionId = subscription.json().id;

  const pair = await stack.keys.keyPairFor('market-regulation');
  const document = { documentId: 'fuzz-1', kind: 'business-licence', holder: { name: '王小明', subjectId: '420104199003071234' } };
  sealedSeed = { document, seal: signDocument({ document, department: 'market-regulation', ...pair, appliedBy: 'person', signedAt: '2025-08-08T10:00:00+08:00' }) };
});
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
});

async function startCase(body: object): Promise<string> {
  const response = await stack.as('integrator', { method: 'POST', url: '/cases', payload: body, headers: { 'idempotency-key': randomUUID() } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().caseId;
}

async function accept(caseId: string): Promise<void> {
  const response = await stack.as('window-gov-service', { method: 'POST', url: `/cases/${caseId}/accept`, payload: {}, headers: { 'idempotency-key': randomUUID() } });
  expect(response.statusCode, response.body).toBe(200);
}

async function progress(caseId: string): Promise<CaseProgress> {
  const response = await stack.as('supervisor', { method: 'GET', url: `/cases/${caseId}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

function until(caseId: string, accept: (p: CaseProgress) => boolean): Promise<CaseProgress> {
  return eventually(() => progress(caseId), accept, `case ${caseId}`);
}

/** A restaurant case withdrawn in review and rated 非常不满意 by its applicant (through the service: no person signs in here). */
async function rectificationOfWithdrawnCase(): Promise<string> {
  const caseId = await startCase(restaurantApplication({ sellsTobacco: false }));
  await accept(caseId);
  await until(caseId, (p) => p.items.some((i) => i.id === 'business-licence' && i.status === 'in-review'));
  const withdrawn = await stack.as('integrator', { method: 'POST', url: `/cases/${caseId}/withdraw`, payload: {} });
  expect(withdrawn.statusCode, withdrawn.body).toBe(200);
  const rated = await stack.app.reviews.rate(caseId, { principalId: 'applicant', subjectId: '420104199003071234' }, { level: 1, itemId: 'business-licence', indicators: {} });
  return rated.rectification!.id;
}

function operationsOf(spec: { paths: Record<string, Record<string, { operationId: string; parameters?: Array<{ in: string; name: string }>; requestBody?: { content: Record<string, unknown> } }>> }): Operation[] {
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      operationId: op.operationId,
      method: method.toUpperCase(),
      path,
      pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
      queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      bodyTypes: Object.keys(op.requestBody?.content ?? {}),
    })),
  );
}

// --- nasty values ---------------------------------------------------------------------------------

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];

/** Strings that have broken servers: controls, NUL, lone surrogates, dot segments, separators, huge. */
const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '', '.', '..', '../..', '../../etc/passwd', '/', '\\', '..\\..', '\u0000', 'a\u0000b', '\r\n', '\t', '\u007f', '\u001b[31m',
    '\ud800', '\udfff', 'a\ud800b', '\udc00\ud800', '%00', '%2e%2e', '%2F', '..%2F..%2F', '\u202e', '\ufeff', '😀', '中文', ' ', '*', '?', '#',
    "'; DROP TABLE cases; --", '${jndi:ldap://x}', '{{7*7}}', 'null', 'undefined', 'NaN', '-1', '0', '1e309', '9'.repeat(40),
    ...PROTOTYPE_NAMES,
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\u001f', '.', '/', '\\', '\ud800', '\udc00', 'a', '-', '%', '~'), maxLength: 12 }),
  fc.constantFrom(300, 5_000, 70_000).map((n) => 'x'.repeat(n)),
);

/** `depth` arrays or objects, one inside the other. */
function nestedText(depth: number, objects: boolean): string {
  return objects ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth);
}
/** Stands for a deeply nested value until the body is written (`JSON.stringify` itself recurses). */
const deepValue = fc.tuple(fc.constantFrom(30, 63, 64, 65, 1_000, 100_000), fc.boolean()).map(([depth, objects]) => `__deep_${depth}_${objects ? 'o' : 'a'}__`);
/** The body text of a value, its deep markers replaced by the nesting they stand for. */
function jsonText(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.replace(/"__deep_(\d+)_([oa])__"/g, (_, depth: string, kind: string) => nestedText(Number(depth), kind === 'o'));
}

const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: fc.constantFrom(null, -0, 1e308, -1, 0, 2 ** 53 + 1, 1.5, true, [], {}, [null], { __proto__: null }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...PROTOTYPE_NAMES, 'x'), nastyString, { maxKeys: 3 }) },
);

/** A JSON text a client could send that is malformed in some way (or is JSON that breaks a rule). */
const malformedJson = fc.oneof(
  fc.constantFrom(
    '', ' ', '{', '}', '[', '{"a":', '{"a":1,}', "{'a':1}", 'undefined', 'NaN', '1e999999', '-', '"\\ud800"', '{"a":"\\ud800"}',
    '{"\\udc00":1}', '{"a":1,"a":2}', '{"form":{"x":1,"x":2}}', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}',
    '\ufeff{}', '{"a":"\\u0000"}', '{"a":"\u0000"}', 'null', '[]', '"text"', '0', 'true', '{"a":"\\x"}', '{"a":01}',
  ),
  fc.string({ maxLength: 60 }),
  fc.tuple(fc.constantFrom(65, 1_000, 100_000, 400_000), fc.boolean()).map(([depth, objects]) => nestedText(depth, objects)),
  fc.constant(`{"a":"${'x'.repeat(1_100_000)}"}`),
);

// --- requests -----------------------------------------------------------------------------------

const ITEMS = ['business-licence', 'food-permit', 'outdoor-sign', 'fire-check', 'tobacco-permit', 'business-registration', 'seal-engraving', 'bank-account'];
const MATERIALS = ['applicant-id-card', 'premises-proof', 'business-licence', 'sign-design', 'fire-safety-plan'];
const DEPARTMENTS = ['market-regulation', 'urban-management', 'fire-rescue', 'tobacco', 'gov-service', 'health', 'public-security'];
const BUNDLES = ['open-restaurant', 'enterprise-startup', 'newborn'];
const FOCUSED = ['integrator', 'designer', 'supervisor', 'admin', 'window-gov-service', 'officer-market-regulation', 'officer-urban-management'];

/** Who may urge any open item (催办): it goes on the item and the timeline. */
const MAY_URGE = (principal: string): boolean => principal === 'supervisor' || principal === 'admin' || principal.startsWith('window-');

/** Who may withdraw any case (撤回申请 on the applicant's behalf). */
const MAY_WITHDRAW = (principal: string): boolean => principal === 'integrator' || principal === 'admin' || principal.startsWith('window-');

/** Whom an operation is meant for, guessed from its path: the departments of the seeds' items. */
function likelyPrincipals(op: Operation): string[] {
  if (op.path.startsWith('/admin')) return ['admin'];
  if (/\/(accept|refuse)$/.test(op.path)) return ['window-gov-service'];
  if (op.path.includes('/items/{itemId}') || op.path.endsWith('{material}/reject') || op.path.includes('/inbox')) return ['officer-market-regulation'];
  if (op.path.startsWith('/rectifications')) return ['officer-market-regulation', 'supervisor'];
  if (op.path.startsWith('/webhooks')) return ['integrator', 'admin'];
  if (op.method === 'POST' && op.path.startsWith('/cases') || op.path.includes('prefill') || op.path.includes('uploads')) return ['integrator', 'window-gov-service'];
  if (op.method === 'POST' && op.path.startsWith('/definitions')) return ['designer'];
  return ['supervisor', 'integrator', 'designer'];
}

/** Segment values per path parameter: mostly nasty, some real, so that requests also get past routing. */
function pathValue(name: string): fc.Arbitrary<string> {
  const real: Record<string, () => string[]> = {
    caseId: () => [...watched.map((w) => w.caseId), sacrificial, 'a'.repeat(24)],
    rectificationId: () => [rectificationId, 'a'.repeat(24)],
    subscriptionId: () => [subscriptionId, 'sub_0123456789abcdef'],
    noticeId: () => ['a'.repeat(32), '0'.repeat(31)],
    notificationId: () => ['a'.repeat(32), 'f'.repeat(33)],
    itemId: () => ITEMS,
    material: () => MATERIALS,
    id: () => BUNDLES,
    version: () => ['1', '2', '0', '-1', '1.5', '1e3', '0x1', '99999999999999999999'],
    slug: () => [...Object.keys(ProblemTypes), ...PROTOTYPE_NAMES],
    department: () => DEPARTMENTS,
  };
  const known = real[name]?.() ?? [];
  return known.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: nastyString }) : nastyString;
}

function queryValue(name: string): fc.Arbitrary<string> {
  const real: Record<string, string[]> = {
    status: ['in-review', 'pending', 'approved', 'skipped', 'constructor', 'delivered', 'dead'],
    limit: ['1', '50', '200', '201', '0', '-1', '1e3', 'x'],
    before: ['1', '9007199254740991', '9007199254740992', '1e308', '-1', 'x'],
    card: ['none', 'yellow', 'red', 'overdue'],
    pageSize: ['1', '20', '100', '101', '0', '-5', '1e2', 'abc'],
    pageToken: ['', 'AAAA', 'CiQ2ZmE', 'x'.repeat(4096), 'not base64!'],
    subject: ['420104199003071234', '91420100MA4K0000X1', '110101190001010000'],
    version: ['1', '2', '0', 'x'],
    bundleId: BUNDLES,
    department: DEPARTMENTS,
    level: ['1', '2', '5', '0', '6', '1.5', 'x'],
  };
  return fc.oneof(fc.constantFrom(...(real[name] ?? ['x'])), nastyString);
}

/** UTF-16 percent-encoded as UTF-8; a lone surrogate as the three bytes a sloppy client would send. */
function percentEncode(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(value.slice(i, i + 2));
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(value[i]!);
    }
  }
  return out;
}

/** A segment as sent: percent-encoded, or literally when it is made of characters a URL may hold as they are. */
function segment(value: string, raw: boolean): string {
  return raw && /^[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/.test(value) ? value : percentEncode(value);
}

/** Header values Node accepts at all (anything else no HTTP client can send). */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 10 }),
  fc.constantFrom('', ' ', '\t', 'x'.repeat(8_000), 'order-4711', '../../etc', '__proto__'),
);

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'APPLICATION/JSON', 'text/plain', 'application/octet-stream',
  'application/pdf', 'image/png', 'image/jpeg', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/problem+json', '*/*', ';', 'json',
];

/** Valid bodies per operation, to mutate: requests that get past the schema reach the services. */
function seedBodies(operationId: string): unknown[] {
  const restaurant = restaurantApplication();
  const definition = structuredClone(stack.registry.get('open-restaurant').definition) as unknown;
  const bySeed: Record<string, unknown[]> = {
    startCase: [restaurant, enterpriseApplication()],
    acceptCase: [{}, { note: '受理', tolerateMissing: true }],
    refuseCase: [{ reasons: ['材料不全'] }],
    withdrawCase: [{}, { reason: '不再开店' }],
    urgeItem: [{}, { note: '请加快' }],
    copyItem: [{ to: { department: 'fire-rescue' } }, { to: { person: 'fire-rescue-head' }, note: '请知悉' }],
    claimStep: [{}],
    completeStep: [{ opinion: '同意' }, { opinion: '同意', decision: 'approve' }],
    sendBackStep: [{ to: 'accept', reason: '退回' }],
    transferStep: [{ to: { officer: 'market-regulation-handler-2' }, reason: '转办' }],
    signStep: [{ opinion: '同意', agree: true }],
    approveItem: [{}, { comment: '同意' }],
    rejectItem: [{ reason: '不符合条件' }],
    requestSupplement: [{ reason: '请补正', materials: [{ material: 'premises-proof', description: '租赁合同' }] }],
    supplyMaterials: [{ itemId: 'business-licence', materials: [{ id: 'premises-proof', sha256: 'a'.repeat(64) }] }],
    startSpecialStep: [{ step: 'site-check' }],
    supplyCommitmentMaterials: [{ materials: [{ id: 'premises-proof', ref: 'paper' }] }],
    rejectCommitmentMaterial: [{ reason: '不清晰' }],
    publishDefinition: [definition],
    validateDefinition: [definition],
    verifySeal: [sealedSeed],
    createApiKey: [{ roles: ['department'], department: 'water-affairs' }, { id: 'fuzz-integrator', roles: ['integrator'] }],
    rateCase: [{ level: 1 }, { level: 5, itemId: 'business-licence', indicators: { efficiency: 5, guideAccuracy: 4, convenience: 5, usability: 3 }, comment: '很快' }],
    createWebhookSubscription: [
      { url: 'http://127.0.0.1:9/hooks', eventTypes: ['case.completed'] },
      { url: 'http://localhost:9/hooks?x=1', eventTypes: ['rectification.closed', 'review.received'], description: '省政务服务平台' },
    ],
    rotateWebhookSecret: [{}, { overlapSeconds: 0 }, { overlapSeconds: 604_800 }],
    replayWebhookDeadLetters: [{}, { caseId: 'a'.repeat(24) }],
    closeRectification: [
      { measures: '已约谈承办人', callback: { outcome: 'satisfied' } },
      { measures: '优化指南', callback: { outcome: 'unreachable', note: '电话未接通', at: '2026-11-20T10:00:00+08:00' } },
    ],
  };
  return bySeed[operationId] ?? [{}];
}

type Path = Array<string | number>;

function pathsOf(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (value !== null && typeof value === 'object' && out.length < 400) {
    for (const [key, inner] of Object.entries(value)) pathsOf(inner, [...at, Array.isArray(value) ? Number(key) : key], out);
  }
  return out;
}

/** The seed with one place replaced by `value`, removed, or given an extra member. */
function mutate(seed: unknown, path: Path, value: unknown, how: 'replace' | 'delete' | 'add', name: string): unknown {
  const copy = structuredClone(seed);
  if (path.length === 0) return how === 'replace' ? value : copy;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (how === 'replace') parent[last] = value;
  else if (how === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (parent[last] !== null && typeof parent[last] === 'object' && !Array.isArray(parent[last])) {
    Object.defineProperty(parent[last], name, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

function mutatedSeed(operationId: string): fc.Arbitrary<unknown> {
  return fc.constantFrom(...seedBodies(operationId)).chain((seed) =>
    fc.tuple(fc.constantFrom(...pathsOf(seed)), nastyValue, fc.constantFrom('replace', 'replace', 'delete', 'add') as fc.Arbitrary<'replace' | 'delete' | 'add'>, fc.oneof(nastyString, fc.constantFrom(...PROTOTYPE_NAMES))).map(
      ([path, value, how, name]) => mutate(seed, path, value, how, name),
    ),
  );
}

interface FuzzBody {
  payload: string | Buffer;
  contentType?: string;
}

function bodyFor(op: Operation): fc.Arbitrary<FuzzBody | undefined> {
  const json = jsonText;
  const jsonType = fc.oneof(
    { weight: 12, arbitrary: fc.constant('application/json') },
    { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  const text = fc.oneof(
    { weight: 5, arbitrary: mutatedSeed(op.operationId).map(json) },
    { weight: 2, arbitrary: fc.constantFrom(...seedBodies(op.operationId)).map(json) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(json) },
    { weight: 3, arbitrary: malformedJson },
  );
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(b)])),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(b)])),
    fc.constantFrom(Buffer.alloc(0), Buffer.alloc(3_000_000, 0x41), Buffer.from('\u0000\ud800', 'utf16le')),
  );
  const raw = op.bodyTypes.some((type) => !type.includes('json'));
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: raw ? 1 : 6, arbitrary: fc.record({ payload: text, contentType: jsonType }) },
    { weight: raw ? 6 : 1, arbitrary: fc.record({ payload: bytes, contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }) }) },
  );
}

interface FuzzRequest {
  principal?: string;
  authorization?: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: FuzzBody;
  caseId?: string;
}

function requestFor(op: Operation): fc.Arbitrary<FuzzRequest> {
  const params = fc.record(Object.fromEntries(op.pathParams.map((name) => [name, pathValue(name)])) as Record<string, fc.Arbitrary<string>>);
  const query = fc.array(
    fc.oneof(
      { weight: 3, arbitrary: op.queryParams.length > 0 ? fc.constantFrom(...op.queryParams).chain((name) => queryValue(name).map((value) => [name, value] as const)) : fc.constant(['x', 'y'] as const) },
      { weight: 1, arbitrary: fc.tuple(nastyString, nastyString) },
    ),
    { maxLength: 4 },
  );
  const malformedQuery = fc.constantFrom('', '', '', '?%', '?a=%zz', '?subject=%ED%A0%80', '?%00=%00', '?__proto__[x]=1', '?version=1&version=2', '?subject[]=a');
  return fc
    .record({ params, query, malformedQuery, raw: fc.boolean(), body: bodyFor(op), idempotencyKey: fc.option(fc.oneof(fc.uuid(), headerValue), { nil: undefined }), extra: fc.option(fc.tuple(fc.constantFrom('accept', 'x-forwarded-for', 'origin', 'content-length-x', 'if-none-match'), headerValue), { nil: undefined }) })
    .chain((r) => {
      const caseId = (r.params as Record<string, string>).caseId;
      const target = watched.find((w) => w.caseId === caseId);
      // Withdrawal ends any open case for the applicant's side: it is not sent to the real cases by them.
      // Nor are urges (they change the item's record), by those who may urge.
      const ending =
        op.operationId === 'withdrawCase' && (target || caseId === sacrificial) ? MAY_WITHDRAW : op.operationId === 'urgeItem' && target ? MAY_URGE : () => false;
      const allowed = principals.filter((p) => !target?.excluded.has(p) && !ending(p));
      // Mostly whom the operation is meant for, so that requests get past authorization too.
      const likely = likelyPrincipals(op).filter((p) => allowed.includes(p));
      const focused = FOCUSED.filter((p) => allowed.includes(p));
      const as = (names: string[]) => fc.constantFrom(...names).map((principal) => ({ principal, authorization: undefined as string | undefined }));
      const auth = fc.oneof(
        { weight: likely.length > 0 ? 5 : 0, arbitrary: as(likely.length > 0 ? likely : focused) },
        { weight: 2, arbitrary: as(focused) },
        { weight: 2, arbitrary: as(allowed) },
        { weight: 1, arbitrary: fc.constant({ principal: undefined, authorization: undefined }) },
        { weight: 1, arbitrary: fc.oneof(headerValue.map((v) => `Bearer ${v}`), headerValue, fc.constantFrom('Bearer', 'Basic YTpi', 'bearer  x')).map((authorization) => ({ principal: undefined, authorization })) },
      );
      return auth.map(({ principal, authorization }) => {
        const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => segment((r.params as Record<string, string>)[name]!, r.raw));
        const search = r.query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
        const url = path + (search ? `?${search}` : r.malformedQuery);
        const headers: Record<string, string> = {};
        if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
        if (r.extra) headers[r.extra[0]] = r.extra[1];
        if (r.body?.contentType) headers['content-type'] = r.body.contentType;
        if (authorization !== undefined) headers.authorization = authorization;
        return { principal, authorization, method: op.method, url, headers, body: r.body, caseId };
      });
    });
}

async function send(request: FuzzRequest): Promise<LightMyRequestResponse> {
  const options: InjectOptions = { method: request.method as InjectOptions['method'], url: request.url, headers: { ...request.headers } };
  if (request.body) options.payload = request.body.payload;
  return request.principal ? stack.as(request.principal, options) : stack.app.inject(options);
}

/** The request as a reader of a failure wants it: long strings shortened, control characters visible. */
function describeRequest(request: FuzzRequest): string {
  const short = (s: string) => JSON.stringify(s.length > 300 ? `${s.slice(0, 300)}…(${s.length} chars)` : s);
  const body = request.body === undefined ? 'no body' : Buffer.isBuffer(request.body.payload) ? `${request.body.payload.length} bytes` : short(request.body.payload);
  return `${request.method} ${short(request.url)} as ${request.principal ?? short(request.authorization ?? 'nobody')} headers ${short(JSON.stringify(request.headers))} body ${body}`;
}

// --- the property ---------------------------------------------------------------------------------

describe('every operation of /openapi.json under fuzzing', () => {
  it('never answers a 5xx, and refused requests change no case', async () => {
    for (const w of watched) w.before = await progress(w.caseId);
    const failures: string[] = [];
    const changedWatched: string[] = [];
    const statuses: Record<string, Record<number, number>> = {};
    const started = Date.now();

    for (const op of operations) {
      const result = await fc.check(
        fc.asyncProperty(requestFor(op), async (request) => {
          const sent = Date.now();
          const response = await send(request);
          const byStatus = (statuses[op.operationId] ??= {});
          byStatus[response.statusCode] = (byStatus[response.statusCode] ?? 0) + 1;
          if (DEBUG && Date.now() - sent > 1000) console.info(`slow: ${Date.now() - sent} ms, ${response.statusCode} for ${describeRequest(request)}`);
          if (request.method !== 'GET' && response.statusCode < 300 && watched.some((w) => w.caseId === request.caseId)) {
            changedWatched.push(`${op.operationId}: ${response.statusCode} for ${describeRequest(request)}`);
          }
          if (response.statusCode >= 500) throw new Error(`${response.statusCode} ${response.body.slice(0, 500)}`);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      if (result.failed) {
        const [request] = result.counterexample ?? [];
        failures.push(
          `${op.operationId} (${op.method} ${op.path}), seed ${SEED}, path ${result.counterexamplePath}: ${request ? describeRequest(request) : '?'}\n    → ${(result.errorInstance as Error | undefined)?.message ?? String(result.errorInstance)}`,
        );
      }
    }
    const total: Record<number, number> = {};
    for (const byStatus of Object.values(statuses)) for (const [status, n] of Object.entries(byStatus)) total[Number(status)] = (total[Number(status)] ?? 0) + n;
    console.info(`fuzz: ${operations.length} operations × ${RUNS} runs in ${Date.now() - started} ms (FUZZ_SEED=${SEED}); statuses ${JSON.stringify(total)}`);
    if (DEBUG) console.info(statuses);

    expect(failures, `5xx answers (FUZZ_SEED=${SEED}):\n${failures.join('\n')}`).toEqual([]);
    expect(changedWatched, 'requests that succeeded on a watched case').toEqual([]);
    for (const w of watched) expect(await progress(w.caseId), `watched case ${w.caseId}`).toEqual(w.before);
    expect(operations.length).toBeGreaterThanOrEqual(30);
  }, 600_000); // RUNS requests of every operation: minutes on a busy 2-core machine (122 s for 77 operations at load 10)
});

describe('GET /departments/:department/inbox', () => {
  it('pages on with the tokens it issued, and refuses at once any other as a 400', async () => {
    // Two items in review at market regulation at least: the watched enterprise case's, and this one's.
    await accept(await startCase(restaurantApplication()));
    const inbox = (query: string, principal = 'officer-market-regulation') => stack.as(principal, { method: 'GET', url: `/departments/market-regulation/inbox?${query}` });
    const first = await eventually(() => inbox('status=in-review&pageSize=1'), (r) => r.statusCode === 200 && r.json().nextPageToken !== undefined, 'a second page');
    const token: string = first.json().nextPageToken;
    const second = await inbox(`status=in-review&pageSize=1&pageToken=${token}`);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().items).toHaveLength(1);
    expect(second.json().items[0].caseId).not.toBe(first.json().items[0].caseId);

    const forged = [
      'AAAA',
      '9'.repeat(40),
      'x'.repeat(4096),
      Buffer.from('{"CloseTime":"9999-12-31T23:59:59Z","StartTime":"yesterday"}').toString('base64url'),
      token.slice(0, -3),
      (token[0] === 'A' ? 'B' : 'A') + token.slice(1),
    ];
    for (const pageToken of forged) {
      const response = await inbox(`status=in-review&pageSize=1&pageToken=${pageToken}`);
      expect(response.statusCode, pageToken.slice(0, 40)).toBe(400);
      expect(response.json().errors).toEqual([expect.objectContaining({ path: '/querystring/pageToken' })]);
    }
    // Issued for another listing: the token pages that one only.
    expect((await inbox(`status=approved&pageSize=1&pageToken=${token}`)).statusCode).toBe(400);
    const supervision = await stack.as('supervisor', { method: 'GET', url: `/supervision/items?status=in-review&pageSize=1&pageToken=${token}` });
    expect(supervision.statusCode).toBe(400);
  });
});
