/**
 * Published definitions on the database, on PGlite and on a PostgreSQL server: versions are immutable
 * (the same content again is unchanged, other content a conflict), a reopened registry has every
 * version, and two registries sharing the database (two API nodes) cannot both create a version.
 */
import { sql } from 'kysely';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresRegistryStore } from '../../../adapters/db/registry';
import { DefinitionNotFoundError, VersionConflictError } from '../../../definitions/errors';
import { DefinitionRegistry } from '../../../definitions/registry';
import { PROJECT_ROOT } from '../../../runtime/config';
import { validDefinition } from '../../unit/definitions/fixtures';
import { testDatabases } from '../../helpers/databases';

const fixedClock = () => new Date('2026-03-02T08:00:00.000Z');
function version(n: number, title = 'test bundle') {
  const definition = validDefinition();
  definition.version = n;
  definition.title = { zh: title, en: title };
  return definition;
}

describe.each(testDatabases())('PostgresRegistryStore on %s', (backend, database) => {
  let store: PostgresRegistryStore;
  beforeAll(async () => {
    store = new PostgresRegistryStore(await database.open());
  });
  beforeEach(() => database.reset());
  afterAll(() => database.close());

  it('publishes a version once: the same content again is unchanged, other content a conflict', async () => {
    const registry = await DefinitionRegistry.open({ store, now: fixedClock });
    const created = await registry.publish(version(1), 'api');
    expect(created.status).toBe('created');
    expect((await registry.publish(version(1), 'api')).status).toBe('unchanged');
    await expect(registry.publish(version(1, 'Edited'), 'api')).rejects.toBeInstanceOf(VersionConflictError);
    expect((await registry.publish(version(2, 'Edited'), 'api')).status).toBe('created');
    expect(registry.versions('test-bundle')).toEqual([1, 2]);
  });

  it('gives a reopened registry every version as published, its plan pinned', async () => {
    const registry = await DefinitionRegistry.open({ store, now: fixedClock, bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles') });
    const { entry } = await registry.publish(version(1), 'api');
    const reopened = await DefinitionRegistry.open({ store });
    expect(reopened.get('test-bundle', 1)).toEqual(entry);
    expect(reopened.list().map((b) => b.id)).toEqual(registry.list().map((b) => b.id));
    expect(reopened.get('open-restaurant').source).toBe('file');
    // Kept as written: the definition's own key order.
    expect(Object.keys(reopened.get('test-bundle', 1).definition)).toEqual(Object.keys(entry.definition));
  });

  it('refuses to load a version edited in the database after publication', async () => {
    const registry = await DefinitionRegistry.open({ store });
    await registry.publish(version(1), 'api');
    const db = await database.open();
    await sql`UPDATE definition_versions SET definition = json_build_object('id', 'test-bundle', 'version', 1, 'title', definition->'title')`.execute(db);
    await expect(store.loadAll()).rejects.toThrow(/does not match the hash of its plan/);
  });

  it('shows a registry on the same database what another published since it loaded, once refreshed: by version, as the latest, in the list', async () => {
    const reader = await DefinitionRegistry.open({ store: backend === 'postgres' ? new PostgresRegistryStore(await database.openAnother()) : store });
    const writer = await DefinitionRegistry.open({ store });
    await writer.publish(version(1), 'api');
    expect(() => reader.get('test-bundle', 1)).toThrow(DefinitionNotFoundError);
    await reader.refresh('test-bundle', 1);
    expect(reader.get('test-bundle', 1)).toEqual(writer.get('test-bundle', 1));

    await writer.publish(version(2, 'Second'), 'api');
    await reader.refresh('test-bundle', 1); // a version it holds: nothing asked, nothing new
    expect(reader.get('test-bundle').definition.version).toBe(1);
    await reader.refresh('test-bundle');
    expect(reader.get('test-bundle').definition.title.en).toBe('Second');

    await writer.publish({ ...version(1), id: 'other-bundle' }, 'api');
    await reader.refresh();
    expect(reader.list().map((b) => `${b.id}@${b.latestVersion}`)).toEqual(['other-bundle@1', 'test-bundle@2']);
    // A version nobody published is still not found after a refresh.
    await reader.refresh('test-bundle', 3);
    expect(() => reader.get('test-bundle', 3)).toThrow(DefinitionNotFoundError);
  });

  it('lets one of two registries on the same database create a version: the other sees the conflict or the same version', async () => {
    const first = await DefinitionRegistry.open({ store });
    const second = await DefinitionRegistry.open({ store: backend === 'postgres' ? new PostgresRegistryStore(await database.openAnother()) : store });
    // Both loaded before either published: only the database can tell them apart.
    const [a, b] = await Promise.allSettled([first.publish(version(1, 'From A'), 'api'), second.publish(version(1, 'From B'), 'api')]);
    const outcomes = [a, b].map((o) => (o.status === 'fulfilled' ? o.value.status : (o.reason as Error).name));
    expect(outcomes.sort()).toEqual(['VersionConflictError', 'created']);
    const winner = a.status === 'fulfilled' ? 'From A' : 'From B';
    expect(first.get('test-bundle', 1).definition.title.en).toBe(winner);
    expect(second.get('test-bundle', 1).definition.title.en).toBe(winner);
    // The same content as the winner's, published by the node that lost, is the same version.
    expect((await (a.status === 'fulfilled' ? second : first).publish(version(1, winner), 'api')).status).toBe('unchanged');
  });
});
