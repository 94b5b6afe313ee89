/**
 * Electronic licences (电子证照): what one is ({@link ElectronicLicence}, as the licence library answers
 * and pre-fill reads it), until when it is valid, and which licences are issued inside a bundle: a
 * material that is an electronic licence need not come from the library when an item of the same
 * bundle issues that licence before every item that needs it (a company being founded has no business
 * licence yet). Pure: the library itself is `adapters/certificates.ts`.
 */
import type { CasePlan, PlanItem, PlanMaterial } from '../definitions/plan';

/**
 * The id of the unconditional item of the plan that issues `licenceType` before every item that uses
 * the material, or undefined when there is none (`PrefillResult.issuedInBundle` in `forms/prefill.ts`
 * lists them). The first such item in plan order.
 */
export function issuerInBundle(plan: CasePlan, material: PlanMaterial, licenceType: string): string | undefined {
  const users = plan.items.filter((item) => item.materials.includes(material.id));
  if (users.length === 0) return undefined;
  const issuers = plan.items.filter((item) => !item.condition && item.result.licenceType === licenceType);
  if (issuers.length === 0) return undefined;
  const byId = new Map(plan.items.map((item) => [item.id, item]));
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (item: PlanItem): Set<string> => {
    let found = ancestors.get(item.id);
    if (found) return found;
    found = new Set<string>();
    ancestors.set(item.id, found); // a plan is acyclic; this also stops a malformed one from looping
    for (const dep of item.dependsOn) {
      found.add(dep);
      const depItem = byId.get(dep);
      if (depItem) for (const a of ancestorsOf(depItem)) found.add(a);
    }
    return found;
  };
  return issuers.find((issuer) => users.every((user) => ancestorsOf(user).has(issuer.id)))?.id;
}

/** One electronic licence (电子证照) as the library holds it. */
export interface ElectronicLicence {
  /** The licence's type, as bundles name it (`resident-id-card`, `business-licence`, …). */
  licenceType: string;
  /** The licence's own number (证照编号): the ID number of an ID card, the 统一社会信用代码 of a business licence, … */
  number: string;
  /** Who holds it: the subject it is looked up by. */
  holder: { subjectId: string; name: string };
  /** What it says, by attribute name (`name`, `idNumber`, `address`, …): what pre-fill reads. */
  attributes: Record<string, string>;
  /** The issuing authority (发证机关). */
  issuedBy: string;
  /** When it was issued: a YYYY-MM-DD date or an ISO instant. */
  issuedAt: string;
  /**
   * Last day of validity: a YYYY-MM-DD date (valid through the end of that day in Asia/Shanghai) or
   * an ISO instant. Absent: valid without limit (长期).
   */
  validUntil?: string;
}

/** Asia/Shanghai is UTC+8, without daylight saving. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/**
 * The instant a licence stops being valid: for a date, the end of that day in Asia/Shanghai (the next
 * local midnight); for an instant, that instant. `undefined`: valid without limit.
 */
export function validityEnd(licence: Pick<ElectronicLicence, 'validUntil'>): number | undefined {
  const until = licence.validUntil;
  if (until === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(until)) return Date.parse(`${until}T00:00:00Z`) + 86_400_000 - SHANGHAI_OFFSET_MS;
  return Date.parse(until);
}

/** Whether the licence is still valid at `now`. */
export function isValidAt(licence: Pick<ElectronicLicence, 'validUntil'>, now: Date): boolean {
  const end = validityEnd(licence);
  return end === undefined || now.getTime() < end;
}
