/**
 * Tolerated-missing-document commitments (容缺受理 + 告知承诺): the pure rules. Which materials an
 * application lacks, which of them may be tolerated, which items a commitment grants, and how
 * supplying or rejecting a material changes it. The case workflow runs the clock and the side effects.
 * A rule that refuses throws a `DomainRuleError` (`domain/errors.ts`); the workflow turns it into the
 * failure the caller of its Update sees.
 */
import { z } from 'zod';
import { evaluateCondition } from '../definitions/condition';
import type { CasePlan, PlanItem } from '../definitions/plan';
import type { Material } from '../definitions/schema';
import { Actor, Localized, MaterialRef, type Application } from './application';
import { deadlinePassed, illegalNow, invalidRequest, notEligible, wrongDepartment } from './errors';
import { issuerInBundle } from './licences';

/** One material missing at acceptance, promised by the applicant's commitment (告知承诺). */
export const CommitmentMaterial = z.object({
  material: z.string(),
  name: Localized,
  /** End of the last working day the applicant has to supply it. */
  deadline: z.string(),
  status: z.enum(['missing', 'supplied']),
  suppliedAt: z.string().optional(),
  supplied: MaterialRef.optional(),
  /** A department found what was supplied wrong: the material reopened with the remaining time. */
  rejections: z.array(z.object({ at: z.string(), by: Actor, reason: z.string() })),
});
export type CommitmentMaterial = z.infer<typeof CommitmentMaterial>;

/** The commitment taken at acceptance with tolerated missing materials (容缺受理 + 告知承诺). */
export const CommitmentView = z.object({
  status: z.enum(['open', 'fulfilled', 'broken']),
  acceptedAt: z.string(),
  materials: z.array(CommitmentMaterial),
  /** Items granted on the strength of the commitment. */
  grants: z.array(z.string()),
  /** The sealed commitment letter (告知承诺书). */
  letterDocumentId: z.string(),
  fulfilledAt: z.string().optional(),
  broken: z.object({ at: z.string(), materials: z.array(z.string()) }).optional(),
  /** Credit standing the tolerance was granted on. */
  credit: z.object({ rating: z.string(), checkedAt: z.string() }),
});
export type CommitmentView = z.infer<typeof CommitmentView>;

export interface MissingMaterials {
  /** Required materials that may never be tolerated: acceptance is impossible without them. */
  core: Material[];
  /** Required, tolerable materials: acceptance is possible on a commitment. */
  tolerable: Material[];
}

/** Items that apply to this application (conditional items whose condition holds, and the rest). */
export function applicableItems(plan: CasePlan, application: Application): PlanItem[] {
  return plan.items.filter((item) => !item.condition || evaluateCondition(item.condition, application.form));
}

/**
 * Required materials of applicable items that the application lacks. A material from an electronic
 * licence is linked at case start when the library holds the licence; when it holds none (never
 * issued, expired) the material is missing like an applicant's, unless an item of this very bundle
 * issues that licence before every item that needs it (a company being founded has no business
 * licence yet).
 *
 * `applicantOnly` is the earlier rule (licence materials were never missing), kept so that cases
 * accepted under it replay the same.
 */
export function missingMaterials(plan: CasePlan, application: Application, options: { applicantOnly?: boolean } = {}): MissingMaterials {
  const provided = new Set(application.materials.map((m) => m.id));
  const needed = new Set(applicableItems(plan, application).flatMap((item) => item.materials));
  const lacking = (m: CasePlan['materials'][number]): boolean =>
    m.source.kind === 'applicant' || (!options.applicantOnly && !issuerInBundle(plan, m, m.source.licenceType));
  // Edition 2: a material with a condition is needed only when the form meets it (plans before have none).
  const asked = (m: CasePlan['materials'][number]): boolean => !m.condition || evaluateCondition(m.condition, application.form);
  const missing = plan.materials.filter((m) => needed.has(m.id) && m.required && asked(m) && !provided.has(m.id) && lacking(m));
  return { core: missing.filter((m) => !m.tolerable), tolerable: missing.filter((m) => m.tolerable) };
}

/** The applicable items granted on the strength of a tolerated material. */
export function grantsOf(plan: CasePlan, application: Application, material: Material): string[] {
  const applicable = applicableItems(plan, application);
  const explicit = (material as Material & { grants?: string[] }).grants;
  return applicable.filter((item) => (explicit ? explicit.includes(item.id) : item.materials.includes(material.id))).map((i) => i.id);
}

const names = (materials: Material[]) => materials.map((m) => `${m.name.zh} (${m.id})`).join(', ');

