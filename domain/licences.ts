/**
 * Licences issued inside a bundle: a material that is an electronic licence need not come from the
 * library when an item of the same bundle issues that licence before every item that needs it (a
 * company being founded has no business licence yet). Pure: a question about the plan only.
 */
import type { ExecutionPlan, PlanItem, PlanMaterial } from '../definitions/plan';

/**
 * The id of the unconditional item of the plan that issues `licenceType` before every item that uses
 * the material, or undefined when there is none (`PrefillResult.issuedInBundle` in `forms/prefill.ts`
 * lists them). The first such item in plan order.
 */
export function issuerInBundle(plan: ExecutionPlan, material: PlanMaterial, licenceType: string): string | undefined {
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
