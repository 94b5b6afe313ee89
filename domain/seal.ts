/**
 * Electronic seals (电子印章): SM2 signatures with SM3 (GB/T 32918, GB/T 32905) over canonical JSON
 * documents (RFC 8785), verifiable by anyone with the department's public key.
 *
 * What node:crypto (Node 20, OpenSSL 3.0) does with SM2, and why this module does part of it itself:
 * - `generateKeyPairSync('ec', { namedCurve: 'SM2' })` makes a key of OpenSSL type EC: `crypto.sign`
 *   with it computes **ECDSA** on the SM2 curve, not an SM2 signature.
 * - The same key read back from PKCS#8/SPKI becomes OpenSSL type SM2 (`asymmetricKeyType` is
 *   `undefined`); `crypto.sign('sm3' | null, m, key)` then computes a real SM2 signature, but over
 *   e = SM3(Z_A ‖ m) with Z_A for an **empty** distinguishing ID (ENTL = 0), not the default ID
 *   "1234567812345678" of GM/T 0009 / GB/T 35276. Node has no option to set the ID, and no call
 *   signs a precomputed digest (`crypto.sign(null, e, key)` hashes again).
 * So a standard signature is made in two steps: OpenSSL signs with its own secret nonce k, and
 * {@link retargetSignature} moves that signature from OpenSSL's digest e′ to ours, e: with the same k,
 * r = r′ − e′ + e and s = s′ − (r − r′)·d/(1 + d) (mod n). The nonce never leaves OpenSSL; only the
 * per-key constant d/(1 + d) is handled here, and every signature is verified before it is returned.
 * Verification uses public values only: Z_A and e are computed here, the point sG + tP by
 * `@noble/curves` on the GB/T 32918.5 curve (node:crypto cannot verify with the standard ID either).
 * A department's key signs many seals, so each public key keeps a multiplication table once used
 * (about 8 ms once, then well under 1 ms per verification, against about 2 ms without a table).
 *
 * Signatures are 64 bytes, r ‖ s, each 32 bytes big-endian (as in GB/T 38540 seals and GM/T 0009
 * raw form); {@link signatureToDer} gives the DER `SM2Signature` that OpenSSL and GmSSL tools read.
 * Exporting an SM2-typed private key as `sec1` aborts the Node process (an assertion in Node 20):
 * only PKCS#8 and SPKI are used here.
 */
import { createHash, createPrivateKey, createPublicKey, sign as opensslSign, type KeyObject } from 'node:crypto';
import { invert, mod } from '@noble/curves/abstract/modular.js';
import { weierstrass, type WeierstrassPoint, type WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';
import canonicalize from 'canonicalize';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// SM2 primitives

/** A short Weierstrass curve y² = x³ + ax + b over F_p with base point G of prime order n. */
export interface Sm2Curve {
  p: bigint;
  a: bigint;
  b: bigint;
  gx: bigint;
  gy: bigint;
  n: bigint;
}

/** The recommended curve of GB/T 32918.5 (sm2p256v1, OID 1.2.156.10197.1.301; OpenSSL "SM2"). */
export const SM2P256V1: Sm2Curve = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
};

/** The default distinguishing ID of GM/T 0009-2012 §10 and GB/T 35276-2017. */
export const DEFAULT_SIGNER_ID = '1234567812345678';

export interface Point {
  x: bigint;
  y: bigint;
}

export interface Sm2Signature {
  r: bigint;
  s: bigint;
}

const COORDINATE_BYTES = 32;

/** SM3 (GB/T 32905) of the concatenated parts. */
export function sm3(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sm3');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/**
 * Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) (GB/T 32918.2 §5.5), ENTL_A being the bit
 * length of the ID in two bytes. A string ID is taken as UTF-8.
 */
export function computeZA(signerId: string | Uint8Array, publicPoint: Point, curve: Sm2Curve = SM2P256V1): Buffer {
  const id = typeof signerId === 'string' ? Buffer.from(signerId, 'utf8') : Buffer.from(signerId);
  if (id.length > 0x1fff) throw new RangeError('SM2 distinguishing ID longer than 8191 bytes');
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(id.length * 8);
  const size = byteLength(curve.p);
  return sm3(
    entl,
    id,
    ...[curve.a, curve.b, curve.gx, curve.gy, publicPoint.x, publicPoint.y].map((v) => toBytes(v, size)),
  );
}

