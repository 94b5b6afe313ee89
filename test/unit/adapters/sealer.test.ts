import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileDocumentStore, MemoryDocumentStore, documentIdFor, type DocumentStore } from '../../../adapters/documents';
import { FileKeyStore, MemoryKeyStore, type KeyStore } from '../../../adapters/keystore';
import { signDocument } from '../../../domain/seal';
import { Sealer, revocationKey, verifySealed, type SealOnceInput, type SealedDocument } from '../../../adapters/sealer';

interface Licence {
  documentId: string;
  type: 'result';
  caseId: string;
  holder: string;
}

const SIGNED_AT = '2025-03-14T09:30:00+08:00';
const KEY = 'case-1/business-registration/issue';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yjs-sealing-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function licence(documentId: string, holder = '张三餐饮有限公司'): Licence {
  return { documentId, type: 'result', caseId: 'case-1', holder };
}

function sealLicence(sealer: Sealer, overrides: Partial<SealOnceInput<Licence>> = {}) {
  return sealer.sealOnce<Licence>({ key: KEY, department: 'market-regulation', appliedBy: 'person', signedAt: SIGNED_AT, make: (id) => licence(id), ...overrides });
}

describe.each([
  ['memory stores', (): [KeyStore, DocumentStore] => [new MemoryKeyStore(), new MemoryDocumentStore()]],
  ['file stores', (): [KeyStore, DocumentStore] => [new FileKeyStore(join(dir, 'keys')), new FileDocumentStore(join(dir, 'docs'))]],
])('Sealer.sealOnce with %s', (_name, open) => {
  it('returns the first sealed document when called again', async () => {
    const [keys, documents] = open();
    const sealer = new Sealer(keys, documents);
    const first = await sealLicence(sealer);
    const second = await sealLicence(sealer, { appliedBy: 'default', signedAt: '2025-03-15T00:00:00+08:00' });
    expect(second).toEqual(first);
    expect(first.documentId).toBe(documentIdFor(KEY));
    expect(first.body.document).toEqual(licence(first.documentId));
    expect(first.body.seal).toMatchObject({ department: 'market-regulation', appliedBy: 'person', signedAt: SIGNED_AT });
    expect(await documents.list('case-1/')).toHaveLength(1);
  });

  it('stores one seal when 10 calls race', async () => {
    const [keys, documents] = open();
    const sealer = new Sealer(keys, documents);
    const all = await Promise.all(Array.from({ length: 10 }, () => sealLicence(sealer)));
    expect(new Set(all.map((d) => d.body.seal.signature)).size).toBe(1);
    const stored = await documents.get<SealedDocument<Licence>>(KEY);
    expect(stored?.body.seal.signature).toBe(all[0]!.body.seal.signature);
    expect(await documents.list('case-1/')).toHaveLength(1);
  });

  it('makes seals that verify', async () => {
    const [keys, documents] = open();
    const stored = await sealLicence(new Sealer(keys, documents));
    expect(await verifySealed(keys, documents, stored.body)).toEqual({
      status: 'valid',
      department: 'market-regulation',
      signedAt: SIGNED_AT,
      appliedBy: 'person',
      keyId: (await keys.keyPairFor('market-regulation')).keyId,
      documentId: stored.documentId,
    });
  });
});

describe('Sealer.sealOnce', () => {
  it('stores nothing when the document is not sealable', async () => {
    const documents = new MemoryDocumentStore();
    const sealer = new Sealer(new MemoryKeyStore(), documents);
    await expect(sealLicence(sealer, { signedAt: 'yesterday' })).rejects.toThrow(/signedAt/);
    await expect(sealLicence(sealer, { make: () => licence('another-id') })).rejects.toThrow(/documentId/);
    await expect(sealLicence(sealer, { department: 'Not A Department' })).rejects.toThrow(/department/);
    expect(await documents.get(KEY)).toBeUndefined();
  });
});

