/**
 * Timeout-default notices (超时默认通知书): when a department lets an item's promised limit pass, the
 * item is deemed approved and this notice, sealed with that department's seal by default, puts it on
 * the record so the department can be held to account.
 */
import type { Sealer } from '../adapters/sealer';

export interface TimeoutDefaultNoticeInput {
  caseId: string;
  itemId: string;
  itemCode: string;
  itemTitle: { zh: string; en: string };
  department: string;
  /** The deadline that passed. */
  deadline: string;
  /** When the item was deemed approved (the workflow's time), also the seal's time. */
  defaultedAt: string;
  holder: { subjectId: string; name: string };
}

export interface TimeoutDefaultNotice {
  type: 'timeout-default-notice';
  documentId: string;
  caseId: string;
  itemId: string;
  itemCode: string;
  itemTitle: { zh: string; en: string };
  department: string;
  holder: { subjectId: string; name: string };
  deadline: string;
  defaultedAt: string;
  text: { zh: string; en: string };
}

const timeoutNoticeKey = (caseId: string, itemId: string): string => `${caseId}/${itemId}/timeout-default-notice`;

/** The item's timeout-default notice, sealed by its department with `appliedBy: 'default'`; made once per item. */
export async function sealTimeoutDefaultNotice(sealer: Sealer, input: TimeoutDefaultNoticeInput): Promise<{ documentId: string }> {
  const stored = await sealer.sealOnce<TimeoutDefaultNotice>({
    key: timeoutNoticeKey(input.caseId, input.itemId),
    department: input.department,
    appliedBy: 'default',
    signedAt: input.defaultedAt,
    make: (documentId) => ({
      type: 'timeout-default-notice',
      documentId,
      ...input,
      text: {
        zh: `${input.itemTitle.zh}（${input.itemCode}）已超过承诺办理时限（${input.deadline}），依照超时默认规则视为同意，自动用印。`,
        en: `${input.itemTitle.en} (${input.itemCode}) passed its promised limit (${input.deadline}); under the timeout-default rule it is deemed approved and sealed automatically.`,
      },
    }),
  });
  return { documentId: stored.documentId };
}
