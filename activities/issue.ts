/**
 * One completion (一次办结): every result of a case issued together, once.
 */
import { createHash } from 'node:crypto';
import type { Sealer } from '../adapters/sealer';
import type { IssuedResult } from '../domain/results';

export interface IssueResultsInput {
  caseId: string;
  /** 办件编号 (cases numbered by the API). */
  caseNumber?: string;
  bundleId: string;
  bundleVersion: number;
  /** One instant for all results, chosen by the workflow so that a retry keeps it. */
  issuedAt: string;
  applicant: { subjectId: string; name: string };
  items: Array<{
    itemId: string;
    code: string;
    department: string;
    result: { kind: string; title: { zh: string; en: string }; licenceType?: string };
    /** `filed`: a filing (备案) issues its receipt, no decision. */
    decision: 'approved' | 'defaulted' | 'filed';
    /** 合并办理: the catalogue items the result covers besides its own. */
    absorbs?: Array<{ code: string; title: { zh: string; en: string } }>;
    decidedAt: string;
    /** The officer who decided (absent for a default, or a department's system). */
    decidedBy?: { department: string; officer?: string; name?: string; role?: string };
    /**
     * Granted on the strength of a commitment still open (告知承诺): the result says so in its sealed
     * body, so it verifies as conditional from the moment it exists (patch `conditional-at-issue`).
     */
    issuedOnCommitment?: { letterDocumentId: string };
  }>;
}

/** An issued result (licence, permit, certificate…): what the department's seal signs. */
export interface ResultDocument {
  type: 'result';
  documentId: string;
  certificateNumber: string;
  caseId: string;
  caseNumber?: string;
  bundleId: string;
  bundleVersion: number;
  itemId: string;
  itemCode: string;
  /** 合并办理: the catalogue items the result covers besides its own. */
  absorbs?: Array<{ code: string; title: { zh: string; en: string } }>;
  department: string;
  kind: string;
  title: { zh: string; en: string };
  licenceType?: string;
  holder: { subjectId: string; name: string };
  decision: 'approved' | 'defaulted' | 'filed';
  decidedAt: string;
  /** Who decided: the officer (id, name, department role), so the seal names the person it was applied for. */
  decidedBy?: { department: string; officer?: string; name?: string; role?: string };
  /**
   * Granted on a commitment (告知承诺) open when it was issued, named by its sealed letter: signed, so
   * it cannot be stripped. Verifiers see such a result as conditional until the issuer records that
   * the commitment was kept (`verifySealed`).
   */
  issuedOnCommitment?: { letterDocumentId: string };
  issuedAt: string;
}

/**
 * A certificate number derived from the decision it records, so a retried issue gives the same
 * number: `{code}-{yyyymmdd}-{8 hex}`.
 */
export function certificateNumber(caseId: string, itemId: string, itemCode: string, issuedAt: string): string {
  const digest = createHash('sha256').update(`${caseId}/${itemId}`).digest('hex').slice(0, 8).toUpperCase();
  return `${itemCode}-${issuedAt.slice(0, 10).replaceAll('-', '')}-${digest}`;
}

export const resultKey = (caseId: string, itemId: string): string => `${caseId}/${itemId}/result`;

/**
 * Issues and seals every result, each once: a retry (or a crash in between) resumes where it stopped
 * and returns the documents and certificate numbers made the first time. A result decided by default
 * carries a seal applied by default. A result issued on an open commitment is conditional in the
 * document itself (`issuedOnCommitment`): there is no moment at which it verifies unconditional.
 */
export async function issueAll(sealer: Sealer, input: IssueResultsInput): Promise<IssuedResult[]> {
  const { issuedAt } = input;
  const issued: IssuedResult[] = [];
  // Sequential on purpose: each result is made once; a crash in between resumes where it stopped.
  for (const item of input.items) {
    const stored = await sealer.sealOnce<ResultDocument>({
      key: resultKey(input.caseId, item.itemId),
      department: item.department,
      appliedBy: item.decision === 'defaulted' ? 'default' : 'person',
      signedAt: issuedAt,
      make: (documentId) => ({
      type: 'result',
      documentId,
      certificateNumber: certificateNumber(input.caseId, item.itemId, item.code, issuedAt),
      caseId: input.caseId,
      ...(input.caseNumber ? { caseNumber: input.caseNumber } : {}),
      bundleId: input.bundleId,
      bundleVersion: input.bundleVersion,
      itemId: item.itemId,
      itemCode: item.code,
      ...(item.absorbs ? { absorbs: item.absorbs } : {}),
      department: item.department,
      kind: item.result.kind,
      title: item.result.title,
      licenceType: item.result.licenceType,
      holder: input.applicant,
      decision: item.decision,
      decidedAt: item.decidedAt,
      ...(item.decidedBy ? { decidedBy: item.decidedBy } : {}),
      ...(item.issuedOnCommitment ? { issuedOnCommitment: { letterDocumentId: item.issuedOnCommitment.letterDocumentId } } : {}),
      issuedAt,
      }),
    });
    const doc = { documentId: stored.documentId, body: stored.body.document };
    issued.push({
      itemId: item.itemId,
      documentId: doc.documentId,
      certificateNumber: doc.body.certificateNumber,
      kind: doc.body.kind,
      title: doc.body.title,
      department: doc.body.department,
      issuedAt: doc.body.issuedAt,
      decision: doc.body.decision,
      ...(doc.body.caseNumber ? { caseNumber: doc.body.caseNumber } : {}),
      ...(doc.body.absorbs ? { absorbs: doc.body.absorbs } : {}),
    });
  }
  return issued;
}
