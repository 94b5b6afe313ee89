/**
 * One completion (一次办结): every result of a case issued together, once.
 */
import { createHash } from 'node:crypto';
import type { DocumentStore } from './documents';
import type { IssuedResult } from '../workflows/messages';

export interface IssueResultsInput {
  caseId: string;
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
    decision: 'approved' | 'defaulted';
    decidedAt: string;
  }>;
}

/** The body of an issued result document (what a seal will sign). */
export interface ResultDocument {
  type: 'result';
  certificateNumber: string;
  caseId: string;
  bundleId: string;
  bundleVersion: number;
  itemId: string;
  itemCode: string;
  department: string;
  kind: string;
  title: { zh: string; en: string };
  licenceType?: string;
  holder: { subjectId: string; name: string };
  decision: 'approved' | 'defaulted';
  decidedAt: string;
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

export async function issueAll(documents: DocumentStore, input: IssueResultsInput): Promise<IssuedResult[]> {
  const { issuedAt } = input;
  const issued: IssuedResult[] = [];
  // Sequential on purpose: each result is created once; a crash in between resumes where it stopped.
  for (const item of input.items) {
    const doc = await documents.createOnce<ResultDocument>(resultKey(input.caseId, item.itemId), () => ({
      type: 'result',
      certificateNumber: certificateNumber(input.caseId, item.itemId, item.code, issuedAt),
      caseId: input.caseId,
      bundleId: input.bundleId,
      bundleVersion: input.bundleVersion,
      itemId: item.itemId,
      itemCode: item.code,
      department: item.department,
      kind: item.result.kind,
      title: item.result.title,
      licenceType: item.result.licenceType,
      holder: input.applicant,
      decision: item.decision,
      decidedAt: item.decidedAt,
      issuedAt,
    }));
    issued.push({
      itemId: item.itemId,
      documentId: doc.documentId,
      certificateNumber: doc.body.certificateNumber,
      kind: doc.body.kind,
      title: doc.body.title,
      department: doc.body.department,
      issuedAt: doc.body.issuedAt,
      decision: doc.body.decision,
    });
  }
  return issued;
}
