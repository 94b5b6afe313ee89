/**
 * API keys as a store: the roles a key can carry, the record kept for each key (never the key, only
 * its SHA-256), the store's contract and the rules a key must meet. The API authenticates against
 * it (`api/auth.ts`) and admins write it (`api/routes/admin/api-keys.ts`); the file store is
 * `runtime/api-keys.ts`, and `yijianshi keys` writes it too.
 */
import { createHash } from 'node:crypto';

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

/** Where an `ApiKeyAuthenticator` finds a key's record, asked on every call: keys minted or deleted while running count at once. */
export interface ApiKeyLookup {
  lookup(tokenSha256: string): ApiKeyRecord | undefined;
}

/** A key to mint: without an `id`, one is chosen from the role and department (`officer-water-affairs`). */
export interface NewApiKey {
  id?: string;
  roles: Role[];
  department?: string;
}

/** Where API keys live (digests only); the authenticator looks keys up in it on every request. */
export interface ApiKeyStore extends ApiKeyLookup {
  list(): ApiKeyRecord[];
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
