/**
 * The registry of published bundle definitions. A published id+version is immutable: publishing the
 * same content again is a no-op, different content under the same version is a conflict. Cases pin the
 * plan of the version they started with, so a new version never changes a case in flight.
 */
import { link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compile, hashDefinition } from './compile';
import { DefinitionError, DefinitionNotFoundError, VersionConflictError } from './errors';
import { lint } from './lint';
import type { ExecutionPlan } from './plan';
import type { BundleDefinition, LocalizedText } from './schema';

/** A published version: the parsed definition and the plan compiled from it at publication. */
export interface StoredDefinition {
  definition: BundleDefinition;
  plan: ExecutionPlan;
  /** ISO 8601 instant of publication. */
  publishedAt: string;
  /** Published through the API, or loaded from `definitions/bundles/`. */
  source: 'api' | 'file';
}

/** The id and version of a stored version. */
export interface VersionKey {
  bundleId: string;
  version: number;
}

/**
 * Where published versions are kept: each id+version once. Several processes may share a store (API
 * nodes on one database), so `save` is create-once: the first version stored under an id+version is
 * the version, and a later save gets it back (with the same content that is a repeat; with other
 * content the registry reports a conflict). `keys` and `load` let a registry pick up the versions
 * other processes saved since it loaded.
 */
export interface RegistryStore {
  loadAll(): Promise<StoredDefinition[]>;
  /** The id and version of every stored version, of one bundle when `bundleId` is given: a cheap look, no content. */
  keys(bundleId?: string): Promise<VersionKey[]>;
  /** The stored versions among `keys` (a key it does not hold is left out). */
  load(keys: VersionKey[]): Promise<StoredDefinition[]>;
  /** Stores `entry` unless its id+version is stored; `stored` is what the store holds now, `created` whether this call stored it. */
  save(entry: StoredDefinition): Promise<{ stored: StoredDefinition; created: boolean }>;
}

/** Keeps published versions in memory only (tests, or a registry rebuilt from files at each start). */
export class MemoryRegistryStore implements RegistryStore {
  private readonly entries: StoredDefinition[] = [];

  async loadAll(): Promise<StoredDefinition[]> {
    return structuredClone(this.entries);
  }

  async keys(bundleId?: string): Promise<VersionKey[]> {
    return this.entries.filter((e) => bundleId === undefined || e.definition.id === bundleId).map((e) => ({ bundleId: e.definition.id, version: e.definition.version }));
  }

  async load(keys: VersionKey[]): Promise<StoredDefinition[]> {
    const wanted = new Set(keys.map(keyOf));
    return structuredClone(this.entries.filter((e) => wanted.has(keyOf({ bundleId: e.definition.id, version: e.definition.version }))));
  }

  async save(entry: StoredDefinition): Promise<{ stored: StoredDefinition; created: boolean }> {
    const existing = this.entries.find((e) => e.definition.id === entry.definition.id && e.definition.version === entry.definition.version);
    if (existing) return { stored: structuredClone(existing), created: false };
    this.entries.push(structuredClone(entry));
    return { stored: entry, created: true };
  }
}

/**
 * Keeps each published version in `<dir>/<bundleId>/<version>.json`. A version is written to a
 * temporary file and then hard-linked to its name, which the file system makes atomic and exclusive:
 * a crash never leaves a half-written version behind, and of two writers of one version the first wins.
 */
export class FileRegistryStore implements RegistryStore {
  constructor(private readonly dir: string) {}

  async loadAll(): Promise<StoredDefinition[]> {
    const entries: StoredDefinition[] = [];
    for (const bundleId of await listDir(this.dir)) {
      for (const name of await listDir(join(this.dir, bundleId))) {
        if (!/^\d+\.json$/.test(name)) continue; // temporary files of interrupted writes
        const file = join(this.dir, bundleId, name);
        const entry = JSON.parse(await readFile(file, 'utf8')) as StoredDefinition;
        checkStored(entry, file, bundleId, Number(name.slice(0, -'.json'.length)));
        entries.push(entry);
      }
    }
    return entries;
  }

