/**
 * The document store's contract on the database, the same suite on the embedded PGlite and on a real
 * PostgreSQL server: documents made once per key whatever the retries and races (two connection pools
 * racing on the server, as two processes would), listing by prefix, and the seal records kept in it
 * (revocations, conditions) as verifiers see them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresDocumentStore } from '../../../adapters/db/documents';
import { documentIdFor } from '../../../adapters/documents';
import { MemoryKeyStore } from '../../../adapters/keystore';
import { recordConditions, Sealer, verifySealed, type SealedDocument } from '../../../adapters/sealer';
import { testDatabases } from '../../helpers/databases';

interface Licence {
  documentId: string;
  type: 'result';
  holder: string;
}

describe.each(testDatabases())('PostgresDocumentStore on %s', (backend, database) => {
  let store: PostgresDocumentStore;
  beforeAll(async () => {
    store = new PostgresDocumentStore(await database.open());
  });
  beforeEach(() => database.reset());
  afterAll(() => database.close());

  it('makes a document once per key, whatever the retries', async () => {
    let made = 0;
    const first = await store.createOnce('c1/a/result', (documentId) => ({ n: ++made, documentId }));
    const second = await store.createOnce('c1/a/result', (documentId) => ({ n: ++made, documentId }));
    expect(second).toEqual(first);
    expect(made).toBe(1);
    expect(first).toMatchObject({ key: 'c1/a/result', documentId: documentIdFor('c1/a/result'), body: { n: 1 } });
    expect(new Date(first.createdAt).toISOString()).toBe(first.createdAt);
    expect(await store.get('c1/a/result')).toEqual(first);
  });

  it('lets exactly one of many racing writers win: every writer gets the winner', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.createOnce('c2/a/result', () => ({ writer: i }))));
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(await store.list('c2/')).toEqual([await store.get('c2/a/result')]);
  });

  it.runIf(backend === 'postgres')('lets one writer win when two processes (two connection pools) race on a key', async () => {
    const other = new PostgresDocumentStore(await database.openAnother());
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : other).createOnce(`c3/a/result-${i % 4}`, () => ({ writer: i }))),
    );
    for (let k = 0; k < 4; k++) {
      const bodies = new Set(results.filter((_, i) => i % 4 === k).map((r) => JSON.stringify(r.body)));
      expect(bodies.size).toBe(1);
    }
    expect(await store.list('c3/')).toHaveLength(4);
  });

  it('answers undefined for a key it does not have', async () => {
    expect(await store.get('nobody/x/y')).toBeUndefined();
    expect(await store.list('nobody/')).toEqual([]);
  });

  it('lists by prefix, oldest first, taking % and _ in the prefix literally', async () => {
    for (const key of ['c1/b/result', 'c1/a/result', 'c10/a/result', 'c_/x', 'c%/y', 'cx/z']) await store.createOnce(key, () => ({ key }));
    expect((await store.list('c1/')).map((d) => d.key)).toEqual(['c1/b/result', 'c1/a/result']);
    expect((await store.list('c_/')).map((d) => d.key)).toEqual(['c_/x']);
    expect((await store.list('c%/')).map((d) => d.key)).toEqual(['c%/y']);
    expect(await store.list('')).toHaveLength(6);
  });

  it('keeps a document as it was written: key order, nesting, Chinese text', async () => {
    const body = { zeta: 1, alpha: '张三餐饮有限公司', nested: { b: [2, { y: null, x: true }], a: '统一社会信用代码' } };
    await store.createOnce('c4/a/result', () => body);
    expect(JSON.stringify((await store.get('c4/a/result'))!.body)).toBe(JSON.stringify(body));
  });

  it('keeps the first revocation of a sealed document, and verifiers see it', async () => {
    const keys = new MemoryKeyStore();
    const sealer = new Sealer(keys, store);
    const sealed = await sealer.sealOnce<Licence>({
      key: 'c5/licence/issue',
      department: 'market-regulation',
      appliedBy: 'person',
      signedAt: '2026-03-02T08:00:00.000Z',
      make: (documentId) => ({ documentId, type: 'result', holder: '张三' }),
    });
    expect(await verifySealed(keys, store, sealed.body)).toMatchObject({ status: 'valid', documentId: sealed.documentId });
    const first = await sealer.revoke({ documentId: sealed.documentId, at: '2026-04-01T00:00:00.000Z', reason: 'commitment broken', by: 'system' });
    const again = await sealer.revoke({ documentId: sealed.documentId, at: '2026-04-02T00:00:00.000Z', reason: 'another reason', by: 'someone' });
    expect(again).toEqual(first);
    expect(await sealer.revocationOf(sealed.documentId)).toEqual(first);
    expect(await verifySealed(keys, store, sealed.body)).toMatchObject({ status: 'revoked', revoked: { at: '2026-04-01T00:00:00.000Z', reason: 'commitment broken' } });
    // Revocations are documents of their own: the case's documents are still the sealed one alone.
    expect((await store.list('c5/')).map((d) => d.key)).toEqual(['c5/licence/issue']);
  });

  it('records conditions once per position, and verifiers read the latest', async () => {
    const keys = new MemoryKeyStore();
    const sealed = await new Sealer(keys, store).sealOnce<Licence>({
      key: 'c6/sign/issue',
      department: 'urban-management',
      appliedBy: 'person',
      signedAt: '2026-03-02T08:00:00.000Z',
      make: (documentId) => ({ documentId, type: 'result', holder: '李四' }),
    });
    const conditional = { documentIds: [sealed.documentId], state: 'conditional' as const, at: '2026-03-02T08:00:00.000Z', reason: 'materials promised', seq: 1 };
    await recordConditions(store, conditional);
    await recordConditions(store, { ...conditional, reason: 'a retry says otherwise' });
    expect(await verifySealed(keys, store, sealed.body)).toMatchObject({ status: 'valid', conditional: { since: '2026-03-02T08:00:00.000Z', reason: 'materials promised' } });
    await recordConditions(store, { ...conditional, state: 'unconditional', at: '2026-03-09T08:00:00.000Z', reason: 'materials supplied', seq: 2 });
    const report = await verifySealed(keys, store, sealed.body);
    expect(report.status).toBe('valid');
    expect(report.conditional).toBeUndefined();
    expect(await store.list(`conditions/${sealed.documentId}/`)).toHaveLength(2);
  });

  it('hands back the sealed document a retried seal asks for, unchanged', async () => {
    const keys = new MemoryKeyStore();
    const sealer = new Sealer(keys, store);
    const input = {
      key: 'c7/licence/issue',
      department: 'market-regulation',
      appliedBy: 'person' as const,
      signedAt: '2026-03-02T08:00:00.000Z',
      make: (documentId: string): Licence => ({ documentId, type: 'result', holder: '王五' }),
    };
    const all = await Promise.all(Array.from({ length: 8 }, () => sealer.sealOnce(input)));
    expect(new Set(all.map((d) => d.body.seal.signature)).size).toBe(1);
    const stored = await store.get<SealedDocument<Licence>>('c7/licence/issue');
    expect(await verifySealed(keys, store, stored!.body)).toMatchObject({ status: 'valid' });
  });
});
