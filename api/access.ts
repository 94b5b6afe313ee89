/**
 * Case-level authorization: which departments a case concerns. A department sees a case, and may act
 * on it, only while it has an item in it that applies to the application (not skipped, its condition
 * holding) or an item escalated from or to it; everyone else is refused with 403 before anything
 * about the case's state is told.
 */
import { evaluateCondition } from '../definitions/condition';
import type { CaseInput, CaseProgress } from '../workflows/contract';
import { applicantSubjectOf, hasRole, type Principal } from './auth';
import { HttpProblem } from './problems';

type ProgressItem = CaseProgress['items'][number];

/** Whether `department` is responsible for the item, or was before or after an escalation. */
export function involves(item: ProgressItem, department: string): boolean {
  return item.department === department || (item.escalations ?? []).some((e) => e.from === department || e.to === department);
}

/**
 * Whether `department` has an applicable item in the case. `applicability` is read only when every such item
 * is still pending: before acceptance nothing is skipped yet, so a conditional item applies only if
 * its condition holds on the application.
 */
export async function departmentHasAccess(department: string, progress: CaseProgress, applicability: Applicability): Promise<boolean> {
  // 抄送: a department an item was copied to reads the case (read-only: it has no item to act on).
  if (progress.items.some((item) => item.copiedTo?.includes(department))) return true;
  const mine = progress.items.filter((item) => item.status !== 'skipped' && involves(item, department));
  if (mine.length === 0) return false;
  if (mine.some((item) => item.status !== 'pending')) return true; // dispatched (or cancelled after dispatch): it applied
  const applies = await applicability();
  return mine.some((item) => applies(item.id));
}

/** Whether each item of a case applies to its application (its condition holds on the form), read when needed. */
export type Applicability = () => Promise<(itemId: string) => boolean>;

/** Applicability from what the case was started with (a Query of the case's input). */
export function applicabilityOf(input: () => Promise<CaseInput>): Applicability {
  return async () => {
    const { plan, application } = await input();
    return (itemId) => {
      const planned = plan.items.find((p) => p.id === itemId);
      return !planned?.condition || evaluateCondition(planned.condition, application.form);
    };
  };
}


/**
 * Integrators, windows and supervisors follow any case; a department officer only the cases its
 * department has an applicable item in; an applicant (a person with a subject and no role) their own.
 */
export async function assertCaseRead(principal: Principal, progress: CaseProgress, applicability: Applicability): Promise<void> {
  if (hasRole(principal, 'integrator', 'window', 'supervisor')) return;
  // The applicant follows their own case (and no one else's: 403 before anything about it is told).
  const subject = applicantSubjectOf(principal);
  if (subject && principal.roles.length === 0) {
    if (progress.applicant.subjectId === subject) return;
    throw new HttpProblem('forbidden', 'This case is not yours.');
  }
  if (!principal.department || !principal.roles.includes('department')) {
    throw new HttpProblem('forbidden', 'This needs one of the roles: integrator, window, supervisor, or a department with an item in the case.');
  }
  if (!(await departmentHasAccess(principal.department, progress, applicability))) {
    throw new HttpProblem('forbidden', `This case has no item for department "${principal.department}".`);
  }
}