  async keys(bundleId?: string): Promise<VersionKey[]> {
    const keys: VersionKey[] = [];
    for (const id of bundleId === undefined ? await listDir(this.dir) : [bundleId]) {
      if (!BUNDLE_FOLDER.test(id)) continue; // not a bundle id: no folder of ours (nor a path out of ours)
      for (const name of await listDir(join(this.dir, id))) {
        if (/^\d+\.json$/.test(name)) keys.push({ bundleId: id, version: Number(name.slice(0, -'.json'.length)) });
      }
    }
    return keys;
  }

  async load(keys: VersionKey[]): Promise<StoredDefinition[]> {
    const entries: StoredDefinition[] = [];
    for (const { bundleId, version } of keys) {
      if (!BUNDLE_FOLDER.test(bundleId) || !Number.isInteger(version)) continue;
      const file = join(this.dir, bundleId, `${version}.json`);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw cause;
      }
      const entry = JSON.parse(text) as StoredDefinition;
      checkStored(entry, file, bundleId, version);
      entries.push(entry);
    }
    return entries;
  }

  async save(entry: StoredDefinition): Promise<{ stored: StoredDefinition; created: boolean }> {
    const { id, version } = entry.definition;
    const dir = join(this.dir, id);
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${version}.json`);
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, JSON.stringify(entry, null, 2) + '\n', 'utf8');
    try {
      await link(temporary, file);
      return { stored: entry, created: true };
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw cause;
      const stored = JSON.parse(await readFile(file, 'utf8')) as StoredDefinition;
      checkStored(stored, file, id, version);
      return { stored, created: false };
    } finally {
      await rm(temporary, { force: true });
    }
  }
}

const keyOf = ({ bundleId, version }: VersionKey): string => `${bundleId}@${version}`;

/** A bundle id (the schema's slug), so a folder name from a request never leads out of the store's folder. */
const BUNDLE_FOLDER = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Directory entries in a stable order; a missing directory is empty. */
async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw cause;
  }
}

/**
 * A stored version must be where its content says and must not have been edited since publication.
 * `where` names it in the error (a file, a database row). Every store checks what it loads.
 */
export function checkStored(entry: StoredDefinition, where: string, bundleId: string, version: number): void {
  const { definition, plan } = entry;
  if (definition?.id !== bundleId || definition.version !== version) {
    throw new Error(`${where}: holds ${definition?.id} version ${definition?.version}, not ${bundleId} version ${version}`);
  }
  if (plan?.hash !== hashDefinition(definition)) {
    throw new Error(`${where}: the definition does not match the hash of its plan; published versions must not be edited`);
  }
}

/** One line per bundle in `DefinitionRegistry.list()`. */
export interface BundleSummary {
  id: string;
  title: LocalizedText;
  latestVersion: number;
  /** Published versions, ascending. */
  versions: number[];
}

export interface RegistryOptions {
  /** Bundle files (`*.json`) published with source "file" at start, e.g. `definitions/bundles`. */
  bundlesDir?: string;
  store?: RegistryStore;
  /** Clock for `publishedAt`; tests pass a fixed one. */
  now?: () => Date;
}

/** Published bundle definitions by id and version. Create with `DefinitionRegistry.open`. */
export class DefinitionRegistry {
  private readonly bundles = new Map<string, Map<number, StoredDefinition>>();
  /** Publications run one at a time, so two concurrent publishes of one version cannot both create it. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: Array<(entry: StoredDefinition) => Promise<void>> = [];

  private constructor(
    private readonly store: RegistryStore,
    private readonly now: () => Date,
  ) {}

  /**
   * Loads every version from the store, then publishes every `bundlesDir/*.json` (in name order). A file
   * that is invalid, or whose id+version is already published with other content, fails the whole open
   * with an error naming the file: the repository and the published versions must agree.
   */
  static async open(options: RegistryOptions = {}): Promise<DefinitionRegistry> {
    const registry = new DefinitionRegistry(options.store ?? new MemoryRegistryStore(), options.now ?? (() => new Date()));
    for (const entry of await registry.store.loadAll()) registry.remember(entry);
    if (options.bundlesDir) await registry.publishFiles(options.bundlesDir);
    return registry;
  }

  /**
   * Lints, compiles and publishes a definition as written. Returns "unchanged" with the existing entry
   * when the same id+version is already published with the same content.
   * @throws DefinitionError when lint finds errors (every issue is in `issues`).
   * @throws VersionConflictError when the id+version is published with different content.
   */
  publish(input: unknown, source: 'api' | 'file'): Promise<{ status: 'created' | 'unchanged'; entry: StoredDefinition }> {
    const result = this.queue.then(() => this.publishNow(input, source));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Calls `listener` after each new version is published (not for an unchanged one), before `publish`
   * answers, so what it prepares (e.g. the new departments' API keys) is there when the publisher hears
   * back. A listener's failure is its own to report: it does not undo or fail the publication.
   */
  onPublished(listener: (entry: StoredDefinition) => Promise<void>): void {
    this.listeners.push(listener);
  }

  /**
   * Picks up what other processes sharing the store (API nodes on one database) published since this
   * registry loaded, before a read with `get`, `versions` or `list`: a publication on one node is then
   * seen by the next request to any node. A named version this registry holds asks nothing (versions
   * are immutable); otherwise one cheap look at the stored ids and versions (of `bundleId`, or of every
   * bundle when it is omitted: a list), and a load of the versions missing here.
   */
  async refresh(bundleId?: string, version?: number): Promise<void> {
    if (bundleId !== undefined && version !== undefined && this.bundles.get(bundleId)?.has(version)) return;
    const missing = (await this.store.keys(bundleId)).filter((key) => !this.bundles.get(key.bundleId)?.has(key.version));
    if (missing.length === 0) return;
    for (const entry of await this.store.load(missing)) this.remember(entry);
  }

  /**
   * A published version, or the latest (highest) version when `version` is omitted. Holds what this
   * registry has loaded: call {@link DefinitionRegistry.refresh} first where another process may have
   * published.
   * @throws DefinitionNotFoundError
   */
  get(bundleId: string, version?: number): StoredDefinition {
    const versions = this.bundles.get(bundleId);
    const entry = versions?.get(version ?? Math.max(...(versions?.keys() ?? [])));
    if (!entry) throw new DefinitionNotFoundError(bundleId, version);
    return entry;
  }

  /**
   * The published versions of a bundle, ascending.
   * @throws DefinitionNotFoundError when no version of the bundle is published.
   */
  versions(bundleId: string): number[] {
    const versions = this.bundles.get(bundleId);
    if (!versions) throw new DefinitionNotFoundError(bundleId);
    return [...versions.keys()].sort((a, b) => a - b);
  }

  /** One summary per bundle (title of the latest version), by id. */
  list(): BundleSummary[] {
    return [...this.bundles.keys()].sort().map((id) => {
      const versions = this.versions(id);
      const latestVersion = versions[versions.length - 1]!;
      return { id, title: this.get(id, latestVersion).definition.title, latestVersion, versions };
    });
  }

  private async publishNow(input: unknown, source: 'api' | 'file') {
    const linted = lint(input);
    if (!linted.ok) throw new DefinitionError(linted.issues);
    // `$schema` is an editor hint relative to the file it came from, not content (the hash ignores it too).
    const { $schema: _editorHint, ...definition } = linted.definition!;
    const plan = compile(definition);
    const existing = this.bundles.get(plan.bundleId)?.get(plan.version);
    if (existing) {
      if (existing.plan.hash !== plan.hash) throw new VersionConflictError(plan.bundleId, plan.version);
      return { status: 'unchanged' as const, entry: existing };
    }
    // Another process sharing the store may have published this version since we loaded: its version stands.
    const { stored, created } = await this.store.save({ definition, plan, publishedAt: this.now().toISOString(), source });
    if (stored.plan.hash !== plan.hash) {
      this.remember(stored);
      throw new VersionConflictError(plan.bundleId, plan.version);
    }
    this.remember(stored);
    if (!created) return { status: 'unchanged' as const, entry: stored };
    for (const listener of this.listeners) await listener(stored).catch(() => undefined);
    return { status: 'created' as const, entry: stored };
  }

  private async publishFiles(dir: string): Promise<void> {
    const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
    for (const name of names) {
      const file = join(dir, name);
      try {
        await this.publish(JSON.parse(await readFile(file, 'utf8')), 'file');
      } catch (cause) {
        throw new Error(`${file}: ${(cause as Error).message}`, { cause });
      }
    }
  }

  private remember(entry: StoredDefinition): void {
    const { id, version } = entry.definition;
    const versions = this.bundles.get(id) ?? new Map<number, StoredDefinition>();
    versions.set(version, entry);
    this.bundles.set(id, versions);
  }
}