describe('verifySealed', () => {
  let keys: MemoryKeyStore;
  let documents: MemoryDocumentStore;
  let sealer: Sealer;
  let sealed: SealedDocument<Licence>;
  beforeEach(async () => {
    keys = new MemoryKeyStore();
    documents = new MemoryDocumentStore();
    sealer = new Sealer(keys, documents);
    sealed = (await sealLicence(sealer)).body;
  });

  it('is invalid when one character of the document changes', async () => {
    const tampered = { ...sealed, document: { ...sealed.document, holder: '张四餐饮有限公司' } };
    expect(await verifySealed(keys, documents, tampered)).toMatchObject({ status: 'invalid', reason: 'digest-mismatch' });
  });

  it('is invalid when the document has an extra field', async () => {
    const tampered = { ...sealed, document: { ...sealed.document, note: 'approved' } };
    expect(await verifySealed(keys, documents, tampered)).toMatchObject({ status: 'invalid', reason: 'digest-mismatch' });
  });

  it.each([
    ['appliedBy', { appliedBy: 'default' }],
    ['department', { department: 'public-security' }],
    ['signedAt', { signedAt: '2025-03-13T09:30:00+08:00' }],
  ])('is invalid when the seal states another %s', async (_field, change) => {
    await keys.keyPairFor('public-security');
    const tampered = { ...sealed, seal: { ...sealed.seal, ...change } };
    expect(await verifySealed(keys, documents, tampered)).toMatchObject({ status: 'invalid', reason: 'bad-signature' });
  });

  it("is invalid when the seal names another department's key", async () => {
    const other = await keys.keyPairFor('public-security');
    const tampered = { ...sealed, seal: { ...sealed.seal, keyId: other.keyId } };
    expect(await verifySealed(keys, documents, tampered)).toMatchObject({ status: 'invalid', reason: 'bad-signature' });
  });

  it("is invalid when another department's key signs in this department's name", async () => {
    const other = await keys.keyPairFor('public-security');
    const forged = signDocument({ document: sealed.document, department: 'market-regulation', ...other, appliedBy: 'person', signedAt: SIGNED_AT });
    expect(await verifySealed(keys, documents, { document: sealed.document, seal: forged })).toMatchObject({
      status: 'invalid',
      reason: 'department-mismatch',
      department: 'market-regulation',
      keyId: other.keyId,
    });
  });

  it('is invalid when the key is not known here', async () => {
    expect(await verifySealed(new MemoryKeyStore(), documents, sealed)).toMatchObject({ status: 'invalid', reason: 'unknown-key' });
  });

  it('reports a revocation with its time and reason, recorded once', async () => {
    const documentId = sealed.document.documentId;
    const first = await sealer.revoke({ documentId, at: '2025-04-01T10:00:00+08:00', reason: '营业执照被依法吊销', by: 'officer-7' });
    const again = await sealer.revoke({ documentId, at: '2025-04-02T10:00:00+08:00', reason: 'another reason', by: 'officer-8' });
    expect(again).toEqual(first);
    expect(await sealer.revocationOf(documentId)).toEqual(first);
    expect(await documents.list(revocationKey(documentId))).toHaveLength(1);
    expect(await verifySealed(keys, documents, sealed)).toMatchObject({
      status: 'revoked',
      documentId,
      department: 'market-regulation',
      revoked: { at: '2025-04-01T10:00:00+08:00', reason: '营业执照被依法吊销' },
    });
  });

  it('ignores revocations when it has no document store, and for other documents', async () => {
    await sealer.revoke({ documentId: 'some-other-document', at: '2025-04-01T10:00:00+08:00', reason: 'r', by: 'b' });
    expect((await verifySealed(keys, documents, sealed)).status).toBe('valid');
    await sealer.revoke({ documentId: sealed.document.documentId, at: '2025-04-01T10:00:00+08:00', reason: 'r', by: 'b' });
    expect((await verifySealed(keys, undefined, sealed)).status).toBe('valid');
  });

  it('does not report a revocation on an invalid seal', async () => {
    await sealer.revoke({ documentId: sealed.document.documentId, at: '2025-04-01T10:00:00+08:00', reason: 'r', by: 'b' });
    const tampered = { ...sealed, seal: { ...sealed.seal, appliedBy: 'default' } };
    const report = await verifySealed(keys, documents, tampered);
    expect(report).toMatchObject({ status: 'invalid', reason: 'bad-signature' });
    expect(report.revoked).toBeUndefined();
  });

  it('refuses to record a revocation without a time, reason or revoker', async () => {
    const documentId = sealed.document.documentId;
    await expect(sealer.revoke({ documentId, at: 'now', reason: 'r', by: 'b' })).rejects.toThrow(TypeError);
    await expect(sealer.revoke({ documentId, at: '2025-04-01T10:00:00Z', reason: '', by: 'b' })).rejects.toThrow(TypeError);
    await expect(sealer.revoke({ documentId: '', at: '2025-04-01T10:00:00Z', reason: 'r', by: 'b' })).rejects.toThrow(TypeError);
    expect(await sealer.revocationOf(documentId)).toBeUndefined();
  });

  it('reports malformed input as invalid and never throws', async () => {
    const { signature: _signature, ...unsigned } = sealed.seal;
    const inputs: unknown[] = [
      null,
      undefined,
      'sealed',
      42,
      true,
      [],
      [sealed.document, sealed.seal],
      {},
      { document: sealed.document },
      { seal: sealed.seal },
      { document: sealed.document, seal: null },
      { document: sealed.document, seal: 'seal' },
      { document: sealed.document, seal: [] },
      { document: sealed.document, seal: unsigned },
      { document: sealed.document, seal: { ...sealed.seal, keyId: 42 } },
      { document: sealed.document, seal: { ...sealed.seal, keyId: 'not-hex' } },
      { document: sealed.document, seal: { ...sealed.seal, signature: 'not base64!' } },
      { document: sealed.document, seal: { ...sealed.seal, signature: Buffer.alloc(63).toString('base64') } },
      { document: sealed.document, seal: { ...sealed.seal, appliedBy: 'robot' } },
      { document: sealed.document, seal: { ...sealed.seal, signedAt: 'yesterday' } },
      { document: sealed.document, seal: { ...sealed.seal, extra: 1 } },
      { document: { ...sealed.document, n: 1n }, seal: sealed.seal },
      { document: () => 1, seal: sealed.seal },
    ];
    for (const input of inputs) {
      await expect(verifySealed(keys, documents, input), JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).resolves.toMatchObject({
        status: 'invalid',
        reason: 'malformed',
      });
    }
  });

  it('states what a readable but invalid seal claims', async () => {
    const report = await verifySealed(keys, documents, { document: 'not the document', seal: sealed.seal });
    expect(report).toEqual({
      status: 'invalid',
      reason: 'digest-mismatch',
      department: 'market-regulation',
      signedAt: SIGNED_AT,
      appliedBy: 'person',
      keyId: sealed.seal.keyId,
    });
  });
});

describe('FileDocumentStore revocations', () => {
  it('keeps one revocation file however often it is recorded', async () => {
    const documents = new FileDocumentStore(join(dir, 'docs'));
    const sealer = new Sealer(new MemoryKeyStore(), documents);
    const at = '2025-04-01T10:00:00+08:00';
    await Promise.all(Array.from({ length: 5 }, (_, i) => sealer.revoke({ documentId: 'doc-1', at, reason: `reason ${i}`, by: 'b' })));
    expect((await readdir(join(dir, 'docs'))).filter((n) => n.endsWith('.json'))).toHaveLength(1);
    expect(await sealer.revocationOf('doc-1')).toMatchObject({ documentId: 'doc-1', at });
  });
});
