/**
 * `yijianshi keys`: API keys for operators, on the key file the API reads (`YJS_API_KEYS_FILE`, else
 * `.data/api-keys.json`). A running API picks up a new key at once, so a department that a newly
 * published bundle names can act without anyone editing files:
 *
 *   yijianshi keys create --role department --department water-affairs
 *
 * prints the plain key alone on stdout (once; only its SHA-256 is kept), so `KEY=$(yijianshi keys create …)` works.
 */
import { parseArgs } from 'node:util';
import { InvalidApiKeyError, ROLES, type Role } from '../adapters/api-keys';
import { FileApiKeyStore } from '../runtime/api-keys';
import { loadConfig } from '../runtime/config';
import { CliError } from './definition-file';

export const KEYS_USAGE = `  yijianshi keys create --role <role> [--department <id>] [--id <id>] [--json]
                                             mint an API key; the plain key is printed once (API 密钥)
  yijianshi keys list [--json]               the keys: id, roles, department (never the keys)
  yijianshi keys delete <id>                 delete a key: it stops working at once
      --keys-file <file>                     the key file (default: YJS_API_KEYS_FILE, else .data/api-keys.json)
      roles: ${ROLES.join(', ')}; department and window keys name their department`;

interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** `yijianshi keys …` (arguments after `keys`); returns the exit status, throws `CliError` for wrong usage and failures. */
export async function keysCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseKeysArgs(args);
  const [action, ...rest] = positionals;
  const store = new FileApiKeyStore(values['keys-file'] ?? loadConfig().apiKeysFile);
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
        io.err(`created the API key "${id}" (${granted.join(', ')}${department ? ` of ${department}` : ''}) in ${store.path}; the key above is shown this once\n`);
      }
      return 0;
    }
    case 'list': {
      const keys = store.list().map(({ id, roles, department }) => ({ id, roles, ...(department ? { department } : {}) }));
      if (values.json) io.out(`${JSON.stringify(keys, null, 2)}\n`);
      else io.out(keys.map((k) => `${k.id}\t${k.roles.join(',')}\t${k.department ?? ''}\n`).join(''));
      return 0;
    }
    case 'delete': {
      if (rest.length !== 1) throw new CliError('keys delete needs one key id', 2);
      if (!(await store.delete(rest[0]!))) throw new CliError(`no API key "${rest[0]}" in ${store.path}`);
      io.err(`deleted the API key "${rest[0]}" from ${store.path}\n`);
      return 0;
    }
    default:
      throw new CliError(action === undefined ? 'keys needs create, list or delete' : `unknown keys command "${action}"`, 2);
  }
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
