/**
 * API keys for the embedded deployment. The key file holds only SHA-256 digests and lives outside
 * the repository (`.data/api-keys.json`, or `YJS_API_KEYS_FILE`). On a first `npm start` a key is
 * made for each role and each department of the loaded bundles; the plain keys are written once to
 * `.data/dev-tokens.json` (mode 0600) for the developer, and never logged.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ROLES, sha256Hex, type ApiKeyRecord, type Role } from '../api/auth';

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
  const parsed = KeyFile.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${path}: not a valid key file: ${z.prettifyError(parsed.error)}`);
  return parsed.data.keys;
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

/** Loads the key file, or creates it (and the dev token file) on first start. */
export async function ensureDevKeys(
  keyFile: string,
  tokenFile: string,
  departments: string[],
  windowDepartments: string[],
): Promise<{ records: ApiKeyRecord[]; created: boolean }> {
  const existing = await loadApiKeys(keyFile);
  if (existing) return { records: existing, created: false };
  const { records, tokens } = mintKeys(devPrincipals(departments, windowDepartments));
  await mkdir(dirname(keyFile), { recursive: true });
  await writeFile(keyFile, `${JSON.stringify({ keys: records }, null, 2)}\n`, { mode: 0o600 });
  await writeFile(tokenFile, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return { records, created: true };
}
