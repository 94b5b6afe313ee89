/**
 * Failures that workflows raise and the API maps to HTTP problems (`api/problems.ts`): the domain's
 * refusals (`domain/errors.ts`) as non-retryable `ApplicationFailure`s of the same type, message and
 * details, so that an Update's caller gets the refusal and the workflow goes on.
 */
import { ApplicationFailure } from '@temporalio/common';
import * as refusals from '../domain/errors';
import { DomainRuleError } from '../domain/errors';

export { FailureType } from '../domain/errors';

/** The non-retryable failure that carries a domain refusal. */
export function toFailure(refusal: DomainRuleError): ApplicationFailure {
  return refusal.details === undefined
    ? ApplicationFailure.nonRetryable(refusal.message, refusal.type)
    : ApplicationFailure.nonRetryable(refusal.message, refusal.type, refusal.details);
}

/** Runs a domain rule; a refusal is thrown as its failure (validators and handlers may only throw those). */
export function enforce<T>(rule: () => T): T {
  try {
    return rule();
  } catch (err) {
    throw err instanceof DomainRuleError ? toFailure(err) : err;
  }
}

export function illegalTransition(machine: 'case' | 'item', state: string, event: string): ApplicationFailure {
  return toFailure(refusals.illegalTransition(machine, state, event));
}

export function wrongDepartment(expected: string, actual: string, what: string): ApplicationFailure {
  return toFailure(refusals.wrongDepartment(expected, actual, what));
}

export function invalidRequest(message: string, details?: Record<string, unknown>): ApplicationFailure {
  return toFailure(refusals.invalidRequest(message, details));
}

export function notEligible(message: string, details?: Record<string, unknown>): ApplicationFailure {
  return toFailure(refusals.notEligible(message, details));
}
