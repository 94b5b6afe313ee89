/**
 * `yijianshi keys`: API keys for operators, in the store the API reads: the database (`DATABASE_URL`,
 * else the embedded PGlite in `.data/pglite`), or a key file (`--keys-file`, else `YJS_API_KEYS_FILE`).
 * A running API picks up a new key at once, so a department that a newly published bundle names can
 * act without anyone editing files:
 *
 *   yijianshi keys create --role department --department water-affairs
 *
 * prints the plain key alone on stdout (once; only its SHA-256 is kept), so `KEY=$(yijianshi keys create …)` works.
 */
import { parseArgs } from 'node:util';
import { FileApiKeyStore, InvalidApiKeyError, ROLES, type ApiKeyStore, type Role } from '../adapters/api-keys';
import { apiKeysLocation, openAppDatabase, openStores } from '../runtime/components';
import { loadConfig } from '../runtime/config';
import { CliError } from './definition-file';

export const KEYS_USAGE = `  yijianshi keys create --role <role> [--department <id>] [--id <id>] [--json]
                                             mint an API key; the plain key is printed once (API 密钥)
  yijianshi keys list [--json]               the keys: id, roles, department (never the keys)
  yijianshi keys delete <id>                 delete a key: it stops working at once
      --keys-file <file>                     a key file instead of the database (default: YJS_API_KEYS_FILE if set)
      roles: ${ROLES.join(', ')}; department and window keys name their department`;

interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** `yijianshi keys …` (arguments after `keys`); returns the exit status, throws `CliError` for wrong usage and failures. */
export async function keysCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseKeysArgs(args);
  const [action, ...rest] = positionals;
  if (action !== 'create' && action !== 'list' && action !== 'delete') {
    throw new CliError(action === undefined ? 'keys needs create, list or delete' : `unknown keys command "${action}"`, 2);
  }
  const { store, where, close } = await openKeyStore(values['keys-file']);
  try {
    return await runKeys(action, rest, values, store, where, io);
  } finally {
    await close();
  }
}

async function runKeys(
  action: 'create' | 'list' | 'delete',
  rest: string[],
  values: ReturnType<typeof parseKeysArgs>['values'],
  store: ApiKeyStore,
  where: string,
  io: Io,
): Promise<number> {
  switch (action) {
    case 'create': {
      if (rest.length > 0) throw new CliError(`keys create takes no arguments besides options, not "${rest.join(' ')}"`, 2);
      const roles = values.role ?? [];
      if (roles.length === 0) throw new CliError('keys create needs --role', 2);
      const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
      if (unknown.length > 0) throw new CliError(`unknown role ${unknown.join(', ')} (roles: ${ROLES.join(', ')})`, 2);
      let minted;
      try {
        minted = await store.create({
          roles: roles as Role[],
          ...(values.department !== undefined ? { department: values.department } : {}),
          ...(values.id !== undefined ? { id: values.id } : {}),
        });
      } catch (error) {
        if (error instanceof InvalidApiKeyError) throw new CliError(error.message);
        throw error;
      }
      const { id, roles: granted, department } = minted.record;
      if (values.json) io.out(`${JSON.stringify({ id, roles: granted, ...(department ? { department } : {}), key: minted.token })}\n`);
      else {
        io.out(`${minted.token}\n`);
        io.err(`created the API key "${id}" (${granted.join(', ')}${department ? ` of ${department}` : ''}) in ${where}; the key above is shown this once\n`);
      }
      return 0;
    }
    case 'list': {
      const keys = (await store.list()).map(({ id, roles, department }) => ({ id, roles, ...(department ? { department } : {}) }));
      if (values.json) io.out(`${JSON.stringify(keys, null, 2)}\n`);
      else io.out(keys.map((k) => `${k.id}\t${k.roles.join(',')}\t${k.department ?? ''}\n`).join(''));
      return 0;
    }
    case 'delete': {
      if (rest.length !== 1) throw new CliError('keys delete needs one key id', 2);
      if (!(await store.delete(rest[0]!))) throw new CliError(`no API key "${rest[0]}" in ${where}`);
      io.err(`deleted the API key "${rest[0]}" from ${where}\n`);
      return 0;
    }
  }
}

/** The key file named (`--keys-file`, else `YJS_API_KEYS_FILE`), else the database's keys. */
async function openKeyStore(keysFile: string | undefined): Promise<{ store: ApiKeyStore; where: string; close(): Promise<void> }> {
  const config = loadConfig();
  const file = keysFile ?? config.apiKeysFile;
  if (file !== undefined) return { store: new FileApiKeyStore(file), where: file, close: async () => undefined };
  let database;
  try {
    database = await openAppDatabase(config);
  } catch (error) {
    const inUse = (error as Error).name === 'DatabaseInUseError';
    throw new CliError(`${(error as Error).message}${inUse ? '\nWhile `npm start` runs, an admin mints keys with POST /admin/api-keys.' : ''}`);
  }
  return { store: openStores(config, database.db).apiKeys, where: apiKeysLocation(config, database), close: () => database.close() };
}

function parseKeysArgs(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        role: { type: 'string', multiple: true },
        department: { type: 'string' },
        id: { type: 'string' },
        json: { type: 'boolean' },
        'keys-file': { type: 'string' },
      },
    });
  } catch (error) {
    throw new CliError((error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, ''), 2);
  }
}
