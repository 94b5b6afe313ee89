/**
 * API keys for the embedded deployment. The key file holds only SHA-256 digests and lives outside
 * the repository (`.data/api-keys.json`, or `YJS_API_KEYS_FILE`); `FileApiKeyStore` reads it again
 * whenever it changes, so keys minted while the API runs (by `yijianshi keys create`, the admin API or
 * the development minting below) work at once.
 *
 * In development (`npm start`, unless `YJS_DEV_KEYS=0`) a key is made for each role, an admin, and each
 * department of the loaded bundles, and again for the departments of every bundle published later;
 * the plain keys are added to `.data/dev-tokens.json` (mode 0600) for the developer, and never logged.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { apiKeyProblem, defaultKeyId, InvalidApiKeyError, ROLES, sha256Hex, type ApiKeyRecord, type ApiKeyStore, type NewApiKey, type Role } from '../adapters/api-keys';
import type { DefinitionRegistry } from '../definitions/registry';

const KeyFile = z.object({
  keys: z.array(
    z.object({
      id: z.string().min(1),
      tokenSha256: z.string().regex(/^[a-f0-9]{64}$/),
      roles: z.array(z.enum(ROLES)).min(1),
      department: z.string().optional(),
    }),
  ),
});

export async function loadApiKeys(path: string): Promise<ApiKeyRecord[] | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseKeyFile(path, text);
}

function parseKeyFile(path: string, text: string): ApiKeyRecord[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not a valid key file: ${(err as Error).message}`);
  }
  const parsed = KeyFile.safeParse(json);
  if (!parsed.success) throw new Error(`${path}: not a valid key file: ${z.prettifyError(parsed.error)}`);
  return parsed.data.keys;
}

/** Writes a whole file at once (a reader sees the old or the new content, never half), readable by its owner only. */
async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await rename(temporary, path);
}

interface Loaded {
  /** Identity of the file version read: inode, size, mtime (an atomic replace always changes the inode). */
  stamp: string;
  records: ApiKeyRecord[];
  byDigest: Map<string, ApiKeyRecord>;
}

/**
 * The key file as a store. Reads are synchronous and cheap (one `stat` per request; the file is parsed
 * again only when it changed), so the authenticator can ask it on every request. Writes in this
 * process run one at a time and replace the file atomically; writers in two processes at the same
 * instant could lose one of the two keys (the operator mints keys one at a time).
 */
export class FileApiKeyStore implements ApiKeyStore {
  private loaded: Loaded | undefined;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  lookup(tokenSha256: string): ApiKeyRecord | undefined {
    return this.current().byDigest.get(tokenSha256);
  }

  list(): ApiKeyRecord[] {
    return [...this.current().records];
  }

  has(id: string): boolean {
    return this.current().records.some((r) => r.id === id);
  }

  create(key: NewApiKey): Promise<{ record: ApiKeyRecord; token: string }> {
    return this.serially(async () => {
      const problem = apiKeyProblem(key);
      if (problem) throw new InvalidApiKeyError(problem);
      const records = this.fresh().records;
      const taken = (id: string) => records.some((r) => r.id === id);
      if (key.id !== undefined && taken(key.id)) throw new InvalidApiKeyError(`an API key with the id "${key.id}" exists already`);
      const id = key.id ?? defaultKeyId(key, taken);
      const { records: [record], tokens } = mintKeys([{ id, roles: [...new Set(key.roles)], ...(key.department !== undefined ? { department: key.department } : {}) }]);
      await this.save([...records, record!]);
      return { record: record!, token: tokens[id]! };
    });
  }

  delete(id: string): Promise<boolean> {
    return this.serially(async () => {
      const records = this.fresh().records;
      const kept = records.filter((r) => r.id !== id);
      if (kept.length === records.length) return false;
      await this.save(kept);
      return true;
    });
  }

  private serially<T>(write: () => Promise<T>): Promise<T> {
    const result = this.writes.then(write);
    this.writes = result.catch(() => undefined);
    return result;
  }

  /** The file as it is now; a file that became unreadable keeps the last good keys (and says so) rather than lock everyone out. */
  private current(): Loaded {
    try {
      return this.fresh();
    } catch (err) {
      if (!this.loaded) throw err;
      console.error(`${(err as Error).message}; still using the keys read before`);
      return this.loaded;
    }
  }

  private fresh(): Loaded {
    const stamp = this.stampOf();
    if (this.loaded?.stamp === stamp) return this.loaded;
    const records = stamp === 'absent' ? [] : parseKeyFile(this.path, readFileSync(this.path, 'utf8'));
    this.loaded = { stamp, records, byDigest: new Map(records.map((r) => [r.tokenSha256, r])) };
    return this.loaded;
  }

