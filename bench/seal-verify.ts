/**
 * What one seal costs: `npx tsx bench/seal-verify.ts [--rounds N] [--batch N] [--json FILE]`.
 *
 * Measures, in interleaved rounds (one batch of each in turn, so load from other processes falls on
 * all alike), the CPU time (user + system) per operation of:
 * - `verifySeal`: SM2/SM3 verification of a sealed result document with a key object in hand;
 * - `verifySealed`: what `POST /seals/verify` does: the key looked up in a key directory of
 *   {@link DEPARTMENTS} departments, revocation and conditions in a document directory of
 *   {@link DOCUMENTS} sealed documents;
 * - `signDocument`: sealing one document;
 * - `openssl-verify`: OpenSSL's own SM2 verification (node:crypto, empty ID) of a message of the
 *   same size, the floor that the ratios are taken against.
 * Prints min and median per operation with the ratio to OpenSSL, and whether the target of at most
 * {@link TARGET_MS} ms per verification is met; `--json FILE` writes every raw sample.
 */
import { sign, verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDocumentStore } from '../adapters/documents';
import { FileKeyStore } from '../adapters/keystore';
import { canonicalBytes, signDocument, toSm2PrivateKey, verifySeal } from '../domain/seal';
import { Sealer, verifySealed } from '../adapters/sealer';

/** Issue 8: verification must cost a small fraction of the 49 ms it cost; at most this. */
const TARGET_MS = 2;
const DEPARTMENTS = 12;
const DOCUMENTS = 500;

interface Options {
  rounds: number;
  batch: number;
  json?: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { rounds: 15, batch: 40 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--rounds') options.rounds = positive(flag, value);
    else if (flag === '--batch') options.batch = positive(flag, value);
    else if (flag === '--json') options.json = value;
    else throw new Error(`unknown option ${flag}`);
  }
  return options;
}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer`);
  return n;
}

type Operation = () => unknown;

/** CPU milliseconds per call of `run`, over `batch` calls (awaited one after another). */
async function sample(run: Operation, batch: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < batch; i++) await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / batch;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const dir = await mkdtemp(join(tmpdir(), 'yjs-bench-seal-'));
  try {
    const keys = new FileKeyStore(join(dir, 'keys'));
    for (let i = 0; i < DEPARTMENTS - 1; i++) await keys.keyPairFor(`department-${i}`);
    const { privateKey, publicKey } = await keys.keyPairFor('market-regulation');
    const documents = new FileDocumentStore(join(dir, 'documents'));
    const sealer = new Sealer(keys, documents);
    let sealed: Awaited<ReturnType<typeof sealResult>> | undefined;
    for (let i = 0; i < DOCUMENTS; i++) sealed = await sealResult(sealer, i);
    const { document, seal } = sealed!;
    const message = canonicalBytes(sealed);
    const sm2Key = toSm2PrivateKey(privateKey);
    const opensslSignature = sign('sm3', message, sm2Key);

    const operations: Record<string, Operation> = {
      verifySeal: () => assert(verifySeal({ document, seal, publicKey }).valid),
      verifySealed: async () => assert((await verifySealed(keys, documents, sealed)).status === 'valid'),
      signDocument: () => signDocument({ document, department: 'market-regulation', privateKey, publicKey, appliedBy: 'person', signedAt: '2025-03-14T09:30:00+08:00' }),
      'openssl-verify': () => assert(verify('sm3', message, sm2Key, opensslSignature)),
    };
    const names = Object.keys(operations);
    for (const name of names) await sample(operations[name]!, 3); // warm up
    const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 0; round < options.rounds; round++) {
      for (const name of names) samples[name]!.push(await sample(operations[name]!, options.batch));
    }
    report(samples, options);
    if (options.json) await writeFile(options.json, JSON.stringify({ unit: 'cpu-ms-per-op', ...options, targetMs: TARGET_MS, samples }, null, 2) + '\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The result of case `i`, sealed as the workflows seal results. */
async function sealResult(sealer: Sealer, i: number) {
  const stored = await sealer.sealOnce({
    key: `c-20250301-${String(i).padStart(4, '0')}/food-permit/issue`,
    department: 'market-regulation',
    appliedBy: 'person',
    signedAt: '2025-03-14T09:30:00+08:00',
    make: (documentId) => ({
      documentId,
      type: 'result',
      itemCode: 'food-permit',
      holder: { subjectId: '91420100MA4K0XXXXX', name: '张三餐饮有限公司' },
      certificateNumber: `JY1420103${String(i).padStart(7, '0')}`,
      validUntil: '2030-02-28',
    }),
  });
  return stored.body;
}

function report(samples: Record<string, number[]>, options: Options): void {
  const floor = median(samples['openssl-verify']!);
  console.log(
    `CPU ms per operation, ${options.rounds} interleaved rounds of ${options.batch}; ${process.version}, ${DEPARTMENTS} department keys, ${DOCUMENTS} documents`,
  );
  console.log(`${'operation'.padEnd(16)}${'min'.padStart(10)}${'median'.padStart(10)}${'× openssl'.padStart(12)}`);
  for (const [name, values] of Object.entries(samples)) {
    const mid = median(values);
    console.log(`${name.padEnd(16)}${Math.min(...values).toFixed(3).padStart(10)}${mid.toFixed(3).padStart(10)}${(mid / floor).toFixed(1).padStart(12)}`);
  }
  for (const name of ['verifySeal', 'verifySealed']) {
    const ms = median(samples[name]!);
    console.log(`target: ${name} ≤ ${TARGET_MS} ms (median): ${ms <= TARGET_MS ? 'met' : 'NOT met'} (${ms.toFixed(3)} ms)`);
  }
}

function assert(ok: boolean): void {
  if (!ok) throw new Error('a seal that should verify did not');
}

main().catch((err: unknown) => {
  console.error(`seal-verify bench: ${(err as Error).message}`);
  process.exitCode = 2;
});
