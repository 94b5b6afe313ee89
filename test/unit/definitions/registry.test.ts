import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DefinitionError, DefinitionNotFoundError, VersionConflictError } from '../../../definitions/errors';
import { DefinitionRegistry, FileRegistryStore, MemoryRegistryStore } from '../../../definitions/registry';
import { validDefinition } from './fixtures';

const BUNDLES_DIR = fileURLToPath(new URL('../../../definitions/bundles/', import.meta.url));
const fixedClock = () => new Date('2025-03-03T08:00:00.000Z');

function version(n: number, title = 'test bundle') {
  const definition = validDefinition();
  definition.version = n;
  definition.title = { zh: title, en: title };
  return definition;
}

const tmpDirs: string[] = [];
async function tmp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'yijianshi-registry-'));
  tmpDirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(tmpDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('DefinitionRegistry.publish', () => {
  it('creates an entry with its plan when the version is new', async () => {
    const registry = await DefinitionRegistry.open({ now: fixedClock });
    const { status, entry } = await registry.publish(version(1), 'api');
    expect(status).toBe('created');
    expect(entry).toMatchObject({ publishedAt: '2025-03-03T08:00:00.000Z', source: 'api' });
    expect(entry.plan).toMatchObject({ bundleId: 'test-bundle', version: 1, criticalPath: { days: 3 } });
    expect(entry.definition.$schema).toBeUndefined();
    expect(registry.get('test-bundle', 1)).toBe(entry);
  });

  it('returns unchanged with the first entry when the same content is published again', async () => {
    const registry = await DefinitionRegistry.open();
    const first = await registry.publish(version(1), 'file');
    const withoutSchema = version(1);
    delete withoutSchema.$schema;
    const again = await registry.publish(withoutSchema, 'api');
    expect(again).toEqual({ status: 'unchanged', entry: first.entry });
  });

  it('throws VersionConflictError when the version is published with different content', async () => {
    const registry = await DefinitionRegistry.open();
    await registry.publish(version(1), 'api');
    const conflict = registry.publish(version(1, 'changed'), 'api');
    await expect(conflict).rejects.toBeInstanceOf(VersionConflictError);
    await expect(conflict).rejects.toMatchObject({ bundleId: 'test-bundle', version: 1 });
    expect(registry.get('test-bundle').definition.title.en).toBe('test bundle');
  });

  it('throws DefinitionError with every issue when the definition does not lint', async () => {
    const registry = await DefinitionRegistry.open();
    const invalid = version(1);
    invalid.items[1]!.defaultable = false;
    invalid.items[2]!.department = 'nowhere';
    const error = await registry.publish(invalid, 'api').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).issues.map((issue) => issue.code)).toEqual(['unknown-department', 'non-defaultable-default']);
    expect(() => registry.get('test-bundle')).toThrow(DefinitionNotFoundError);
  });

  it('creates one version and refuses the other when two publish the same version at once', async () => {
    const registry = await DefinitionRegistry.open();
    const results = await Promise.allSettled([registry.publish(version(1, 'one'), 'api'), registry.publish(version(1, 'two'), 'api')]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
  });
});

describe('DefinitionRegistry lookups', () => {
  it('gets the latest version when none is given, and any published version when asked', async () => {
    const registry = await DefinitionRegistry.open();
    await registry.publish(version(2, 'second'), 'api');
    await registry.publish(version(1, 'first'), 'api');
    expect(registry.get('test-bundle').definition.version).toBe(2);
    expect(registry.get('test-bundle', 1).definition.title.en).toBe('first');
    expect(registry.versions('test-bundle')).toEqual([1, 2]);
  });

  it('throws DefinitionNotFoundError when the bundle or the version is not published', async () => {
    const registry = await DefinitionRegistry.open();
    await registry.publish(version(1), 'api');
    expect(() => registry.get('other')).toThrow(DefinitionNotFoundError);
    expect(() => registry.get('test-bundle', 7)).toThrow(expect.objectContaining({ bundleId: 'test-bundle', version: 7 }));
    expect(() => registry.versions('other')).toThrow(DefinitionNotFoundError);
  });

  it('lists one summary per bundle, by id, with the latest title', async () => {
    const registry = await DefinitionRegistry.open({ bundlesDir: BUNDLES_DIR });
    await registry.publish(version(1, 'old'), 'api');
    await registry.publish(version(3, 'new'), 'api');
    expect(registry.list()).toEqual([
      expect.objectContaining({ id: 'enterprise-deregistration', latestVersion: 1 }),
      expect.objectContaining({ id: 'enterprise-startup', latestVersion: 1, versions: [1] }),
      expect.objectContaining({ id: 'newborn', latestVersion: 1 }),
      expect.objectContaining({ id: 'open-restaurant', latestVersion: 1 }),
      expect.objectContaining({ id: 'property-transfer-utilities', latestVersion: 1 }),
      { id: 'test-bundle', title: { zh: 'new', en: 'new' }, latestVersion: 3, versions: [1, 3] },
    ]);
  });
});

