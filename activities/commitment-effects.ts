/**
 * Side effects of tolerated-missing-document commitments (容缺受理 + 告知承诺): the credit check that
 * decides whether tolerance is offered, the sealed commitment letter, conditions on results granted
 * on the strength of a commitment, and what a broken commitment sets off (revocation, a credit
 * record, notices). Each is idempotent by its key.
 */
import type { CreditProvider } from '../adapters/credit';
import { toleranceDecision } from '../adapters/credit';
import type { DocumentStore } from '../adapters/documents';
import type { Sealer } from '../adapters/sealer';

export interface CreditCheck {
  eligible: boolean;
  /** Why tolerance is refused (bad credit, an earlier broken commitment). */
  reason?: string;
  rating: string;
  checkedAt: string;
}

export async function checkCredit(provider: CreditProvider, subjectId: string): Promise<CreditCheck> {
  const standing = await provider.standing(subjectId);
  const decision = toleranceDecision(standing);
  return {
    eligible: decision.eligible,
    ...(decision.eligible ? {} : { reason: decision.reason }),
    rating: standing.rating,
    checkedAt: standing.checkedAt,
  };
}

export interface CommitmentLetterInput {
  caseId: string;
  bundleId: string;
  /** The window department that accepted the case and seals the letter. */
  department: string;
  applicant: { subjectId: string; name: string };
  materials: Array<{ material: string; name: { zh: string; en: string }; deadline: string }>;
  grants: string[];
  signedAt: string;
}

export interface CommitmentLetter extends Omit<CommitmentLetterInput, 'signedAt'> {
  type: 'commitment-letter';
  documentId: string;
  acceptedAt: string;
  text: { zh: string; en: string };
}

export const commitmentLetterKey = (caseId: string): string => `${caseId}/commitment/letter`;

/** The applicant's commitment letter (告知承诺书), sealed by the window that accepted the case. */
export async function sealCommitmentLetter(sealer: Sealer, input: CommitmentLetterInput): Promise<{ documentId: string }> {
  const { signedAt, ...letter } = input;
  const list = input.materials.map((m) => `${m.name.zh}（${m.deadline.slice(0, 10)}前）`).join('、');
  const stored = await sealer.sealOnce<CommitmentLetter>({
    key: commitmentLetterKey(input.caseId),
    department: input.department,
    appliedBy: 'person',
    signedAt,
    make: (documentId) => ({
      type: 'commitment-letter',
      documentId,
      acceptedAt: signedAt,
      ...letter,
      text: {
        zh: `申请人${input.applicant.name}承诺在期限内补齐以下材料：${list}。逾期未补齐的，依据承诺作出的审批决定予以撤销，并记入信用记录。`,
        en: `${input.applicant.name} commits to supplying ${input.materials.map((m) => `${m.name.en} by ${m.deadline}`).join(', ')}. If not, the approvals granted on this commitment are revoked and a broken-commitment record goes to the credit system.`,
      },
    }),
  });
  return { documentId: stored.documentId };
}

/** A result's condition at one point of its commitment's life; verifiers read the latest. */
export interface ConditionRecord {
  documentId: string;
  state: 'conditional' | 'unconditional';
  at: string;
  reason: string;
  /** Position in the commitment's history: records are ordered by it. */
  seq: number;
}

export const conditionKey = (documentId: string, seq: number): string => `conditions/${documentId}/${String(seq).padStart(6, '0')}`;

export async function recordConditions(
  documents: DocumentStore,
  input: { documentIds: string[]; state: ConditionRecord['state']; at: string; reason: string; seq: number },
): Promise<void> {
  for (const documentId of input.documentIds) {
    await documents.createOnce<ConditionRecord>(conditionKey(documentId, input.seq), () => ({
      documentId,
      state: input.state,
      at: input.at,
      reason: input.reason,
      seq: input.seq,
    }));
  }
}

/** The latest condition of a document, if it was ever issued under a commitment. */
export async function latestCondition(documents: DocumentStore, documentId: string): Promise<ConditionRecord | undefined> {
  const records = await documents.list<ConditionRecord>(`conditions/${documentId}/`);
  return records.map((r) => r.body).sort((a, b) => a.seq - b.seq).at(-1);
}

/** A message for the applicant or a department, kept in a durable outbox a delivery channel drains. */
export interface Notice {
  caseId: string;
  to: string[];
  subject: { zh: string; en: string };
  body: { zh: string; en: string };
  at: string;
}

export const noticeKey = (caseId: string, key: string): string => `notifications/${caseId}/${key}`;

export async function notify(documents: DocumentStore, key: string, notice: Notice): Promise<void> {
  await documents.createOnce<Notice>(noticeKey(notice.caseId, key), () => notice);
}
