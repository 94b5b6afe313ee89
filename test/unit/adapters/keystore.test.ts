import { execFile } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyStore, MemoryKeyStore, keyStoreFromEnv, type KeyStore } from '../../../adapters/keystore';
import { keyIdOf, signDocument, verifySeal } from '../../../domain/seal';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yjs-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const spki = (key: { export(o: { type: 'spki'; format: 'pem' }): string | Buffer }) => key.export({ type: 'spki', format: 'pem' }).toString();

describe.each([
  ['FileKeyStore', () => new FileKeyStore(join(dir, 'keys'))],
  ['MemoryKeyStore', () => new MemoryKeyStore()],
] as Array<[string, () => KeyStore]>)('%s', (_name, open) => {
  it('generates a pair on first use and returns the same pair after', async () => {
    const store = open();
    const first = await store.keyPairFor('market-regulation');
    const second = await store.keyPairFor('market-regulation');
    expect(second.keyId).toBe(first.keyId);
    expect(first.keyId).toBe(keyIdOf(first.publicKey));
    expect(spki(createPublicKey(second.privateKey))).toBe(spki(first.publicKey));
    expect((await store.keyPairFor('health')).keyId).not.toBe(first.keyId);
  });

  it('gives one pair to many concurrent callers', async () => {
    const store = open();
    const pairs = await Promise.all(Array.from({ length: 12 }, () => store.keyPairFor('taxation')));
    expect(new Set(pairs.map((p) => p.keyId)).size).toBe(1);
  });

  it('finds public keys by id and lists them by department', async () => {
    const store = open();
    const health = await store.keyPairFor('health');
    const tax = await store.keyPairFor('taxation');
    expect(spki((await store.publicKeyById(tax.keyId))!)).toBe(spki(tax.publicKey));
    expect(await store.publicKeyById('0'.repeat(32))).toBeUndefined();
    expect(await store.publicKeys()).toEqual([
      { department: 'health', keyId: health.keyId, publicKeyPem: spki(health.publicKey) },
      { department: 'taxation', keyId: tax.keyId, publicKeyPem: spki(tax.publicKey) },
    ]);
  });

  it('gives a department’s public key without generating one', async () => {
    const store = open();
    const health = await store.keyPairFor('health');
    expect(spki((await store.departmentKey('health'))!)).toBe(spki(health.publicKey));
    for (const absent of ['taxation', '../health', 'Health', '']) expect(await store.departmentKey(absent)).toBeUndefined();
    expect((await store.publicKeys()).map((e) => e.department)).toEqual(['health']);
  });

  it('makes pairs that seal', async () => {
    const store = open();
    const { privateKey, publicKey, keyId } = await store.keyPairFor('police-station');
    const document = { type: 'result', n: 1 };
    const seal = signDocument({ document, department: 'police-station', privateKey, publicKey, appliedBy: 'person', signedAt: '2025-01-01T00:00:00Z' });
    expect(seal.keyId).toBe(keyId);
    expect(verifySeal({ document, seal, publicKey: await store.publicKeyById(keyId) })).toEqual({ valid: true });
  });

  it('refuses department ids that are not slugs (they become file names)', async () => {
    const store = open();
    for (const bad of ['', '../etc', 'a/b', 'Health', '.hidden', 'x'.repeat(64)]) {
      await expect(store.keyPairFor(bad)).rejects.toThrow(/not a department id/);
    }
  });
});