describe('DefinitionRegistry.open', () => {
  it('publishes every bundle file with source "file"', async () => {
    const registry = await DefinitionRegistry.open({ bundlesDir: BUNDLES_DIR });
    expect(registry.list().map((summary) => summary.id)).toEqual([
      'enterprise-deregistration',
      'enterprise-startup',
      'newborn',
      'open-restaurant',
      'property-transfer-utilities',
    ]);
    expect(registry.get('newborn').source).toBe('file');
  });

  it('keeps the stored entries when the bundle files are already published', async () => {
    const store = new MemoryRegistryStore();
    const first = await DefinitionRegistry.open({ bundlesDir: BUNDLES_DIR, store, now: fixedClock });
    const second = await DefinitionRegistry.open({ bundlesDir: BUNDLES_DIR, store, now: () => new Date('2030-01-01T00:00:00Z') });
    expect(second.get('newborn')).toEqual(first.get('newborn'));
    expect(await store.loadAll()).toHaveLength(5);
  });

  it('fails naming the file when a bundle file conflicts with a published version', async () => {
    const store = new MemoryRegistryStore();
    await (await DefinitionRegistry.open({ store })).publish(version(1), 'api');
    const dir = await tmp();
    await writeFile(join(dir, 'test-bundle.json'), JSON.stringify(version(1, 'edited in the repo')));
    const opening = DefinitionRegistry.open({ store, bundlesDir: dir });
    await expect(opening).rejects.toThrow(/test-bundle\.json: bundle "test-bundle" version 1 is already published/);
    await expect(opening).rejects.toMatchObject({ cause: expect.any(VersionConflictError) });
  });

  it('fails naming the file when a bundle file does not lint', async () => {
    const dir = await tmp();
    const invalid = version(1);
    invalid.promisedDays = 1;
    await writeFile(join(dir, 'broken.json'), JSON.stringify(invalid));
    await expect(DefinitionRegistry.open({ bundlesDir: dir })).rejects.toThrow(/broken\.json: .*bundle-promise-below-critical-path/);
  });
});

describe('FileRegistryStore', () => {
  it('persists each version to <dir>/<bundleId>/<version>.json and loads it back', async () => {
    const dir = await tmp();
    const registry = await DefinitionRegistry.open({ store: new FileRegistryStore(dir), now: fixedClock });
    const { entry } = await registry.publish(version(1), 'api');
    await registry.publish(version(2), 'api');
    expect(await readdir(join(dir, 'test-bundle'))).toEqual(['1.json', '2.json']);
    expect(JSON.parse(await readFile(join(dir, 'test-bundle', '1.json'), 'utf8'))).toEqual(entry);

    const reopened = await DefinitionRegistry.open({ store: new FileRegistryStore(dir) });
    expect(reopened.get('test-bundle', 1)).toEqual(entry);
    expect(reopened.versions('test-bundle')).toEqual([1, 2]);
  });

  it('loads nothing when the directory does not exist yet', async () => {
    const store = new FileRegistryStore(join(await tmp(), 'missing'));
    expect(await store.loadAll()).toEqual([]);
  });

  it('ignores temporary files left by an interrupted write', async () => {
    const dir = await tmp();
    const store = new FileRegistryStore(dir);
    await (await DefinitionRegistry.open({ store })).publish(version(1), 'api');
    await writeFile(join(dir, 'test-bundle', '2.json.123.456.tmp'), '{"trunc');
    expect(await store.loadAll()).toHaveLength(1);
  });

  it('shows a registry on the same folder what another published, once refreshed, and names no file outside it', async () => {
    const dir = await tmp();
    const reader = await DefinitionRegistry.open({ store: new FileRegistryStore(dir) });
    const writer = await DefinitionRegistry.open({ store: new FileRegistryStore(dir) });
    await writer.publish(version(1), 'api');
    await writer.publish(version(2, 'Second'), 'api');
    await reader.refresh('test-bundle', 1);
    expect(reader.versions('test-bundle')).toEqual([1, 2]);
    expect(reader.get('test-bundle').definition.title.en).toBe('Second');
    expect(await new FileRegistryStore(dir).keys('../test-bundle')).toEqual([]);
    expect(await new FileRegistryStore(dir).load([{ bundleId: '..', version: 1 }])).toEqual([]);
  });

  it('fails naming the file when a stored version was edited after publication', async () => {
    const dir = await tmp();
    await (await DefinitionRegistry.open({ store: new FileRegistryStore(dir) })).publish(version(1), 'api');
    const file = join(dir, 'test-bundle', '1.json');
    const stored = JSON.parse(await readFile(file, 'utf8'));
    stored.definition.promisedDays = 30;
    await writeFile(file, JSON.stringify(stored));
    await expect(new FileRegistryStore(dir).loadAll()).rejects.toThrow(/1\.json: the definition does not match the hash/);
  });
});
