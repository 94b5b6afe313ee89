/**
 * POST /definitions/form-preview: the studio's live preview of the one form an unpublished draft
 * would produce. No Temporal server needed (the client never connects).
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { mergeForm } from '../../../forms/merge';
import { LIMITS } from '../../../definitions/limits';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { mintKeys } from '../../../runtime/api-keys';
import { PROJECT_ROOT } from '../../../runtime/config';

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
  app = await buildApp({
    client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
    namespace: 'default',
    registry,
    authenticator: new ApiKeyAuthenticator(keys.records),
  });
});
afterAll(async () => {
  await app?.close();
});

const as = (principal: string, options: InjectOptions) =>
  app.inject({ ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${tokens[principal]}` } });

/** The restaurant's next version with one more field, asked by the business licence. */
function draftWithField() {
  const definition = structuredClone(registry.get('open-restaurant').definition) as unknown as {
    version: number;
    fields: Array<Record<string, unknown>>;
    items: Array<{ id: string; fields: string[] }>;
  };
  definition.version += 1;
  const shopName = definition.fields.find((f) => f.id === 'shopName')!;
  definition.fields.push({ ...shopName, id: 'shopNickname', label: { zh: '店铺简称', en: 'Shop short name' } });
  definition.items.find((i) => i.id === 'business-licence')!.fields.push('shopNickname');
  return definition;
}

describe('POST /definitions/form-preview', () => {
  it('answers the merged form of a draft, the same as publishing would give', async () => {
    const published = await as('designer', { method: 'POST', url: '/definitions/form-preview', payload: registry.get('open-restaurant').definition });
    expect(published.statusCode, published.body).toBe(200);
    expect(published.headers['content-type']).toMatch(/application\/schema\+json/);
    expect(published.json()).toEqual(JSON.parse(JSON.stringify(mergeForm(registry.get('open-restaurant').plan))));

    const draft = await as('designer', { method: 'POST', url: '/definitions/form-preview', payload: draftWithField() });
    expect(draft.statusCode, draft.body).toBe(200);
    expect(draft.json().properties.shopNickname['x-label']).toEqual({ zh: '店铺简称', en: 'Shop short name' });
    expect(draft.json()['x-bundle'].version).toBe(2);
    // Nothing was published.
    expect(registry.versions('open-restaurant')).toEqual([1]);
  });

  it('answers 422 with every issue at its JSON path when the draft is invalid', async () => {
    const broken = draftWithField() as unknown as { items: Array<{ promisedDays: number; fields: string[] }> };
    broken.items[0]!.promisedDays = -1;
    broken.items[1]!.fields.push('noSuchField');
    const response = await as('designer', { method: 'POST', url: '/definitions/form-preview', payload: broken });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    const paths = response.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toContain('/items/0/promisedDays');
  });

  it('is for designers only, and refuses bodies past the definition limit', async () => {
    const definition = registry.get('open-restaurant').definition;
    expect((await as('integrator', { method: 'POST', url: '/definitions/form-preview', payload: definition })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/definitions/form-preview', payload: definition })).statusCode).toBe(401);
    const huge = { ...definition, padding: 'x'.repeat(2 * LIMITS.definitionBytes) };
    expect((await as('designer', { method: 'POST', url: '/definitions/form-preview', payload: huge })).statusCode).toBe(413);
  });
});
