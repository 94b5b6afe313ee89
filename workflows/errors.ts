/**
 * Failure types that workflows raise and the API maps to HTTP problems (`api/problems.ts`).
 * The `type` strings are part of the API contract: keep them stable.
 */
import { ApplicationFailure } from '@temporalio/common';

export const FailureType = {
  /** The event is not legal in the current lifecycle state (→ 409). */
  IllegalTransition: 'IllegalTransition',
  /** The caller's department is not the one responsible (→ 403). */
  WrongDepartment: 'WrongDepartment',
  /** The case has no such item (→ 404). */
  UnknownItem: 'UnknownItem',
  /** The request is well-formed but its content is not acceptable (→ 422). */
  InvalidRequest: 'InvalidRequest',
  /** The applicant is not eligible for what was asked, e.g. tolerance with bad credit (→ 422). */
  NotEligible: 'NotEligible',
  /** A deadline has passed (→ 409). */
  DeadlinePassed: 'DeadlinePassed',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

export function illegalTransition(machine: 'case' | 'item', state: string, event: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `The ${machine} is ${state}: ${event} is not allowed now.`,
    FailureType.IllegalTransition,
    { machine, state, event },
  );
}

export function wrongDepartment(expected: string, actual: string, what: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `${what} belongs to department "${expected}"; "${actual}" may not act on it.`,
    FailureType.WrongDepartment,
    { expected, actual },
  );
}

export function invalidRequest(message: string, details?: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, FailureType.InvalidRequest, details ?? {});
}

export function unknownItem(itemId: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`The case has no item "${itemId}".`, FailureType.UnknownItem, { itemId });
}
