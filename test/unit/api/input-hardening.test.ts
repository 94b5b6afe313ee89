/**
 * Input a client can send is refused with a 4xx naming where, never a 500: prototype names as ids,
 * subject ids that could become paths, lone surrogates, repeated member names and deep nesting in
 * JSON bodies. No Temporal server: every refusal here happens before the client is used.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { ProblemTypes } from '../../../api/problems';
import { SubjectId } from '../../../api/schemas';
import { parseJson } from '../../../cli/json-source';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { MAX_JSON_DEPTH } from '../../../definitions/strict-json';
import { mintKeys } from '../../../runtime/api-keys';
import { PROJECT_ROOT } from '../../../runtime/config';
import { restaurantApplication } from '../../fixtures/applications';

let app: FastifyInstance;
let registry: DefinitionRegistry;
let tokens: Record<string, string>;

beforeAll(async () => {
  registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
  const keys = mintKeys([
    { id: 'designer', roles: ['designer'] },
    { id: 'integrator', roles: ['integrator'] },
  ]);
  tokens = keys.tokens;
  // Nothing here may reach Temporal: a client that cannot connect makes any that does fail the test.
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  app = await buildApp({ client, namespace: 'default', registry, authenticator: new ApiKeyAuthenticator(keys.records) });
});
afterAll(async () => {
  await app?.close();
});

const as = (principal: string, options: InjectOptions) =>
  app.inject({ ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${tokens[principal]}` } });

/** A JSON request with the body exactly as written (escapes and repeated names kept). */
const postText = (principal: string, url: string, body: string) =>
  as(principal, { method: 'POST', url, payload: body, headers: { 'content-type': 'application/json' } });

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const restaurantText = async () => readFile(join(PROJECT_ROOT, 'definitions', 'bundles', 'open-restaurant.json'), 'utf8');

describe('GET /problems/:slug', () => {
  it('is 404 when the slug names a member of every object, not a problem type', async () => {
    const names = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupSetter__'];
    for (const name of names) {
      const response = await app.inject({ method: 'GET', url: `/problems/${name}` });
      expect(response.statusCode, name).toBe(404);
      expect(response.json()).toMatchObject({ type: '/problems/not-found' });
    }
  });

  it('documents every real problem type', async () => {
    for (const [slug, { status }] of Object.entries(ProblemTypes)) {
      const response = await app.inject({ method: 'GET', url: `/problems/${slug}` });
      expect(response.statusCode, slug).toBe(200);
      expect(response.json()).toMatchObject({ type: `/problems/${slug}`, status });
    }
  });
});

