/**
 * Development API keys. In development (`npm start`, unless `YJS_DEV_KEYS=0`) a key is made for each
 * role, an admin, and each department of the loaded bundles, and again for the departments of every
 * bundle published later; the plain keys are added to `.data/dev-tokens.json` (mode 0600) for the
 * developer, and never logged. The keys themselves (digests only) are in the API key store the
 * runtime opened: the database, or a key file with `YJS_API_KEYS_FILE`.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { newApiToken, sha256Hex, writeFileAtomically, type ApiKeyRecord, type ApiKeyStore, type Role } from '../adapters/api-keys';
import type { DefinitionRegistry } from '../definitions/registry';

export interface DevPrincipal {
  id: string;
  roles: Role[];
  department?: string;
}

/** Creates keys for these principals; returns the records and the plain tokens (shown once). */
export function mintKeys(principals: DevPrincipal[]): { records: ApiKeyRecord[]; tokens: Record<string, string> } {
  const tokens: Record<string, string> = {};
  const records = principals.map((p) => {
    const token = newApiToken();
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
export async function mintMissingDevKeys(store: ApiKeyStore, tokenFile: string, departments: string[], windowDepartments: string[]): Promise<string[]> {
  const principals = [...devPrincipals(departments, windowDepartments), { id: 'admin', roles: ['admin'] as Role[] }];
  const have = new Set((await store.list()).map((r) => r.id));
  const tokens: Record<string, string> = {};
  for (const principal of principals) {
    if (have.has(principal.id)) continue;
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
  await writeFileAtomically(tokenFile, `${JSON.stringify({ ...existing, ...tokens }, null, 2)}\n`);
}

/** Development keys minted in `store` for what it lacks (see {@link mintMissingDevKeys}). */
export async function ensureDevKeys(
  store: ApiKeyStore,
  tokenFile: string,
  departments: string[],
  windowDepartments: string[],
): Promise<{ created: boolean; minted: string[] }> {
  const minted = await mintMissingDevKeys(store, tokenFile, departments, windowDepartments);
  return { created: minted.length > 0, minted };
}

/** In development: keys for the departments (and window) of every bundle published from now on, e.g. by `POST /definitions`. */
export function mintDevKeysOnPublish(registry: DefinitionRegistry, store: ApiKeyStore, tokenFile: string): void {
  registry.onPublished(async ({ plan }) => {
    try {
      const minted = await mintMissingDevKeys(store, tokenFile, plan.departments.map((d) => d.id), [plan.window.department]);
      if (minted.length > 0) console.log(`API keys minted for ${minted.join(', ')} (${plan.bundleId}@${plan.version}); plain keys in ${tokenFile}`);
    } catch (err) {
      console.error(`could not mint API keys for ${plan.bundleId}@${plan.version}: ${(err as Error).message}`);
    }
  });
}