/** e = SM3(Z_A ‖ M): the value an SM2 signature signs (GB/T 32918.2 §6.1, steps A1–A2). */
export function messageDigest(
  signerId: string | Uint8Array,
  publicPoint: Point,
  message: Uint8Array,
  curve: Sm2Curve = SM2P256V1,
): Buffer {
  return sm3(computeZA(signerId, publicPoint, curve), message);
}

/**
 * SM2 verification of a signature over the digest e (GB/T 32918.2 §7.1, steps B3–B7), on public
 * values only. False for anything that is not a valid signature: r or s out of [1, n−1], t = 0, a
 * public key off the curve.
 */
export function verifyDigest(e: Uint8Array, signature: Sm2Signature, publicPoint: Point, curve: Sm2Curve = SM2P256V1): boolean {
  const { r, s } = signature;
  const { n } = curve;
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const t = mod(r + s, n);
  if (t === 0n) return false;
  const { Point } = arithmeticOf(curve);
  const P = publicPointOf(publicPoint, curve);
  if (!P) return false;
  const sum = Point.BASE.multiplyUnsafe(s).add(P.multiplyUnsafe(t)); // (x₁, y₁) = sG + tP
  if (sum.is0()) return false;
  return mod(fromBytes(e) + sum.toAffine().x, n) === r;
}

/**
 * Moves an SM2 signature made over digest `from` to digest `to`, keeping its nonce k: with x₁ the
 * x-coordinate of kG, r = e + x₁ and s = (1 + d)⁻¹(k − r·d), so r_to = r − from + to and
 * s_to = s − (r_to − r)·d/(1 + d) (mod n). This is how {@link signDigest} turns OpenSSL's
 * empty-ID signature into one over the standard digest. The result is a signature as if made over
 * `to` with k; it is not checked here.
 */
export function retargetSignature(signature: Sm2Signature, from: Uint8Array, to: Uint8Array, privateKey: KeyObject): Sm2Signature {
  const { n } = SM2P256V1;
  const r = mod(signature.r - fromBytes(from) + fromBytes(to), n);
  const s = mod(signature.s - (r - signature.r) * retargetFactor(privateKey), n);
  return { r, s };
}

/**
 * A standard SM2 signature over the digest e (computed by {@link messageDigest}), as 64 bytes r ‖ s.
 * OpenSSL makes a signature over a digest e′ of its choosing with a fresh secret nonce, which is then
 * retargeted to e and verified: a signature that would not verify is never returned.
 */
export function signDigest(e: Uint8Array, privateKey: KeyObject): Buffer {
  const key = toSm2PrivateKey(privateKey);
  const publicPoint = pointFromSpki(spkiOf(key));
  // OpenSSL 3.0 signs SM3(Z_A(ID = "") ‖ m); should a later OpenSSL default to the standard ID, the
  // second candidate covers it. Anything else (an ECDSA key, say) fails the check below.
  const candidates = [computeZA('', publicPoint), computeZA(DEFAULT_SIGNER_ID, publicPoint)].map((za) => sm3(za, e));
  // The chance of r = 0 or r + k = n is about 2⁻²⁵⁵; one retry with a new nonce covers it.
  for (let attempt = 0; attempt < 2; attempt++) {
    const made = parseDerSignature(opensslSign('sm3', e, key));
    if (!made) break;
    for (const signedDigest of candidates) {
      const signature = retargetSignature(made, signedDigest, e, key);
      if (verifyDigest(e, signature, publicPoint)) return signatureToRaw(signature);
    }
  }
  throw new Error('SM2 signing failed its self-check: the key is not an SM2 key, or OpenSSL signed differently');
}

