/**
 * Results granted on an open commitment (告知承诺) verify as conditional from the moment the issue
 * activity returns: no watch activity has run yet, and none needs to (patch `conditional-at-issue`).
 */
import { describe, expect, it } from 'vitest';
import { issueAll, type IssueResultsInput } from '../../../activities/issue';
import { MemoryDocumentStore } from '../../../adapters/documents';
import { MemoryKeyStore } from '../../../adapters/keystore';
import { recordConditions, Sealer, verifySealed, type SealedDocument } from '../../../adapters/sealer';

const ISSUED_AT = '2026-03-02T08:00:00.000Z';
const LETTER = 'letter-doc-1';

const input: IssueResultsInput = {
  caseId: 'c-commitment',
  bundleId: 'open-restaurant',
  bundleVersion: 1,
  issuedAt: ISSUED_AT,
  applicant: { subjectId: '420104199003071234', name: '张三' },
  items: [
    { itemId: 'business-licence', code: 'BL', department: 'market-regulation', decision: 'approved' as const },
    { itemId: 'outdoor-sign', code: 'OS', department: 'urban-management', decision: 'approved' as const, issuedOnCommitment: { letterDocumentId: LETTER } },
  ].map((item) => ({ ...item, result: { kind: 'licence', title: { zh: item.itemId, en: item.itemId } }, decidedAt: '2026-03-01T08:00:00.000Z' })),
};

async function issued() {
  const keys = new MemoryKeyStore();
  const documents = new MemoryDocumentStore();
  const results = await issueAll(new Sealer(keys, documents), input);
  const sealed = async (itemId: string) => (await documents.get<SealedDocument<Record<string, unknown>>>(`${input.caseId}/${itemId}/result`))!.body;
  const verify = async (itemId: string) => verifySealed(keys, documents, await sealed(itemId));
  const sign = results.find((r) => r.itemId === 'outdoor-sign')!;
  return { keys, documents, results, sealed, verify, sign };
}

describe('issuing on an open commitment', () => {
  it('makes the granted result conditional as soon as it is issued, and leaves the others unconditional', async () => {
    const { verify, sealed, documents } = await issued();
    expect(await verify('outdoor-sign')).toMatchObject({
      status: 'valid',
      conditional: { since: ISSUED_AT, reason: expect.stringContaining(LETTER) },
    });
    const licence = await verify('business-licence');
    expect(licence.status).toBe('valid');
    expect(licence.conditional).toBeUndefined();
    // Said in the signed body, not in a record beside it.
    expect((await sealed('outdoor-sign')).document.issuedOnCommitment).toEqual({ letterDocumentId: LETTER });
    expect((await sealed('business-licence')).document.issuedOnCommitment).toBeUndefined();
    expect(await documents.list('conditions/')).toEqual([]);
  });

  it('cannot be made unconditional by stripping the commitment from the document', async () => {
    const { keys, documents, sealed } = await issued();
    const { document, seal } = await sealed('outdoor-sign');
    const { issuedOnCommitment: _stripped, ...rest } = document;
    expect(await verifySealed(keys, documents, { document: rest, seal })).toMatchObject({ status: 'invalid', reason: 'digest-mismatch' });
  });

  it('makes nothing twice when retried, and the retried result is still conditional', async () => {
    const { keys, documents, results, verify } = await issued();
    const retried = await issueAll(new Sealer(keys, documents), { ...input, issuedAt: '2026-03-05T08:00:00.000Z' });
    expect(retried).toEqual(results);
    expect(await documents.list(`${input.caseId}/`)).toHaveLength(2);
    expect((await verify('outdoor-sign')).conditional).toMatchObject({ since: ISSUED_AT });
  });

  it('is unconditional once the commitment is kept, and conditional again if a material is sent back', async () => {
    const { documents, verify, sign } = await issued();
    await recordConditions(documents, { documentIds: [sign.documentId], state: 'unconditional', at: '2026-03-06T08:00:00.000Z', reason: 'commitment fulfilled', seq: 1 });
    const kept = await verify('outdoor-sign');
    expect(kept.status).toBe('valid');
    expect(kept.conditional).toBeUndefined();
    await recordConditions(documents, { documentIds: [sign.documentId], state: 'conditional', at: '2026-03-07T08:00:00.000Z', reason: 'commitment open', seq: 2 });
    expect(await verify('outdoor-sign')).toMatchObject({ status: 'valid', conditional: { since: '2026-03-07T08:00:00.000Z', reason: 'commitment open' } });
  });

  it('is revoked when the commitment is broken', async () => {
    const { keys, documents, verify, sign } = await issued();
    await new Sealer(keys, documents).revoke({ documentId: sign.documentId, at: '2026-03-11T16:00:00.000Z', reason: 'commitment broken', by: 'test' });
    expect(await verify('outdoor-sign')).toMatchObject({ status: 'revoked', revoked: { at: '2026-03-11T16:00:00.000Z', reason: 'commitment broken' } });
    expect((await verify('business-licence')).status).toBe('valid');
  });
});
