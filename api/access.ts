/**
 * Case-level authorization: which departments a case concerns. A department sees a case, and may act
 * on it, only while it has an item in it that applies to the application (not skipped, its condition
 * holding) or an item escalated from or to it; everyone else is refused with 403 before anything
 * about the case's state is told.
 */
import { evaluateCondition } from '../definitions/condition';
import type { CaseInput, CaseProgress } from '../workflows/contract';
import { hasRole, type Principal } from './auth';
import { HttpProblem } from './problems';

type ProgressItem = CaseProgress['items'][number];

/** Whether `department` is responsible for the item, or was before or after an escalation. */
export function involves(item: ProgressItem, department: string): boolean {
  return item.department === department || (item.escalations ?? []).some((e) => e.from === department || e.to === department);
}

/**
 * Whether `department` has an applicable item in the case. `input` is read only when every such item
 * is still pending: before acceptance nothing is skipped yet, so a conditional item applies only if
 * its condition holds on the application.
 */
export async function departmentHasAccess(department: string, progress: CaseProgress, input: () => Promise<CaseInput>): Promise<boolean> {
  const mine = progress.items.filter((item) => item.status !== 'skipped' && involves(item, department));
  if (mine.length === 0) return false;
  if (mine.some((item) => item.status !== 'pending')) return true; // dispatched (or cancelled after dispatch): it applied
  const { plan, application } = await input();
  return mine.some((item) => {
    const planned = plan.items.find((p) => p.id === item.id);
    return !planned?.condition || evaluateCondition(planned.condition, application.form);
  });
}


/**
 * Integrators, windows and supervisors follow any case; a department officer only the cases its
 * department has an applicable item in.
 */
export async function assertCaseRead(principal: Principal, progress: CaseProgress, input: () => Promise<CaseInput>): Promise<void> {
  if (hasRole(principal, 'integrator', 'window', 'supervisor')) return;
  if (!principal.department || !principal.roles.includes('department')) {
    throw new HttpProblem('forbidden', 'This needs one of the roles: integrator, window, supervisor, or a department with an item in the case.');
  }
  if (!(await departmentHasAccess(principal.department, progress, input))) {
    throw new HttpProblem('forbidden', `This case has no item for department "${principal.department}".`);
  }
}