/** The public point of an SM2 public key (SPKI: id-ecPublicKey with curve sm2p256v1, uncompressed). */
export function sm2PublicPoint(publicKey: KeyObject): Point {
  if (publicKey.type !== 'public') throw new TypeError('expected a public key');
  return pointFromSpki(spkiOf(publicKey));
}

function pointFromSpki(spki: Buffer): Point {
  if (spki.length !== SM2_SPKI_PREFIX.length + 1 + 2 * COORDINATE_BYTES || !spki.subarray(0, SM2_SPKI_PREFIX.length).equals(SM2_SPKI_PREFIX)) {
    throw new TypeError('not an SM2 public key (curve sm2p256v1, uncompressed point)');
  }
  const at = SM2_SPKI_PREFIX.length + 1; // after the 0x04 of the uncompressed point
  return { x: fromBytes(spki.subarray(at, at + COORDINATE_BYTES)), y: fromBytes(spki.subarray(at + COORDINATE_BYTES)) };
}

/** The SPKI DER of an SM2 public point: what `createPublicKey({ format: 'der', type: 'spki' })` reads. */
export function sm2SpkiFromPoint(point: Point): Buffer {
  return Buffer.concat([SM2_SPKI_PREFIX, Buffer.from([0x04]), toBytes(point.x, COORDINATE_BYTES), toBytes(point.y, COORDINATE_BYTES)]);
}

/**
 * A private key OpenSSL signs with SM2: a key of type EC on the SM2 curve (as `generateKeyPairSync`
 * makes) is read back from its PKCS#8, which makes it OpenSSL type SM2. Throws for other keys.
 */
export function toSm2PrivateKey(privateKey: KeyObject): KeyObject {
  let key = sm2PrivateKeys.get(privateKey);
  if (key) return key;
  if (privateKey.type !== 'private') throw new TypeError('expected a private key');
  pointFromSpki(spkiOf(privateKey)); // throws unless the curve is SM2
  key =
    privateKey.asymmetricKeyType === undefined // already OpenSSL type SM2
      ? privateKey
      : createPrivateKey({ key: privateKey.export({ type: 'pkcs8', format: 'der' }), format: 'der', type: 'pkcs8' });
  sm2PrivateKeys.set(privateKey, key);
  return key;
}

/** A key's id: the first 16 bytes of SM3 over its SPKI DER, in hex. */
export function keyIdOf(publicKey: KeyObject): string {
  sm2PublicPoint(publicKey);
  return sm3(spkiOf(publicKey)).subarray(0, 16).toString('hex');
}

/** 64 bytes r ‖ s. */
export function signatureToRaw(signature: Sm2Signature): Buffer {
  return Buffer.concat([toBytes(signature.r, COORDINATE_BYTES), toBytes(signature.s, COORDINATE_BYTES)]);
}

/** r and s of a 64-byte r ‖ s; undefined for any other length. */
export function signatureFromRaw(raw: Uint8Array): Sm2Signature | undefined {
  if (raw.length !== 2 * COORDINATE_BYTES) return undefined;
  return { r: fromBytes(raw.subarray(0, COORDINATE_BYTES)), s: fromBytes(raw.subarray(COORDINATE_BYTES)) };
}

