import { execFile, execFileSync } from 'node:child_process';
import { createECDH, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../../adapters/keystore';
import {
  DEFAULT_SIGNER_ID,
  SM2P256V1,
  canonicalBytes,
  computeZA,
  keyIdOf,
  messageDigest,
  retargetSignature,
  signDigest,
  signDocument,
  signatureFromRaw,
  signatureToDer,
  signatureToRaw,
  sm2PublicPoint,
  sm2SpkiFromPoint,
  sm3,
  toSm2PrivateKey,
  verifyDigest,
  verifySeal,
  type Seal,
} from '../../../domain/seal';
import { GBT_32918_2_TEST_CURVE, GMT_0003_5_ANNEX_A, sm2Pkcs8FromScalar, type Sm2Vector } from '../../fixtures/sm2-vectors';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const hasOpenssl = (() => {
  try {
    return /^OpenSSL 3\./.test(execFileSync('openssl', ['version'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
})();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yjs-seal-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
const inverse = (a: bigint, m: bigint): bigint => {
  let [r0, r1, s0, s1] = [mod(a, m), m, 1n, 0n];
  while (r1) {
    const q = r0 / r1;
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  return mod(s0, m);
};
const big = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
const pointOf = (v: Sm2Vector) => ({ x: v.xA, y: v.yA });
/** r and s of a DER signature as node:crypto makes them (short form: under 128 bytes). */
const parseDer = (der: Buffer) => {
  const rLength = der[3]!;
  return { r: big(der.subarray(4, 4 + rLength)), s: big(der.subarray(4 + rLength + 2)) };
};

/**
 * The textbook SM2 signature (GB/T 32918.2 §6.1, A4–A6) with a given k, kG computed by OpenSSL
 * (ECDH on "SM2"): independent of the module under test.
 */
function textbookSign(e: Uint8Array, d: bigint, k: bigint): { r: bigint; s: bigint } {
  const { n } = SM2P256V1;
  const ecdh = createECDH('SM2');
  ecdh.setPrivateKey(Buffer.from(k.toString(16).padStart(64, '0'), 'hex'));
  const x1 = big(ecdh.getPublicKey().subarray(1, 33));
  const r = mod(big(e) + x1, n);
  return { r, s: mod(inverse(1n + d, n) * (k - r * d), n) };
}

/** OpenSSL's own verifier (`pkeyutl`, the standard ID set explicitly) on a message and a raw signature. */
async function opensslVerifies(publicKey: KeyObject, message: Uint8Array, raw: Uint8Array, id = DEFAULT_SIGNER_ID): Promise<boolean> {
  const base = join(dir, `ossl-${Math.random().toString(36).slice(2)}`);
  await writeFile(`${base}.pub.pem`, publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(`${base}.msg`, message);
  await writeFile(`${base}.sig`, signatureToDer(raw));
  const args = ['pkeyutl', '-verify', '-rawin', '-digest', 'sm3', '-pubin', '-inkey', `${base}.pub.pem`, '-in', `${base}.msg`, '-sigfile', `${base}.sig`, '-pkeyopt', `distid:${id}`];
  return new Promise((resolve) => execFile('openssl', args, (err, stdout) => resolve(!err && /Verified Successfully/.test(stdout))));
}

describe('SM2 against GM/T 0003.5 Annex A (sm2p256v1, default ID)', () => {
  const v = GMT_0003_5_ANNEX_A;
  const message = Buffer.from(v.message);

  it('uses the curve of the vector, and SM3 gives the GB/T 32905 example digest of "abc"', () => {
    expect(SM2P256V1).toEqual(v.curve);
    expect(sm3(Buffer.from('abc')).toString('hex')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  it('has the public key OpenSSL derives from d', () => {
    const privateKey = createPrivateKey({ key: sm2Pkcs8FromScalar(v.d), format: 'der', type: 'pkcs8' });
    expect(sm2PublicPoint(createPublicKey(privateKey))).toEqual(pointOf(v));
  });

  it('reproduces Z_A and e exactly', () => {
    expect(computeZA(v.id, pointOf(v)).toString('hex')).toBe(v.za);
    expect(messageDigest(v.id, pointOf(v), message).toString('hex')).toBe(v.e);
  });

  it('accepts the vector signature, and rejects it for another ID, message or signature', () => {
    const e = messageDigest(v.id, pointOf(v), message);
    expect(verifyDigest(e, { r: v.r, s: v.s }, pointOf(v))).toBe(true);
    expect(verifyDigest(messageDigest('', pointOf(v), message), { r: v.r, s: v.s }, pointOf(v))).toBe(false);
    expect(verifyDigest(messageDigest(v.id, pointOf(v), Buffer.from('message digesT')), { r: v.r, s: v.s }, pointOf(v))).toBe(false);
    expect(verifyDigest(e, { r: v.r, s: v.s + 1n }, pointOf(v))).toBe(false);
    expect(verifyDigest(e, { r: v.r + 1n, s: v.s }, pointOf(v))).toBe(false);
    expect(verifyDigest(e, { r: v.r, s: v.s }, { x: v.xA, y: v.yA + 1n })).toBe(false);
    expect(verifyDigest(e, { r: 0n, s: v.s }, pointOf(v))).toBe(false);
    expect(verifyDigest(e, { r: v.r, s: SM2P256V1.n }, pointOf(v))).toBe(false);
  });

  it('reproduces r and s from k with our e', () => {
    expect(textbookSign(Buffer.from(v.e, 'hex'), v.d, v.k)).toEqual({ r: v.r, s: v.s });
  });

  it('retargets an empty-ID signature made with k into exactly the vector signature', () => {
    const privateKey = createPrivateKey({ key: sm2Pkcs8FromScalar(v.d), format: 'der', type: 'pkcs8' });
    const opensslDigest = messageDigest('', pointOf(v), message); // what OpenSSL 3.0 signs by default
    const opensslStyle = textbookSign(opensslDigest, v.d, v.k);
    const e = messageDigest(v.id, pointOf(v), message);
    expect(retargetSignature(opensslStyle, opensslDigest, e, privateKey)).toEqual({ r: v.r, s: v.s });
  });

  it.skipIf(!hasOpenssl)('is verified by the openssl command with the standard ID, and only with it', async () => {
    const publicKey = createPublicKey({ key: sm2SpkiFromPoint(pointOf(v)), format: 'der', type: 'spki' });
    const raw = signatureToRaw({ r: v.r, s: v.s });
    expect(await opensslVerifies(publicKey, Buffer.from(v.message), raw)).toBe(true);
    expect(await opensslVerifies(publicKey, Buffer.from(v.message), raw, 'ALICE123@YAHOO.COM')).toBe(false);
  });
});

describe('SM2 against GB/T 32918.2 Annex A (test curve, ID ALICE123@YAHOO.COM)', () => {
  const v = GBT_32918_2_TEST_CURVE;
  const message = Buffer.from(v.message);

  it('reproduces Z_A and e exactly', () => {
    expect(computeZA(v.id, pointOf(v), v.curve).toString('hex')).toBe(v.za);
    expect(messageDigest(v.id, pointOf(v), message, v.curve).toString('hex')).toBe(v.e);
  });

  it('accepts the vector signature, and rejects a changed one', () => {
    const e = messageDigest(v.id, pointOf(v), message, v.curve);
    expect(verifyDigest(e, { r: v.r, s: v.s }, pointOf(v), v.curve)).toBe(true);
    expect(verifyDigest(e, { r: v.r, s: v.s ^ 1n }, pointOf(v), v.curve)).toBe(false);
    expect(verifyDigest(e, { r: v.r, s: v.s }, pointOf(v))).toBe(false); // not a point of sm2p256v1
  });
});

describe('node:crypto and SM2 (what signDigest works around)', () => {
  const message = Buffer.from('message digest');

  it('signs ECDSA, not SM2, with a key fresh from generateKeyPairSync', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    expect(privateKey.asymmetricKeyType).toBe('ec');
    const point = sm2PublicPoint(publicKey);
    const signature = sign('sm3', message, privateKey);
    const der = signatureToDer(signatureToRaw(parseDer(signature)));
    expect(der.equals(signature)).toBe(true);
    for (const id of ['', DEFAULT_SIGNER_ID]) expect(verifyDigest(messageDigest(id, point, message), parseDer(signature), point)).toBe(false);
  });

  it('signs SM2 with an empty ID, not the default one, once the key is read from PKCS#8', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const sm2Key = toSm2PrivateKey(privateKey);
    expect(sm2Key.asymmetricKeyType).toBeUndefined();
    const point = sm2PublicPoint(createPublicKey(sm2Key));
    const signature = parseDer(sign('sm3', message, sm2Key));
    expect(verifyDigest(messageDigest('', point, message), signature, point)).toBe(true);
    expect(verifyDigest(messageDigest(DEFAULT_SIGNER_ID, point, message), signature, point)).toBe(false);
  });
});

describe('verifyDigest and signDigest against OpenSSL in process (empty ID, which node:crypto uses)', () => {
  const pairs = Array.from({ length: 3 }, () => generateKeyPairSync('ec', { namedCurve: 'SM2' }));

  it('accepts what OpenSSL signs and rejects it changed; OpenSSL accepts what signDigest signs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: pairs.length - 1 }), fc.nat({ max: 63 }), (bytes, which, flip) => {
        const message = Buffer.from(bytes);
        const { privateKey, publicKey } = pairs[which]!;
        const sm2Key = toSm2PrivateKey(privateKey);
        const point = sm2PublicPoint(publicKey);
        const e = messageDigest('', point, message);
        const theirs = signatureToRaw(parseDer(sign('sm3', message, sm2Key)));
        expect(verifyDigest(e, signatureFromRaw(theirs)!, point)).toBe(true);
        const changed = Buffer.from(theirs);
        changed[flip] = changed[flip]! ^ 0x01;
        expect(verifyDigest(e, signatureFromRaw(changed)!, point)).toBe(false);
        expect(verifyDigest(e, signatureFromRaw(theirs)!, sm2PublicPoint(pairs[(which + 1) % pairs.length]!.publicKey))).toBe(false);
        const ours = signDigest(e, privateKey);
        expect(verify('sm3', message, sm2Key, signatureToDer(ours))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('stays right for every key when more keys are used than it keeps tables for', () => {
    const many = Array.from({ length: 70 }, () => generateKeyPairSync('ec', { namedCurve: 'SM2' }));
    const e = sm3(Buffer.from('seal'));
    const signed = many.map(({ privateKey, publicKey }) => ({ point: sm2PublicPoint(publicKey), signature: signatureFromRaw(signDigest(e, privateKey))! }));
    for (let round = 0; round < 2; round++) {
      signed.forEach(({ point, signature }, i) => {
        expect(verifyDigest(e, signature, point)).toBe(true);
        expect(verifyDigest(e, signature, signed[(i + 1) % signed.length]!.point)).toBe(false);
      });
    }
  });
});

describe('signDigest', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  const point = sm2PublicPoint(publicKey);
  const message = Buffer.from('{"licence":"JY14201030012345"}');

  it('makes standard signatures over e, whatever type of key object it gets', () => {
    const e = messageDigest(DEFAULT_SIGNER_ID, point, message);
    for (const key of [privateKey, toSm2PrivateKey(privateKey)]) {
      const raw = signDigest(e, key);
      expect(raw).toHaveLength(64);
      expect(verifyDigest(e, signatureFromRaw(raw)!, point)).toBe(true);
    }
  });

  it.skipIf(!hasOpenssl)('makes signatures the openssl command verifies, and not once a byte is changed', async () => {
    const raw = signDigest(messageDigest(DEFAULT_SIGNER_ID, point, message), privateKey);
    expect(await opensslVerifies(publicKey, message, raw)).toBe(true);
    const changed = Buffer.from(message);
    changed.writeUInt8(changed.readUInt8(5) ^ 0x01, 5);
    expect(await opensslVerifies(publicKey, changed, raw)).toBe(false);
  });

  it('refuses a key that is not on the SM2 curve', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(() => signDigest(Buffer.alloc(32, 1), p256.privateKey)).toThrow(/not an SM2/);
  });
});

describe('canonicalBytes', () => {
  it('is RFC 8785: sorted keys, no spaces, ECMAScript numbers, UTF-8', () => {
    expect(canonicalBytes({ b: [1e21, 0.1, -0], a: '营业执照', c: { z: null, y: true } }).toString('utf8')).toBe(
      '{"a":"营业执照","b":[1e+21,0.1,0],"c":{"y":true,"z":null}}',
    );
  });

  it('throws for what is not JSON', () => {
    expect(() => canonicalBytes(undefined)).toThrow();
    expect(() => canonicalBytes({ n: Number.NaN })).toThrow();
    expect(() => canonicalBytes({ n: 1n })).toThrow();
  });
});

describe('signDocument and verifySeal', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  const document = {
    type: 'timeout-default-notice',
    caseId: 'c-20250301-0001',
    itemCode: 'food-permit',
    holder: { subjectId: '420104199003071234', name: '王小明' },
    deemedApprovedAt: '2025-03-08T16:00:00Z',
  };
  const seal = signDocument({ document, department: 'market-regulation', privateKey, publicKey, appliedBy: 'default', signedAt: '2025-03-08T16:00:00Z' });

  it('states what it binds, with the standard ID and the key id', () => {
    expect(seal).toMatchObject({
      algorithm: 'SM2-with-SM3',
      signerId: DEFAULT_SIGNER_ID,
      department: 'market-regulation',
      keyId: keyIdOf(publicKey),
      documentDigest: sm3(canonicalBytes(document)).toString('hex'),
      signedAt: '2025-03-08T16:00:00Z',
      appliedBy: 'default',
    });
    expect(seal.keyId).toMatch(/^[0-9a-f]{32}$/);
    expect(Buffer.from(seal.signature, 'base64')).toHaveLength(64);
  });

  it('verifies the document, in any key order', () => {
    const reordered = Object.fromEntries(Object.entries(document).reverse());
    expect(verifySeal({ document: reordered, seal, publicKey })).toEqual({ valid: true });
  });

  it.skipIf(!hasOpenssl)('is an SM2 signature the openssl command verifies over the canonical document and seal', async () => {
    const { signature, ...unsigned } = seal;
    expect(await opensslVerifies(publicKey, canonicalBytes({ document, seal: unsigned }), Buffer.from(signature, 'base64'))).toBe(true);
  });

  it('is a digest mismatch when one byte of the document changes', () => {
    const changed = { ...document, holder: { ...document.holder, name: '王小朋' } };
    expect(verifySeal({ document: changed, seal, publicKey })).toEqual({ valid: false, reason: 'digest-mismatch' });
  });

  it('is a bad signature when the digest is recomputed for a changed document', () => {
    const changed = { ...document, itemCode: 'food-permiT' };
    const forged = { ...seal, documentDigest: sm3(canonicalBytes(changed)).toString('hex') };
    expect(verifySeal({ document: changed, seal: forged, publicKey })).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it.each([
    ['department', 'health'],
    ['signedAt', '2025-03-01T16:00:00Z'],
    ['appliedBy', 'person'],
    ['signerId', 'ALICE123@YAHOO.COM'],
  ] as const)('is a bad signature when the seal says another %s', (field, value) => {
    expect(verifySeal({ document, seal: { ...seal, [field]: value }, publicKey })).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('is a bad signature when a bit of the signature flips', () => {
    const raw = Buffer.from(seal.signature, 'base64');
    raw.writeUInt8(raw.readUInt8(40) ^ 0x04, 40);
    expect(verifySeal({ document, seal: { ...seal, signature: raw.toString('base64') }, publicKey })).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('is an unknown key without a key, with another key, or with a key that is not SM2', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'SM2' }).publicKey;
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    for (const key of [undefined, other, p256, privateKey]) {
      expect(verifySeal({ document, seal, publicKey: key })).toEqual({ valid: false, reason: 'unknown-key' });
    }
  });

  it('is malformed when the seal or the document cannot be read', () => {
    const { signature: _, ...unsigned } = seal;
    const cases: Array<[unknown, unknown]> = [
      [document, undefined],
      [document, 'seal'],
      [document, unsigned],
      [document, { ...seal, extra: 1 }],
      [document, { ...seal, algorithm: 'SM2' }],
      [document, { ...seal, signedAt: 'yesterday' }],
      [document, { ...seal, signature: 'not base64!' }],
      [document, { ...seal, signature: Buffer.alloc(63).toString('base64') }],
      [document, { ...seal, signature: signatureToDer(Buffer.from(seal.signature, 'base64')).toString('base64') }],
      [undefined, seal],
      [{ n: Number.NaN }, seal],
    ];
    for (const [doc, s] of cases) expect(verifySeal({ document: doc, seal: s, publicKey })).toEqual({ valid: false, reason: 'malformed' });
  });

  it('is malformed, not a crash, for a document nested too deep to canonicalize (a file has no body limit)', () => {
    const deep = JSON.parse('['.repeat(300_000) + ']'.repeat(300_000));
    expect(verifySeal({ document: deep, seal, publicKey })).toEqual({ valid: false, reason: 'malformed' });
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (doc, s) => {
        expect(verifySeal({ document: doc, seal: s, publicKey }).valid).toBe(false);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(seal) as Array<keyof Seal>)), fc.oneof(fc.string(), fc.integer(), fc.constant(null)), (field, value) => {
        fc.pre(seal[field] !== value);
        expect(verifySeal({ document, seal: { ...seal, [field]: value }, publicKey }).valid).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('signs and verifies with an agreed signer ID', () => {
    const own = signDocument({ document, department: 'health', privateKey, publicKey, signerId: 'health@hubei.gov.cn', appliedBy: 'person', signedAt: '2025-03-08T08:00:00+08:00' });
    expect(own.signerId).toBe('health@hubei.gov.cn');
    expect(verifySeal({ document, seal: own, publicKey })).toEqual({ valid: true });
  });

  it('refuses to seal with a key pair that does not match, or without a proper time', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'SM2' }).publicKey;
    const input = { document, department: 'health', privateKey, publicKey, appliedBy: 'person', signedAt: '2025-03-08T08:00:00Z' } as const;
    expect(() => signDocument({ ...input, publicKey: other })).toThrow(/does not match/);
    expect(() => signDocument({ ...input, signedAt: '8 March' })).toThrow(/cannot seal/);
    expect(() => signDocument({ ...input, department: '' })).toThrow(/cannot seal/);
  });
});

describe('scripts/seal-verify.ts', () => {
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  const script = join(ROOT, 'scripts', 'seal-verify.ts');
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(tsx, [script, ...args], { env: { ...process.env, YJS_SEAL_KEYS_DIR: '', ...env } }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
      ),
    );
  let keys: string;
  let sealedFile: string;
  let tamperedFile: string;

  beforeAll(async () => {
    keys = join(dir, 'cli-keys');
    const { privateKey, publicKey } = await new FileKeyStore(keys).keyPairFor('market-regulation');
    const document = { type: 'result', certificateNumber: 'food-permit-20250301-0A1B2C3D' };
    const seal = signDocument({ document, department: 'market-regulation', privateKey, publicKey, appliedBy: 'person', signedAt: '2025-03-01T09:30:00+08:00' });
    sealedFile = join(dir, 'sealed.json');
    tamperedFile = join(dir, 'tampered.json');
    await writeFile(sealedFile, JSON.stringify({ document, seal }));
    await writeFile(tamperedFile, JSON.stringify({ document: { ...document, certificateNumber: 'food-permit-20250301-0A1B2C3E' }, seal }));
  });

  it('prints valid with the department, time and who applied it, and exits 0', async () => {
    const { code, stdout } = await run([sealedFile, '--keys', keys]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^valid department=market-regulation signedAt=2025-03-01T09:30:00\+08:00 appliedBy=person keyId=[0-9a-f]{32}\n$/);
  });

  it('prints invalid with the reason and exits 1; the key directory may come from YJS_SEAL_KEYS_DIR', async () => {
    const { code, stdout } = await run([tamperedFile], { YJS_SEAL_KEYS_DIR: keys });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^invalid \(digest-mismatch\) department=market-regulation /);
  });

  it('is an unknown key when the directory does not have it', async () => {
    const empty = join(dir, 'no-keys');
    await new FileKeyStore(empty).keyPairFor('health');
    const { code, stdout } = await run([sealedFile, '--keys', empty]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^invalid \(unknown-key\)/);
  });

  it('exits 2 on usage and I/O errors', async () => {
    await writeFile(join(dir, 'not-json.json'), '{');
    const runs = await Promise.all([
      run([]),
      run([sealedFile]), // no key directory
      run([sealedFile, '--keys']),
      run([sealedFile, '--key', keys]),
      run([join(dir, 'missing.json'), '--keys', keys]),
      run([sealedFile, '--keys', join(dir, 'missing-dir')]),
      run([join(dir, 'not-json.json'), '--keys', keys]),
    ]);
    expect(runs.map((r) => r.code)).toEqual(Array(runs.length).fill(2));
    expect(runs.every((r) => r.stdout === '' && r.stderr.startsWith('seal-verify: '))).toBe(true);
  });
});
