/**
 * What an applicant hands in and who acts on it: the data the domain rules, the workflows and the API
 * share. One zod schema each; the TypeScript type is its `z.infer`. The workflow contract
 * (`workflows/contract.ts`) composes them into its messages.
 */
import { z } from 'zod';

/** Lower-case identifiers (materials, items, bundles, steps) as requests name them. */
export const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lower-case identifier');

/** A text in Chinese and English, as plans carry titles and names. */
export const Localized = z.object({ zh: z.string(), en: z.string() });
export type Localized = z.infer<typeof Localized>;

/** Who acts: a department officer (the window is a department too). */
/** 承办人 handler, 审核人 reviewer, 负责人 head: who in a department may act on which step. */
export const DepartmentRole = z.enum(['handler', 'reviewer', 'head']);
export type DepartmentRole = z.infer<typeof DepartmentRole>;

/**
 * Who acted: a department, and the person when a signed-in officer did (their id, name and role in the
 * department); a department's API key acts as the department alone.
 */
export const Actor = z.object({
  department: z.string(),
  officer: z.string().optional(),
  name: z.string().optional(),
  role: DepartmentRole.optional(),
});
export type Actor = z.infer<typeof Actor>;

export const Applicant = z.object({
  /** 统一社会信用代码 for a company, ID number for a person. */
  subjectId: z.string(),
  kind: z.enum(['person', 'company']),
  name: z.string(),
});
export type Applicant = z.infer<typeof Applicant>;

/** A material handed in (or referenced) by the applicant. */
export const MaterialRef = z.object({
  id: Slug,
  /** Content hash of the uploaded document, when uploaded. */
  sha256: z.string().regex(/^[a-f0-9]{64}$/).optional(),
  /** Where the document is stored or which electronic licence satisfies it. */
  ref: z.string().max(500).optional(),
});
export type MaterialRef = z.infer<typeof MaterialRef>;

export const Application = z.object({
  applicant: Applicant,
  /** The one form (一表申请): values keyed by field id. */
  form: z.record(z.string(), z.unknown()),
  materials: z.array(MaterialRef),
});
export type Application = z.infer<typeof Application>;
