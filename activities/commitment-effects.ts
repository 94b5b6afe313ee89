/**
 * Side effects of tolerated-missing-document commitments (容缺受理 + 告知承诺): the credit check that
 * decides whether tolerance is offered and the sealed commitment letter. The rest a commitment sets
 * off is the adapters' (conditions and revocations of results: `adapters/sealer.ts`; a credit record:
 * `adapters/credit.ts`; notifications: `adapters/outbox.ts`), called by the activities of `index.ts`.
 * Each is idempotent by its key.
 */
import type { CreditProvider } from '../adapters/credit';
import { toleranceDecision } from '../adapters/credit';
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

const commitmentLetterKey = (caseId: string): string => `${caseId}/commitment/letter`;

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
