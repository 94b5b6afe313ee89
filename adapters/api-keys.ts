/**
 * API keys as a store: the roles a key can carry, the record kept for each key (never the key, only
 * its SHA-256), the store's contract and the rules a key must meet. The API authenticates against
 * it (`api/auth.ts`) and admins write it (`api/routes/admin/api-keys.ts`); `yijianshi keys` writes it
 * too. Two stores: {@link FileApiKeyStore} (a key file) here, `PostgresApiKeyStore`
 * (`adapters/db/api-keys.ts`) in the database; `runtime/` chooses.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

export const ROLES = ['integrator', 'window', 'department', 'designer', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** An API key as stored: the principal it stands for, and the digest of the key. */
export interface ApiKeyRecord {
  id: string;
  roles: Role[];
  /** The department a window or department officer acts for. */
  department?: string;
  /** SHA-256 (hex) of the key; the key itself is never stored. */
  tokenSha256: string;
}

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

/** A new plain API key: `yjs_` and 24 random bytes (base64url). Shown once; stores keep its SHA-256. */
export const newApiToken = (): string => `yjs_${randomBytes(24).toString('base64url')}`;

/** Where an `ApiKeyAuthenticator` finds a key's record, asked on every call: keys minted or deleted while running count at once. */
export interface ApiKeyLookup {
  lookup(tokenSha256: string): Promise<ApiKeyRecord | undefined>;
}

/** A key to mint: without an `id`, one is chosen from the role and department (`officer-water-affairs`). */
export interface NewApiKey {
  id?: string;
  roles: Role[];
  department?: string;
}

/** Where API keys live (digests only); the authenticator looks keys up in it on every request. */
export interface ApiKeyStore extends ApiKeyLookup {
  /** Every key, by id. */
  list(): Promise<ApiKeyRecord[]>;
  /** @throws InvalidApiKeyError when the key is not valid or its id is taken */
  create(key: NewApiKey): Promise<{ record: ApiKeyRecord; token: string }>;
  /** Whether there was such a key. */
  delete(id: string): Promise<boolean>;
}

/** A key that cannot be minted: invalid, or its id is taken. */
export class InvalidApiKeyError extends Error {}

export const KEY_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Roles that act for a department, and so need one. */
const DEPARTMENT_ROLES: readonly Role[] = ['department', 'window'];

/** Why the key cannot be minted, or undefined when it can. Ids and departments are lower-case identifiers. */
export function apiKeyProblem(key: NewApiKey): string | undefined {
  if (key.roles.length === 0) return 'a key needs at least one role';
  const unknown = key.roles.filter((role) => !ROLES.includes(role));
  if (unknown.length > 0) return `unknown role ${unknown.join(', ')} (roles: ${ROLES.join(', ')})`;
  if (key.id !== undefined && !KEY_ID.test(key.id)) return `the id "${key.id}" is not a lower-case identifier (a-z, 0-9, -)`;
  const needsDepartment = key.roles.some((role) => DEPARTMENT_ROLES.includes(role));
  if (needsDepartment && key.department === undefined) return `the roles ${DEPARTMENT_ROLES.join(' and ')} act for a department: name it`;
  if (!needsDepartment && key.department !== undefined) return `only the roles ${DEPARTMENT_ROLES.join(' and ')} act for a department`;
  if (key.department !== undefined && !KEY_ID.test(key.department)) return `the department "${key.department}" is not a lower-case identifier`;
  return undefined;
}

/** The id a key gets when none is given: the names `npm start` uses for its development keys, made unique. */
export function defaultKeyId(key: NewApiKey, taken: (id: string) => boolean): string {
  const base = key.roles.includes('department')
    ? `officer-${key.department}`
    : key.roles.includes('window')
      ? `window-${key.department}`
      : key.roles.join('-');
  if (!taken(base)) return base;
  let n = 2;
  while (taken(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

// ---------------------------------------------------------------------------------------------
// The key file

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

/** The records of a key file, or undefined when there is no such file. Throws for a file that is not a key file. */
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
export async function writeFileAtomically(path: string, text: string): Promise<void> {
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
 * The key file as a store (`.data/api-keys.json` before the database; `YJS_API_KEYS_FILE`). Reads
 * are cheap (one `stat` per request; the file is parsed again only when it changed), so the
 * authenticator can ask it on every request. Writes in this process run one at a time and replace the
 * file atomically; writers in two processes at the same instant could lose one of the two keys (the
 * operator mints keys one at a time). The database store has no such limit.
 */
export class FileApiKeyStore implements ApiKeyStore {
  private loaded: Loaded | undefined;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  async lookup(tokenSha256: string): Promise<ApiKeyRecord | undefined> {
    return this.current().byDigest.get(tokenSha256);
  }

  async list(): Promise<ApiKeyRecord[]> {
    return [...this.current().records];
  }

  create(key: NewApiKey): Promise<{ record: ApiKeyRecord; token: string }> {
    return this.serially(async () => {
      const problem = apiKeyProblem(key);
      if (problem) throw new InvalidApiKeyError(problem);
      const records = this.fresh().records;
      const taken = (id: string) => records.some((r) => r.id === id);
      if (key.id !== undefined && taken(key.id)) throw new InvalidApiKeyError(`an API key with the id "${key.id}" exists already`);
      const token = newApiToken();
      const record: ApiKeyRecord = {
        id: key.id ?? defaultKeyId(key, taken),
        roles: [...new Set(key.roles)],
        ...(key.department !== undefined ? { department: key.department } : {}),
        tokenSha256: sha256Hex(token),
      };
      await this.save([...records, record]);
      return { record, token };
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
    await writeFileAtomically(this.path, `${JSON.stringify({ keys: records }, null, 2)}\n`);
    this.loaded = undefined;
  }
}
