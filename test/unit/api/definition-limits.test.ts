/**
 * The definition routes refuse definitions over the size limits: a 422 (or `valid: false`) naming
 * the limit and its path, a 413 for a body past any definition. No Temporal server needed.
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { LIMITS, definitionBytes } from '../../../definitions/limits';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { mintKeys } from '../../../runtime/api-keys';
import { PROJECT_ROOT } from '../../../runtime/config';

let app: FastifyInstance;
let registry: DefinitionRegistry;
let tokens: Record<string, string>;

beforeAll(async () => {
  registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
  const keys = mintKeys([{ id: 'designer', roles: ['designer'] }]);
  tokens = keys.tokens;
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  app = await buildApp({ client, namespace: 'default', registry, authenticator: new ApiKeyAuthenticator(keys.records) });
});
afterAll(async () => {
  await app?.close();
});

const post = (url: string, payload: string) =>
  app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.designer}` } });

/** The restaurant bundle as version 2 with `extraFields` unused fields carrying the longest help text. */
function restaurantWithFields(extraFields: number): Record<string, unknown> {
  const definition = structuredClone(registry.get('open-restaurant', 1).definition) as unknown as { version: number; fields: unknown[] };
  definition.version = 2;
  const help = { zh: '说'.repeat(LIMITS.textChars), en: 'h'.repeat(LIMITS.textChars) };
  for (let i = 0; i < extraFields; i++) definition.fields.push({ id: `extra${i}`, label: { zh: `附加${i}`, en: `extra ${i}` }, type: 'string', help });
  return definition as unknown as Record<string, unknown>;
}

describe('POST /definitions and /definitions/validate: size limits', () => {
  it('refuses a definition over the total size with its issue, and publishes nothing', async () => {
    const definition = restaurantWithFields(200);
    expect(definitionBytes(definition)).toBeGreaterThan(LIMITS.definitionBytes);
    const tooLarge = expect.objectContaining({ path: '', code: 'definition-too-large' });

    const validated = await post('/definitions/validate', JSON.stringify(definition, null, 2));
    expect(validated.statusCode).toBe(200);
    expect(validated.json()).toMatchObject({ valid: false, issues: expect.arrayContaining([tooLarge]) });

    const published = await post('/definitions', JSON.stringify(definition));
    expect(published.statusCode).toBe(422);
    expect(published.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(published.json().errors).toEqual(expect.arrayContaining([tooLarge]));
    expect(registry.versions('open-restaurant')).toEqual([1]);
  });

  it('refuses more items than the limit at /items', async () => {
    const definition = restaurantWithFields(0) as { items: Array<{ id: string }> };
    const template = definition.items[0]!;
    definition.items = Array.from({ length: LIMITS.items + 1 }, (_, i) => ({ ...template, id: `item-${i}` }));
    const response = await post('/definitions', JSON.stringify(definition));
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/items', code: 'schema/too_big' })]));
  });

  it('answers 413 for a body larger than any definition may be, however indented', async () => {
    const response = await post('/definitions/validate', JSON.stringify(restaurantWithFields(300), null, 2));
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});
