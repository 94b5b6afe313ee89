/**
 * An issued result (licence, permit, certificate…) as a case reports it: made by the completion
 * activity (`activities/issue.ts`), kept and amended (conditional, revoked) by the case workflow.
 */
import { z } from 'zod';
import { Localized } from './application';

export const IssuedResult = z.object({
  itemId: z.string(),
  documentId: z.string(),
  certificateNumber: z.string(),
  kind: z.string(),
  title: Localized,
  department: z.string(),
  issuedAt: z.string(),
  /** How the item was decided: by a person, deemed approved at its deadline, or filed (备案: a receipt, no decision). */
  decision: z.enum(['approved', 'defaulted', 'filed']),
  /** 办件编号 of the case. */
  caseNumber: z.string().optional(),
  /** 合并办理: the catalogue items this result covers besides its own. */
  absorbs: z.array(z.object({ code: z.string(), title: Localized })).optional(),
  /** Granted on the strength of a commitment that is still open. */
  conditional: z.boolean().optional(),
  /** Revoked because the commitment it rested on was broken. */
  revoked: z.object({ at: z.string(), reason: z.string() }).optional(),
});
export type IssuedResult = z.infer<typeof IssuedResult>;