describe('subject ids', () => {
  const refused = ['', '.', '..', '../x', '..%2Fx', 'a/b', 'a\\b', 'a\u0000b', 'a\nb', '\u007f', '\u202eabc', ' a', 'a b', '-a', '中文', 'x'.repeat(65)];

  it('POST /cases refuses one that could be a path, a control character or not an id, with 400 at its path', async () => {
    for (const subjectId of refused) {
      const response = await as('integrator', { method: 'POST', url: '/cases', payload: restaurantApplication({ subjectId }) });
      expect(response.statusCode, JSON.stringify(subjectId)).toBe(400);
      expect(response.json().errors).toEqual([expect.objectContaining({ path: '/body/applicant/subjectId' })]);
    }
  });

  it('GET /definitions/:id/prefill refuses the same in ?subject=, with 400 at its path', async () => {
    for (const subject of refused.filter((s) => s !== '')) {
      const response = await as('integrator', { method: 'GET', url: `/definitions/open-restaurant/prefill?subject=${encodeURIComponent(subject)}` });
      expect(response.statusCode, JSON.stringify(subject)).toBe(400);
      expect(response.json().errors).toEqual([expect.objectContaining({ path: '/querystring/subject' })]);
    }
    const raw = await as('integrator', { method: 'GET', url: '/definitions/open-restaurant/prefill?subject=%ED%A0%80' });
    expect(raw.statusCode).toBe(400);
  });

  it('admits 统一社会信用代码, ID numbers and every subject of the sample data', async () => {
    const samples = await Promise.all(
      ['credit/subjects.json', 'certificates/licences.json'].map(async (file) => readFile(join(PROJECT_ROOT, 'adapters', 'data', file), 'utf8')),
    );
    const ids = samples.flatMap((text) => [...text.matchAll(/"subjectId":\s*"([^"]*)"/g)].map((match) => match[1]!));
    expect(ids.length).toBeGreaterThan(3);
    for (const id of ['91420100MA4K0000X1', '420104199003071234', '42010419900307123X', 'H12345678', ...ids]) {
      expect(SubjectId.safeParse(id).success, id).toBe(true);
    }
  });
});

describe('JSON bodies', () => {
  it('a lone surrogate in a form value is a 400 naming its path, before anything is started', async () => {
    const body = JSON.stringify(restaurantApplication()).replace('"shopName":"', '"shopName":"\\ud800');
    expect(body).toContain('\\ud800');
    const response = await postText('integrator', '/cases', body);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ type: '/problems/malformed-request' });
    expect(response.json().errors).toEqual([expect.objectContaining({ path: '/body/form/shopName', code: 'lone-surrogate' })]);
  });

  it('a lone surrogate in a member name, or a low one alone, is a 400 too; a surrogate pair is text', async () => {
    const name = await postText('designer', '/definitions/validate', '{"a": {"x\\udc00": 1}}');
    expect(name.statusCode).toBe(400);
    expect(name.json().errors).toEqual([expect.objectContaining({ path: '/body/a/x\udc00', code: 'lone-surrogate' })]);
    const low = await postText('designer', '/definitions/validate', '{"a": ["ok", "\\udfff\\ud800"]}');
    expect(low.json().errors).toEqual([expect.objectContaining({ path: '/body/a/1', code: 'lone-surrogate' })]);
    const pair = await postText('designer', '/definitions/validate', '{"title": {"zh": "\\ud83d\\ude00", "en": "😀"}}');
    expect(pair.statusCode, pair.body).toBe(200);
  });

  it('POST /definitions refuses a definition with a repeated member name, naming both places, and publishes nothing', async () => {
    const text = (await restaurantText()).replace('"version": 1,', '"version": 1,\n  "version": 7,');
    const response = await postText('designer', '/definitions', text);
    expect(response.statusCode, response.body).toBe(400);
    const [issue] = response.json().errors;
    expect(issue).toMatchObject({ path: '/body/version', code: 'duplicate-key' });
    expect(issue.message).toMatch(/line 5, column 3; first at line 4, column 3/);
    expect(registry.versions('open-restaurant')).toEqual([1]);
  });

  it(`accepts values nested ${MAX_JSON_DEPTH} deep and refuses one level more, as the CLI does`, async () => {
    const deepest = `{"deep": ${nested(MAX_JSON_DEPTH - 1)}}`;
    const accepted = await postText('designer', '/definitions/validate', deepest);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(parseJson(deepest).ok).toBe(true);

    const deeper = `{"deep": ${nested(MAX_JSON_DEPTH)}}`;
    const refused = await postText('designer', '/definitions/validate', deeper);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([expect.objectContaining({ path: `/body/deep${'/0'.repeat(MAX_JSON_DEPTH - 1)}`, code: 'too-deep' })]);
    expect(parseJson(deeper)).toMatchObject({ ok: false, kind: 'refused' });
  });

  it('a body nested 100,000 deep is a 400, not a stack overflow', async () => {
    for (const url of ['/definitions/validate', '/definitions', '/cases']) {
      const response = await postText(url === '/cases' ? 'integrator' : 'designer', url, nested(100_000));
      expect(response.statusCode, url).toBe(400);
      expect(response.json().errors[0]).toMatchObject({ code: 'too-deep' });
    }
  });
});
