/**
 * docs/seals.md tells outside verifiers how to check a seal with OpenSSL: its step-by-step bash block,
 * as written, verifies a seal made by the engine (a result with Chinese text and numbers), and fails
 * once the document is changed.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../../../adapters/documents';
import { MemoryKeyStore } from '../../../adapters/keystore';
import { Sealer, type SealedDocument } from '../../../adapters/sealer';
import { PROJECT_ROOT } from '../../../runtime/config';
import { bashBlockAfter } from '../../helpers/markdown';

const has = (command: string, args: string[]) => {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const tools = has('openssl', ['version']) && has('jq', ['--version']) && has('xxd', ['-v']);

let dir: string;
let script: string;
let sealed: SealedDocument<Record<string, unknown>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yjs-seals-md-'));
  script = bashBlockAfter(await readFile(join(PROJECT_ROOT, 'docs', 'seals.md'), 'utf8'), '## Verifying with OpenSSL, step by step');
  const keys = new MemoryKeyStore();
  const stored = await new Sealer(keys, new MemoryDocumentStore()).sealOnce({
    key: 'case1/food-permit/approve',
    department: 'market-regulation',
    appliedBy: 'person',
    signedAt: '2026-03-02T08:15:00.000Z',
    make: (documentId) => ({ documentId, type: 'result', holder: '王小明', shop: '小明热干面馆', seats: 30, area: 80.5, items: ['food-permit'] }),
  });
  sealed = stored.body;
  const [key] = await keys.publicKeys();
  await writeFile(join(dir, 'key.pem'), key!.publicKeyPem);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function runDocBlock(): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, PATH: [join(PROJECT_ROOT, 'node_modules', '.bin'), process.env.PATH].join(delimiter) };
  return new Promise((resolve, reject) =>
    execFile('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: dir, env, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    }),
  );
}

describe('docs/seals.md', () => {
  it.skipIf(!tools)('verifies a seal made by the engine with the OpenSSL commands as written', async () => {
    await writeFile(join(dir, 'sealed.json'), JSON.stringify(sealed, null, 2));
    const { code, stdout, stderr } = await runDocBlock();
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain(`key id matches: ${sealed.seal.keyId}`);
    expect(stdout).toContain(`document digest matches: ${sealed.seal.documentDigest}`);
    expect(stdout).toContain('Signature Verified Successfully');
  });

  it.skipIf(!tools)('fails once the document is changed', async () => {
    await writeFile(join(dir, 'sealed.json'), JSON.stringify({ ...sealed, document: { ...sealed.document, seats: 31 } }));
    const { code, stdout } = await runDocBlock();
    expect(code).not.toBe(0);
    expect(stdout).not.toContain('Signature Verified Successfully');
  });

  it.skipIf(!tools)('fails once the seal is changed but the signature kept', async () => {
    await writeFile(join(dir, 'sealed.json'), JSON.stringify({ ...sealed, seal: { ...sealed.seal, appliedBy: 'default' } }));
    const { code, stdout } = await runDocBlock();
    expect(code).not.toBe(0);
    expect(stdout).toContain('document digest matches');
    expect(stdout).not.toContain('Signature Verified Successfully');
  });
});
