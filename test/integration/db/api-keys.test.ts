/**
 * API keys on the database, on PGlite and on a PostgreSQL server: minted with a digest only, looked up
 * by digest, ids unique (also when creations race, and across processes), deleted keys gone at once,
 * and the authenticator over the store.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidApiKeyError, sha256Hex } from '../../../adapters/api-keys';
import { PostgresApiKeyStore } from '../../../adapters/db/api-keys';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { testDatabases } from '../../helpers/databases';

describe.each(testDatabases())('PostgresApiKeyStore on %s', (backend, database) => {
  let store: PostgresApiKeyStore;
  beforeAll(async () => {
    store = new PostgresApiKeyStore(await database.open());
  });
  beforeEach(() => database.reset());
  afterAll(() => database.close());

  it('mints a key whose digest alone is stored, and finds it by the digest', async () => {
    const { record, token } = await store.create({ roles: ['department'], department: 'water-affairs' });
    expect(token).toMatch(/^yjs_[A-Za-z0-9_-]{32}$/);
    expect(record).toEqual({ id: 'officer-water-affairs', roles: ['department'], department: 'water-affairs', tokenSha256: sha256Hex(token) });
    expect(await store.lookup(sha256Hex(token))).toEqual(record);
    expect(await store.lookup(sha256Hex(`${token}x`))).toBeUndefined();
    const { rows } = await sql<Record<string, unknown>>`SELECT * FROM api_keys`.execute(await database.open());
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('lists keys by id and deletes them: a deleted key is found no more', async () => {
    const integrator = await store.create({ roles: ['integrator'], id: 'partner-portal' });
    await store.create({ roles: ['admin'] });
    expect((await store.list()).map((k) => k.id)).toEqual(['admin', 'partner-portal']);
    expect(await store.delete('partner-portal')).toBe(true);
    expect(await store.delete('partner-portal')).toBe(false);
    expect(await store.lookup(integrator.record.tokenSha256)).toBeUndefined();
    expect((await store.list()).map((k) => k.id)).toEqual(['admin']);
  });

  it('refuses an id that is taken, and a key that breaks the rules', async () => {
    await store.create({ roles: ['integrator'], id: 'partner' });
    await expect(store.create({ roles: ['designer'], id: 'partner' })).rejects.toThrow(InvalidApiKeyError);
    await expect(store.create({ roles: ['department'] })).rejects.toThrow(/department/);
    await expect(store.create({ roles: ['integrator'], id: 'Not An Id' })).rejects.toThrow(InvalidApiKeyError);
    expect((await store.list()).map((k) => k.id)).toEqual(['partner']);
  });

  it('gives keys without an id distinct default ids, also when their creations race', async () => {
    const minted = await Promise.all(Array.from({ length: 6 }, () => store.create({ roles: ['window'], department: 'gov-service' })));
    expect(minted.map((m) => m.record.id).sort()).toEqual(['window-gov-service', ...[2, 3, 4, 5, 6].map((n) => `window-gov-service-${n}`)].sort());
  });

  it.runIf(backend === 'postgres')('gives distinct ids when two processes (two connection pools) mint at once', async () => {
    const other = new PostgresApiKeyStore(await database.openAnother());
    const minted = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? store : other).create({ roles: ['integrator'] })));
    expect(new Set(minted.map((m) => m.record.id)).size).toBe(8);
    expect(await store.list()).toHaveLength(8);
  });

  it('authenticates a request by the store, on every call', async () => {
    const authenticator = new ApiKeyAuthenticator(store);
    const { token } = await store.create({ roles: ['supervisor'] });
    expect(await authenticator.authenticate(token)).toEqual({ id: 'supervisor', roles: ['supervisor'] });
    await store.delete('supervisor');
    expect(await authenticator.authenticate(token)).toBeUndefined();
  });
});
