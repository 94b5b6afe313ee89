/**
 * What the definition format's second edition changes in how a case hands an item to its department,
 * for this application (the plan is the same for every applicant; the form decides):
 *
 * - a filing (备案, `mode: "filing"`, for every applicant or when `filing.when` holds) is dispatched as
 *   a filing: registered with a receipt and no decision, at once or after its check period (patch
 *   `filing-items`);
 * - steps with a condition the form does not meet are left out (patch `step-conditions`);
 * - an instant item (即办件) runs on a limit of the same working day; one of the window's own department
 *   is decided at the window within the acceptance, by the officer who accepted (patch `instant-items`).
 *
 * Each patch is asked only for items that use the feature, so cases of edition-1 plans record no marker
 * and replay as they ran.
 */
import { patched } from '@temporalio/workflow';
import { evaluateCondition } from '../../definitions/condition';
import { checkDaysOf, isFilingFor } from '../../definitions/modes';
import type { PlanItem } from '../../definitions/plan';
import { now } from '../now';
import type { CaseRun } from './state';

/** How the item goes to its department for this application. */
export interface Dispatch {
  /** The working days its clock runs on: its promised limit, a filing's check period, 0 (same working day) for an instant item. */
  days: number;
  filing?: { checkDays: number };
  /** Its steps that apply to this application. */
  steps: PlanItem['steps'];
}

export function dispatchOf(run: CaseRun, item: PlanItem): Dispatch {
  const form = run.application.form;
  const filing = isFilingFor(item, form) && patched('filing-items') ? { checkDays: checkDaysOf(item) } : undefined;
  const conditional = item.steps.some((step) => step.condition) && patched('step-conditions');
  const steps = conditional ? item.steps.filter((step) => !step.condition || evaluateCondition(step.condition, form)) : item.steps;
  const instant = !filing && item.kind === 'instant' && patched('instant-items');
  return { days: filing ? filing.checkDays : instant ? 0 : item.promisedDays, ...(filing ? { filing } : {}), steps };
}

/**
 * 即办件 of the window's own department, ready at acceptance: decided at the window within the acceptance,
 * by the officer who accepted, without a trip through the department's inbox. One that waits for another
 * item's decision goes to the department like any item (on a same-day limit). True when it decided the item.
 */
export function decidedAtWindow(run: CaseRun, item: PlanItem): boolean {
  const acceptor = run.acceptedBy;
  if (item.kind !== 'instant' || item.department !== run.plan.window.department || !acceptor || isFilingFor(item, run.application.form)) return false;
  // Ready with nothing decided yet (its dependencies, if any, skipped): this is the acceptance's dispatch.
  if (!item.dependsOn.every((dep) => run.item(dep).status === 'skipped')) return false;
  if (!patched('instant-items')) return false;
  const at = now();
  const reason = '即办件: decided at the window within the acceptance';
  run.update(item.id, { status: 'approved', startedAt: run.facts.acceptedAt ?? at, decidedAt: at, decidedBy: acceptor, reason });
  run.record('item-dispatched', { item: item.id, department: item.department, detail: 'at the window' });
  run.record('item-approved', { item: item.id, department: item.department, detail: reason });
  return true;
}
