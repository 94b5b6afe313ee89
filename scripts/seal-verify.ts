/**
 * Verifies a sealed document: `npx tsx scripts/seal-verify.ts <sealed-document.json> [--keys <dir>]`.
 *
 * The file is `{ "document": …, "seal": … }`; the public key is looked up by the seal's `keyId` among
 * the `*.pub.pem` (or `*.key.pem`) files of `--keys`, else of `YJS_SEAL_KEYS_DIR`. Prints
 * `valid` or `invalid (<reason>)` with the department, time and who applied the seal.
 * Exit status: 0 valid, 1 invalid, 2 usage or I/O error.
 */
import { readFile, stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { FileKeyStore, SEAL_KEYS_DIR_ENV } from '../adapters/keystore';
import { verifySeal, type SealFailure } from '../domain/seal';

/**
 * What the verifier found. Further checks (revocation, say) add fields here and a line in
 * {@link formatReport}; `valid` stays the one thing the exit status follows.
 */
export interface SealReport {
  valid: boolean;
  reason?: SealFailure;
  /** As the seal states them; absent when the seal is not readable. */
  department?: string;
  signedAt?: string;
  appliedBy?: string;
  keyId?: string;
}

export class UsageError extends Error {}

/** Verifies the sealed document in `file` with the public keys in `keysDir`. Throws on I/O errors. */
export async function verifySealedFile(file: string, keysDir: string): Promise<SealReport> {
  if (!(await stat(keysDir)).isDirectory()) throw new UsageError(`${keysDir} is not a directory`);
  const text = await readFile(file, 'utf8');
  let sealed: unknown;
  try {
    sealed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`);
  }
  const { document, seal } = isRecord(sealed) ? sealed : ({} as Record<string, unknown>);
  const stated = isRecord(seal) ? seal : {};
  const keyId = stringOrNothing(stated.keyId);
  const publicKey = keyId ? await new FileKeyStore(keysDir).publicKeyById(keyId) : undefined;
  const result = verifySeal({ document, seal, publicKey });
  return {
    ...result,
    department: stringOrNothing(stated.department),
    signedAt: stringOrNothing(stated.signedAt),
    appliedBy: stringOrNothing(stated.appliedBy),
    keyId,
  };
}

/** One line: the verdict, then what the seal states. */
export function formatReport(report: SealReport): string {
  const verdict = report.valid ? 'valid' : `invalid (${report.reason})`;
  const facts = [
    ['department', report.department],
    ['signedAt', report.signedAt],
    ['appliedBy', report.appliedBy],
    ['keyId', report.keyId],
  ]
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  return [verdict, ...facts].join(' ');
}

function stringOrNothing(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseArgs(argv: string[], env: NodeJS.ProcessEnv): { file: string; keysDir: string } {
  let file: string | undefined;
  let keysDir: string | undefined = env[SEAL_KEYS_DIR_ENV] || undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--keys') {
      keysDir = argv[++i];
      if (!keysDir) throw new UsageError('--keys needs a directory');
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (file === undefined) file = arg;
    else throw new UsageError(`unexpected argument ${arg}`);
  }
  if (!file) throw new UsageError('which sealed document?');
  if (!keysDir) throw new UsageError(`where are the public keys? give --keys <dir> or set ${SEAL_KEYS_DIR_ENV}`);
  return { file, keysDir };
}

async function main(): Promise<number> {
  try {
    const { file, keysDir } = parseArgs(process.argv.slice(2), process.env);
    const report = await verifySealedFile(file, keysDir);
    console.log(formatReport(report));
    return report.valid ? 0 : 1;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`seal-verify: ${err.message}`);
      console.error('usage: npx tsx scripts/seal-verify.ts <sealed-document.json> [--keys <dir>]');
    } else {
      console.error(`seal-verify: ${(err as Error).message}`);
    }
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