describe('FileKeyStore', () => {
  it('writes the private key as PKCS#8 with mode 0600, and the public key beside it', async () => {
    const keys = join(dir, 'keys');
    const { keyId } = await new FileKeyStore(keys).keyPairFor('health');
    expect((await readdir(keys)).sort()).toEqual(['health.key.pem', 'health.pub.pem']);
    expect((await stat(join(keys, 'health.key.pem'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(keys, 'health.key.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(keyIdOf(createPublicKey(await readFile(join(keys, 'health.pub.pem'), 'utf8')))).toBe(keyId);
    expect((await stat(keys)).mode & 0o777).toBe(0o700);
  });

  it('gives one pair to two stores on one directory', async () => {
    const keys = join(dir, 'keys');
    const [a, b] = [new FileKeyStore(keys), new FileKeyStore(keys)];
    const pairs = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).keyPairFor('taxation')));
    expect(new Set(pairs.map((p) => p.keyId)).size).toBe(1);
    expect((await readdir(keys)).sort()).toEqual(['taxation.key.pem', 'taxation.pub.pem']);
  });

  it('gives one pair to two processes racing on one directory', async () => {
    const keys = join(dir, 'keys');
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    const program = `import { FileKeyStore } from ${JSON.stringify(join(ROOT, 'adapters', 'keystore.ts'))};
      const store = new FileKeyStore(${JSON.stringify(keys)});
      const pairs = await Promise.all([store.keyPairFor('taxation'), store.keyPairFor('taxation')]);
      console.log(pairs[0].keyId);`;
    const script = join(dir, 'race.mts');
    await writeFile(script, program);
    const runOne = () =>
      new Promise<string>((resolve, reject) => execFile(tsx, [script], (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))));
    const ids = await Promise.all([runOne(), runOne(), runOne()]);
    expect(new Set(ids).size).toBe(1);
    expect(keyIdOf(createPublicKey(await readFile(join(keys, 'taxation.pub.pem'), 'utf8')))).toBe(ids[0]);
    expect(await readdir(keys)).toHaveLength(2); // no temporary files left
  });

  it('uses the keys a province placed in the directory, and never replaces them', async () => {
    const keys = join(dir, 'keys');
    await mkdir(keys);
    const placed = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    await writeFile(join(keys, 'health.key.pem'), placed.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const pair = await new FileKeyStore(keys).keyPairFor('health');
    expect(pair.keyId).toBe(keyIdOf(placed.publicKey));
    expect(await readFile(join(keys, 'health.pub.pem'), 'utf8')).toBe(spki(placed.publicKey)); // completed
    expect((await new FileKeyStore(keys).keyPairFor('health')).keyId).toBe(pair.keyId);
  });

  it('refuses a public key file that is not the private key’s, and a key that is not SM2', async () => {
    const keys = join(dir, 'keys');
    await mkdir(keys);
    const one = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const two = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    await writeFile(join(keys, 'health.key.pem'), one.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await writeFile(join(keys, 'health.pub.pem'), spki(two.publicKey));
    await expect(new FileKeyStore(keys).keyPairFor('health')).rejects.toThrow(/is not the public key of/);
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await writeFile(join(keys, 'taxation.key.pem'), p256.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(new FileKeyStore(keys).keyPairFor('taxation')).rejects.toThrow(/not an SM2/);
  });

  it('serves a verifier that has only the public key files', async () => {
    const signer = new FileKeyStore(join(dir, 'signer'));
    const { keyId, publicKey } = await signer.keyPairFor('health');
    const verifierDir = join(dir, 'verifier');
    await mkdir(verifierDir);
    await writeFile(join(verifierDir, 'health.pub.pem'), spki(publicKey));
    const verifier = new FileKeyStore(verifierDir);
    expect(spki((await verifier.publicKeyById(keyId))!)).toBe(spki(publicKey));
    expect((await verifier.publicKeys()).map((e) => e.department)).toEqual(['health']);
    expect(await new FileKeyStore(join(dir, 'absent')).publicKeys()).toEqual([]);
  });

  it('hands out the same key object while its file is unchanged, and a new one once it is replaced', async () => {
    const keys = join(dir, 'keys');
    await mkdir(keys);
    const first = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    await writeFile(join(keys, 'health.pub.pem'), spki(first.publicKey));
    const verifier = new FileKeyStore(keys);
    const firstId = keyIdOf(first.publicKey);
    const key = await verifier.publicKeyById(firstId);
    expect(await verifier.publicKeyById(firstId)).toBe(key); // parsed once
    expect(await verifier.departmentKey('health')).toBe(key);

    const second = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    await writeFile(join(keys, 'health.pub.pem'), spki(second.publicKey)); // rewritten in place
    expect(spki((await verifier.departmentKey('health'))!)).toBe(spki(second.publicKey));
    expect(await verifier.publicKeyById(firstId)).toBeUndefined();
    await rm(join(keys, 'health.pub.pem'));
    expect(await verifier.departmentKey('health')).toBeUndefined();
    expect(await verifier.publicKeys()).toEqual([]);
  });

  it('takes its directory from YJS_SEAL_KEYS_DIR, else the default', () => {
    expect(keyStoreFromEnv('/var/lib/yjs/seal-keys', { YJS_SEAL_KEYS_DIR: '/etc/yjs/keys' }).dir).toBe('/etc/yjs/keys');
    expect(keyStoreFromEnv('/var/lib/yjs/seal-keys', {}).dir).toBe('/var/lib/yjs/seal-keys');
  });
});