/**
 * Throws unless the window may accept this application as asked: no core material missing, and
 * tolerable ones only with `tolerateMissing`, on items that allow commitments.
 */
export function assertAcceptable(plan: CasePlan, application: Application, tolerateMissing: boolean | undefined): void {
  const { core, tolerable } = missingMaterials(plan, application);
  if (core.length > 0) {
    throw notEligible(`Core materials are missing and cannot be tolerated: ${names(core)}.`, { missing: core.map((m) => m.id) });
  }
  if (tolerable.length === 0) return;
  if (!tolerateMissing) {
    throw invalidRequest(`Materials are missing: ${names(tolerable)}. Accept with tolerateMissing to take the applicant's commitment, or refuse.`, {
      missing: tolerable.map((m) => m.id),
    });
  }
  const items = new Map(plan.items.map((i) => [i.id, i]));
  for (const material of tolerable) {
    const forbidding = grantsOf(plan, application, material).filter(
      (id) => (items.get(id) as PlanItem & { commitments?: string }).commitments === 'forbidden',
    );
    if (forbidding.length > 0) {
      throw notEligible(`${material.name.zh} (${material.id}) cannot be tolerated: ${forbidding.join(', ')} accept no commitments.`);
    }
  }
}

/** Throws unless these materials can be supplied now: promised, still missing, deadline not passed. */
export function assertSuppliable(commitment: CommitmentView | undefined, materials: MaterialRef[], at: string): void {
  if (!commitment || commitment.status === 'broken') throw illegalNow(commitment ? 'The commitment is broken.' : 'The case has no commitment.');
  if (!Array.isArray(materials) || materials.length === 0) throw invalidRequest('Supply at least one material.');
  for (const ref of materials) {
    const promised = commitment.materials.find((m) => m.material === ref.id);
    if (!promised) throw invalidRequest(`Material "${ref.id}" is not part of the commitment.`);
    if (promised.status === 'supplied') throw illegalNow(`Material "${ref.id}" was supplied already.`);
    if (Date.parse(at) >= Date.parse(promised.deadline)) throw deadlinePassed(ref.id, promised.deadline);
  }
}

/**
 * Throws unless `actor` may reject what was supplied for `material`: a department with an item granted
 * on it, while time remains.
 */
export function assertRejectable(
  plan: CasePlan,
  commitment: CommitmentView | undefined,
  request: { actor: Actor; material: string; reason: string },
  at: string,
): void {
  if (!commitment || commitment.status === 'broken') throw illegalNow(commitment ? 'The commitment is broken.' : 'The case has no commitment.');
  if (typeof request.reason !== 'string' || !request.reason.trim()) throw invalidRequest('A rejection needs a reason.');
  const promised = commitment.materials.find((m) => m.material === request.material);
  if (!promised) throw invalidRequest(`Material "${request.material}" is not part of the commitment.`);
  const departments = new Set(plan.items.filter((i) => commitment.grants.includes(i.id)).map((i) => i.department));
  if (!departments.has(request.actor.department)) {
    throw wrongDepartment([...departments].join(' or '), request.actor.department, `Material "${request.material}"`);
  }
  if (promised.status !== 'supplied') throw illegalNow(`Material "${request.material}" has not been supplied.`);
  if (Date.parse(at) >= Date.parse(promised.deadline)) throw deadlinePassed(request.material, promised.deadline);
}

/** Marks materials supplied; the commitment is fulfilled once nothing is missing. */
export function supply(commitment: CommitmentView, materials: MaterialRef[], at: string): CommitmentView {
  const byId = new Map(materials.map((m) => [m.id, m]));
  const updated = commitment.materials.map((m) => (byId.has(m.material) ? { ...m, status: 'supplied' as const, suppliedAt: at, supplied: byId.get(m.material) } : m));
  const fulfilled = updated.every((m) => m.status === 'supplied');
  return { ...commitment, materials: updated, status: fulfilled ? 'fulfilled' : 'open', ...(fulfilled ? { fulfilledAt: at } : {}) };
}

/** Reopens a supplied material (with the time it had left); the commitment is open again. */
export function reopen(commitment: CommitmentView, request: { actor: Actor; material: string; reason: string }, at: string): CommitmentView {
  const materials = commitment.materials.map((m) => {
    if (m.material !== request.material) return m;
    const { suppliedAt: _s, supplied: _r, ...rest } = m;
    return { ...rest, status: 'missing' as const, rejections: [...m.rejections, { at, by: request.actor, reason: request.reason.trim() }] };
  });
  const { fulfilledAt: _f, ...rest } = commitment;
  return { ...rest, materials, status: 'open' };
}
