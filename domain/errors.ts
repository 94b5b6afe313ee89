/**
 * Refusals of the domain rules, as plain errors: a stable failure `type`, a message for people and
 * details for machines. Workflows turn them into non-retryable `ApplicationFailure`s of the same type
 * (`workflows/errors.ts`), which the API maps to problems (`api/problems.ts`). The `type` strings are
 * part of the API contract: keep them stable.
 */

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

/** A domain rule refuses: `type` says which kind of refusal, `details` (when given) what exactly. */
export class DomainRuleError extends Error {
  override readonly name = 'DomainRuleError';

  constructor(
    readonly type: FailureType,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function illegalTransition(machine: 'case' | 'item', state: string, event: string): DomainRuleError {
  return new DomainRuleError(FailureType.IllegalTransition, `The ${machine} is ${state}: ${event} is not allowed now.`, { machine, state, event });
}

/** Not legal now, for a reason the message gives (no lifecycle event involved). */
export function illegalNow(message: string): DomainRuleError {
  return new DomainRuleError(FailureType.IllegalTransition, message);
}

export function wrongDepartment(expected: string, actual: string, what: string): DomainRuleError {
  return new DomainRuleError(FailureType.WrongDepartment, `${what} belongs to department "${expected}"; "${actual}" may not act on it.`, {
    expected,
    actual,
  });
}

export function invalidRequest(message: string, details: Record<string, unknown> = {}): DomainRuleError {
  return new DomainRuleError(FailureType.InvalidRequest, message, details);
}

export function notEligible(message: string, details: Record<string, unknown> = {}): DomainRuleError {
  return new DomainRuleError(FailureType.NotEligible, message, details);
}

export function deadlinePassed(material: string, deadline: string): DomainRuleError {
  return new DomainRuleError(FailureType.DeadlinePassed, `The deadline for "${material}" passed at ${deadline}.`, { material, deadline });
}
