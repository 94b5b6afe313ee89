/**
 * 撤回申请: the applicant (or the window or an integrator on their behalf) withdraws the case before
 * completion. The case ends as `withdrawn`: the workflow then cancels its open items and issues
 * nothing (`CaseRun.ended()`); who withdrew, when and why stay on the record.
 */
import { illegalNow } from '../../domain/errors';
import type { CaseProgress, WithdrawCaseRequest } from '../contract';
import { invalidRequest, toFailure } from '../errors';
import { advanceCase } from '../lifecycle';
import { now } from '../now';
import type { CaseRun } from './state';

/** Refuses a withdrawal that names no one, one while the window is accepting, and one the case cannot take now. */
export function validateWithdrawal(run: CaseRun, { by }: WithdrawCaseRequest): void {
  if (!by || typeof by.id !== 'string' || !by.id || typeof by.as !== 'string' || !by.as) {
    throw invalidRequest('A withdrawal names who withdraws (id, and as whom).');
  }
  advanceCase(run.snapshot, { type: 'WITHDRAW' }); // throws IllegalTransition: issuing, completed, or ended
  // The acceptance's credit check and commitment letter are under way: withdraw once it has answered.
  if (run.accepting) throw toFailure(illegalNow('The case is being accepted at the window; withdraw once it has answered.'));
}

export function withdraw(run: CaseRun, { by, reason }: WithdrawCaseRequest): CaseProgress {
  run.move({ type: 'WITHDRAW' });
  const said = reason?.trim();
  run.facts.withdrawal = { at: now(), by, ...(said ? { reason: said } : {}) };
  const who = `${by.name ?? by.id} (${by.as})`;
  run.record('withdrawn', { detail: said ? `${who}: ${said}` : who });
  return run.progress();
}