  private stampOf(): string {
    try {
      const stat = statSync(this.path, { bigint: true });
      return `${stat.ino}:${stat.size}:${stat.mtimeNs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
      throw err;
    }
  }

  private async save(records: ApiKeyRecord[]): Promise<void> {
    await writeAtomically(this.path, `${JSON.stringify({ keys: records }, null, 2)}\n`);
    this.loaded = undefined;
  }
}

export interface DevPrincipal {
  id: string;
  roles: Role[];
  department?: string;
}

/** Creates keys for these principals; returns the records and the plain tokens (shown once). */
export function mintKeys(principals: DevPrincipal[]): { records: ApiKeyRecord[]; tokens: Record<string, string> } {
  const tokens: Record<string, string> = {};
  const records = principals.map((p) => {
    const token = `yjs_${randomBytes(24).toString('base64url')}`;
    tokens[p.id] = token;
    return { ...p, tokenSha256: sha256Hex(token) };
  });
  return { records, tokens };
}

/** The development principals: one per role, and an officer for each department. */
export function devPrincipals(departments: string[], windowDepartments: string[]): DevPrincipal[] {
  return [
    { id: 'integrator', roles: ['integrator'] },
    { id: 'designer', roles: ['designer'] },
    { id: 'supervisor', roles: ['supervisor'] },
    ...windowDepartments.map((d) => ({ id: `window-${d}`, roles: ['window'] as Role[], department: d })),
    ...departments.map((d) => ({ id: `officer-${d}`, roles: ['department'] as Role[], department: d })),
  ];
}

/** Whether `npm start` mints development keys (`YJS_DEV_KEYS`, on unless `0`, `false` or `off`). */
export function devKeysEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !['0', 'false', 'off'].includes((env.YJS_DEV_KEYS ?? '').trim().toLowerCase());
}

/**
 * Mints a key for every development principal (each role, an admin, the windows and officers of these
 * departments) that the store does not have yet, by id, and adds their plain keys to the token file.
 * Returns the ids minted: on a first start all of them, later only those of new departments.
 */
export async function mintMissingDevKeys(store: FileApiKeyStore, tokenFile: string, departments: string[], windowDepartments: string[]): Promise<string[]> {
  const principals = [...devPrincipals(departments, windowDepartments), { id: 'admin', roles: ['admin'] as Role[] }];
  const tokens: Record<string, string> = {};
  for (const principal of principals) {
    if (store.has(principal.id)) continue;
    const { token } = await store.create(principal);
    tokens[principal.id] = token;
  }
  if (Object.keys(tokens).length > 0) await addDevTokens(tokenFile, tokens);
  return Object.keys(tokens);
}

/** Adds plain keys to the development token file (`{ "<id>": "<key>" }`), keeping the ones it has. */
async function addDevTokens(tokenFile: string, tokens: Record<string, string>): Promise<void> {
  let existing: Record<string, string> = {};
  try {
    existing = z.record(z.string(), z.string()).parse(JSON.parse(await readFile(tokenFile, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') console.error(`${tokenFile}: unreadable (${(err as Error).message}); writing it anew`);
  }
  await writeAtomically(tokenFile, `${JSON.stringify({ ...existing, ...tokens }, null, 2)}\n`);
}

/** The key file as a store, with development keys minted for what it lacks (see {@link mintMissingDevKeys}). */
export async function ensureDevKeys(
  keyFile: string,
  tokenFile: string,
  departments: string[],
  windowDepartments: string[],
): Promise<{ store: FileApiKeyStore; created: boolean; minted: string[] }> {
  const store = new FileApiKeyStore(keyFile);
  const minted = await mintMissingDevKeys(store, tokenFile, departments, windowDepartments);
  return { store, created: minted.length > 0, minted };
}

/** In development: keys for the departments (and window) of every bundle published from now on, e.g. by `POST /definitions`. */
export function mintDevKeysOnPublish(registry: DefinitionRegistry, store: FileApiKeyStore, tokenFile: string): void {
  registry.onPublished(async ({ plan }) => {
    try {
      const minted = await mintMissingDevKeys(store, tokenFile, plan.departments.map((d) => d.id), [plan.window.department]);
      if (minted.length > 0) console.log(`API keys minted for ${minted.join(', ')} (${plan.bundleId}@${plan.version}); plain keys in ${tokenFile}`);
    } catch (err) {
      console.error(`could not mint API keys for ${plan.bundleId}@${plan.version}: ${(err as Error).message}`);
    }
  });
}