/** The DER `SM2Signature ::= SEQUENCE { r INTEGER, s INTEGER }` (GM/T 0009) of a 64-byte r ‖ s. */
export function signatureToDer(raw: Uint8Array): Buffer {
  const signature = signatureFromRaw(raw);
  if (!signature) throw new RangeError('an SM2 signature is 64 bytes r ‖ s');
  const integer = (v: bigint) => {
    let bytes = toBytes(v, COORDINATE_BYTES);
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    bytes = bytes.subarray(i);
    if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
  };
  const body = Buffer.concat([integer(signature.r), integer(signature.s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

// ---------------------------------------------------------------------------------------------
// Seals

export const SEAL_ALGORITHM = 'SM2-with-SM3';

/** Who applied the seal: an official's decision, or the system on a timeout default (超时默认). */
export type AppliedBy = 'person' | 'default';

/**
 * An electronic seal on a JSON document. The signature covers the canonical JSON of
 * `{ document, seal }`, the seal without its signature: department, time, who applied it and the
 * key are as bound as the document is.
 */
export interface Seal {
  algorithm: typeof SEAL_ALGORITHM;
  /** The SM2 distinguishing ID in Z_A; {@link DEFAULT_SIGNER_ID} unless agreed otherwise. */
  signerId: string;
  department: string;
  /** {@link keyIdOf} the department's public key. */
  keyId: string;
  /** SM3 of the canonical document, hex. */
  documentDigest: string;
  /** ISO 8601 instant, chosen by the caller (a workflow) so that a retry keeps it. */
  signedAt: string;
  appliedBy: AppliedBy;
  /** Base64 of the 64-byte SM2 signature r ‖ s. */
  signature: string;
}

const SealSchema = z.strictObject({
  algorithm: z.literal(SEAL_ALGORITHM),
  signerId: z.string().min(1).max(0x1fff),
  department: z.string().min(1),
  keyId: z.string().regex(/^[0-9a-f]{32}$/),
  documentDigest: z.string().regex(/^[0-9a-f]{64}$/),
  signedAt: z.iso.datetime({ offset: true }),
  appliedBy: z.enum(['person', 'default']),
  signature: z.base64(),
});

/** The canonical JSON (RFC 8785, JCS) of a JSON value, as UTF-8. Throws for non-JSON values. */
export function canonicalBytes(document: unknown): Buffer {
  const json = canonicalize(document);
  if (json === undefined) throw new TypeError('not a JSON value');
  return Buffer.from(json, 'utf8');
}

export interface SignDocumentInput {
  document: unknown;
  department: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Default {@link DEFAULT_SIGNER_ID}. */
  signerId?: string;
  appliedBy: AppliedBy;
  signedAt: string;
}

/**
 * Seals a document with the department's key. Signatures are randomised: sealing twice gives two
 * valid seals, so callers keep the first (the document store's `createOnce`). Throws on bad input
 * or a key pair that does not match.
 */
export function signDocument(input: SignDocumentInput): Seal {
  const { document, department, privateKey, publicKey, appliedBy, signedAt } = input;
  const signerId = input.signerId ?? DEFAULT_SIGNER_ID;
  const publicPoint = sm2PublicPoint(publicKey);
  if (!spkiOf(privateKey).equals(spkiOf(publicKey))) {
    throw new Error(`the private key of ${department} does not match its public key`);
  }
  const unsigned: Omit<Seal, 'signature'> = {
    algorithm: SEAL_ALGORITHM,
    signerId,
    department,
    keyId: keyIdOf(publicKey),
    documentDigest: sm3(canonicalBytes(document)).toString('hex'),
    signedAt,
    appliedBy,
  };
  const checked = SealSchema.omit({ signature: true }).safeParse(unsigned);
  if (!checked.success) throw new TypeError(`cannot seal: ${z.prettifyError(checked.error)}`);
  const e = messageDigest(signerId, publicPoint, signedBytes(document, unsigned));
  return { ...unsigned, signature: signDigest(e, privateKey).toString('base64') };
}

/** Why a seal does not verify. */
export type SealFailure = 'digest-mismatch' | 'bad-signature' | 'unknown-key' | 'malformed';

/**
 * The outcome of verifying a seal. Revocation (a key or a seal withdrawn at a time, for a reason)
 * is to be reported alongside, e.g. as `revoked?: { at, reason }`, by a later check.
 */
export interface SealVerification {
  valid: boolean;
  reason?: SealFailure;
}

export interface VerifySealInput {
  document: unknown;
  seal: unknown;
  /** The public key the seal names by `keyId`; undefined when none is known. */
  publicKey: KeyObject | undefined;
}

/**
 * Verifies a seal on a document. Never throws: a seal or document that cannot be read is
 * `malformed`; a key that is missing or is not the seal's is `unknown-key`; a document that is not
 * the sealed one is `digest-mismatch`; anything else that does not verify is `bad-signature`.
 */
export function verifySeal(input: VerifySealInput): SealVerification {
  try {
    const parsed = SealSchema.safeParse(input.seal);
    if (!parsed.success) return invalid('malformed');
    const { signature, ...unsigned } = parsed.data;
    const raw = Buffer.from(signature, 'base64');
    const sm2Signature = signatureFromRaw(raw);
    if (!sm2Signature || raw.toString('base64') !== signature) return invalid('malformed');
    let documentBytes: Buffer;
    try {
      documentBytes = canonicalBytes(input.document);
    } catch {
      return invalid('malformed');
    }
    const { publicKey } = input;
    let publicPoint: Point;
    try {
      if (!publicKey || keyIdOf(publicKey) !== unsigned.keyId) return invalid('unknown-key');
      publicPoint = sm2PublicPoint(publicKey);
    } catch {
      return invalid('unknown-key');
    }
    if (sm3(documentBytes).toString('hex') !== unsigned.documentDigest) return invalid('digest-mismatch');
    const e = messageDigest(unsigned.signerId, publicPoint, signedBytes(input.document, unsigned));
    return verifyDigest(e, sm2Signature, publicPoint) ? { valid: true } : invalid('bad-signature');
  } catch {
    return invalid('malformed');
  }
}

function invalid(reason: SealFailure): SealVerification {
  return { valid: false, reason };
}

/** What a seal's signature covers: the canonical JSON of the document with the unsigned seal. */
function signedBytes(document: unknown, unsigned: Omit<Seal, 'signature'>): Buffer {
  return canonicalBytes({ document, seal: unsigned });
}

// ---------------------------------------------------------------------------------------------
// Internals: curve arithmetic, DER, numbers

/** Window of the per-key tables: 8 ms and a few hundred KB per key for ~5× faster t·P. */
const KEY_TABLE_WINDOW = 4;
/** Keys with tables kept per curve, least recently used dropped first. */
const KEY_TABLE_LIMIT = 64;

interface CurveArithmetic {
  Point: WeierstrassPointCons<bigint>;
  /** Public points by `x:y` (hex), with their tables, in order of last use. */
  keys: Map<string, WeierstrassPoint<bigint>>;
}

const arithmetics = new WeakMap<Sm2Curve, CurveArithmetic>();

function arithmeticOf(curve: Sm2Curve): CurveArithmetic {
  let arithmetic = arithmetics.get(curve);
  if (!arithmetic) {
    const Point = weierstrass({ p: curve.p, n: curve.n, h: 1n, a: curve.a, b: curve.b, Gx: curve.gx, Gy: curve.gy });
    arithmetic = { Point, keys: new Map() };
    arithmetics.set(curve, arithmetic);
  }
  return arithmetic;
}

/** The public point as a noble point with its table; undefined if it is not a point of the curve. */
function publicPointOf({ x, y }: Point, curve: Sm2Curve): WeierstrassPoint<bigint> | undefined {
  const { Point, keys } = arithmeticOf(curve);
  const id = `${x.toString(16)}:${y.toString(16)}`;
  let point = keys.get(id);
  if (point) {
    keys.delete(id); // re-inserted below as the most recently used
  } else {
    try {
      point = Point.fromAffine({ x, y });
      point.assertValidity(); // coordinates in [0, p), on the curve, not infinity
    } catch {
      return undefined;
    }
    point.precompute(KEY_TABLE_WINDOW, false);
    if (keys.size >= KEY_TABLE_LIMIT) keys.delete(keys.keys().next().value!);
  }
  keys.set(id, point);
  return point;
}

/** SPKI DER up to the public point: SEQUENCE { SEQUENCE { id-ecPublicKey, sm2p256v1 }, BIT STRING }. */
const SM2_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');
const ID_EC_PUBLIC_KEY = Buffer.from('2a8648ce3d0201', 'hex');
const SM2P256V1_OID = Buffer.from('2a811ccf5501822d', 'hex');

/** The SPKI DER of each key object, of a private key its public half: an export costs ~0.1 ms. */
const spkis = new WeakMap<KeyObject, Buffer>();

/** The SPKI DER of a key (of a private key, its public key), exported once per key object. */
function spkiOf(key: KeyObject): Buffer {
  let spki = spkis.get(key);
  if (!spki) {
    spki = (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
    spkis.set(key, spki);
  }
  return spki;
}

/** The OpenSSL-type-SM2 form of each private key given to {@link toSm2PrivateKey}. */
const sm2PrivateKeys = new WeakMap<KeyObject, KeyObject>();

/** d/(1 + d) mod n of each private key, computed once per key object. */
const retargetFactors = new WeakMap<KeyObject, bigint>();

function retargetFactor(privateKey: KeyObject): bigint {
  let factor = retargetFactors.get(privateKey);
  if (factor === undefined) {
    const { n } = SM2P256V1;
    const d = sm2PrivateScalar(privateKey);
    factor = mod(d * invert(d + 1n, n), n);
    retargetFactors.set(privateKey, factor);
  }
  return factor;
}

/** d of an SM2 private key, from its PKCS#8 (RFC 5208) wrapping of an ECPrivateKey (RFC 5915). */
function sm2PrivateScalar(privateKey: KeyObject): bigint {
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const [, algorithm, wrapped] = derChildren(derRead(pkcs8, 0x30));
  if (!algorithm || !wrapped) throw new TypeError('not an SM2 private key');
  const [algorithmOid, curveOid] = derChildren(derRead(algorithm, 0x30));
  if (!algorithmOid?.equals(derEncode(0x06, ID_EC_PUBLIC_KEY)) || !curveOid?.equals(derEncode(0x06, SM2P256V1_OID))) {
    throw new TypeError('not an SM2 private key');
  }
  const [, d] = derChildren(derRead(derRead(wrapped, 0x04), 0x30));
  if (!d) throw new TypeError('not an SM2 private key');
  const scalar = fromBytes(derRead(d, 0x04));
  if (scalar < 1n || scalar >= SM2P256V1.n - 1n) throw new TypeError('SM2 private key out of range');
  return scalar;
}

/** r and s of a DER `SEQUENCE { r INTEGER, s INTEGER }`; undefined if it is not one. */
function parseDerSignature(der: Uint8Array): Sm2Signature | undefined {
  try {
    const [r, s, extra] = derChildren(derRead(Buffer.from(der), 0x30));
    if (!r || !s || extra) return undefined;
    return { r: fromBytes(derRead(r, 0x02)), s: fromBytes(derRead(s, 0x02)) };
  } catch {
    return undefined;
  }
}

/** The content of the single TLV `element`, which must have tag `tag`. */
function derRead(element: Buffer, tag: number): Buffer {
  const { length, headerLength } = derHeader(element, 0);
  if (element[0] !== tag || headerLength + length !== element.length) throw new TypeError('unexpected DER');
  return element.subarray(headerLength);
}

/** The TLVs, header included, that follow one another in `content`. */
function derChildren(content: Buffer): Buffer[] {
  const children: Buffer[] = [];
  for (let at = 0; at < content.length; ) {
    const { length, headerLength } = derHeader(content, at);
    const end = at + headerLength + length;
    if (end > content.length) throw new TypeError('truncated DER');
    children.push(content.subarray(at, end));
    at = end;
  }
  return children;
}

function derHeader(buffer: Buffer, at: number): { length: number; headerLength: number } {
  const first = buffer[at + 1];
  if (first === undefined) throw new TypeError('truncated DER');
  if (first < 0x80) return { length: first, headerLength: 2 };
  const count = first & 0x7f;
  if (count < 1 || count > 3 || at + 2 + count > buffer.length) throw new TypeError('unsupported DER length');
  return { length: buffer.readUIntBE(at + 2, count), headerLength: 2 + count };
}

function derEncode(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag, content.length]), content]);
}

function byteLength(v: bigint): number {
  return Math.ceil(v.toString(16).length / 2);
}

function toBytes(v: bigint, size: number): Buffer {
  const hex = v.toString(16).padStart(size * 2, '0');
  if (hex.length > size * 2) throw new RangeError('integer too large');
  return Buffer.from(hex, 'hex');
}

function fromBytes(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}
