/**
 * What the API's services refuse, in the terms of cases and items rather than HTTP. Services throw
 * these; `toProblem` (`api/problems.ts`) is the one place that turns each into a problem type and a
 * status. Temporal's own errors (no such workflow, a failed Update, an outage) pass through as they are
 * and are mapped there too.
 */

/** One invalid part of a request, by its JSON path in the request. */
export interface Issue {
  path: string;
  code?: string;
  message: string;
}

/** The application fails the bundle's form or names uploads that were never made. */
export class InvalidApplicationError extends Error {
  constructor(readonly issues: Issue[]) {
    super(`${issues.length} problem(s) in the application.`);
    this.name = 'InvalidApplicationError';
  }
}

/** The caller's Idempotency-Key already stands for another request. */
export class IdempotencyKeyReusedError extends Error {
  constructor(message = 'This Idempotency-Key was already used for a different request.') {
    super(message);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** A department with no applicable item in the case: it may neither see nor act on it. */
export class NoCaseAccessError extends Error {
  constructor(readonly department: string) {
    super(`This case has no item for department "${department}".`);
    this.name = 'NoCaseAccessError';
  }
}

/** The case's plan has no such item. */
export class UnknownItemError extends Error {
  constructor(
    readonly caseId: string,
    readonly itemId: string,
  ) {
    super(`Case ${caseId} has no item "${itemId}".`);
    this.name = 'UnknownItemError';
  }
}

/** Another department is responsible for the item (and never was this one). */
export class WrongDepartmentError extends Error {
  constructor(
    readonly itemId: string,
    readonly responsible: string,
  ) {
    super(`Item "${itemId}" belongs to department "${responsible}".`);
    this.name = 'WrongDepartmentError';
  }
}

/** The item cannot be acted on in its state: still waiting, skipped, or closed. */
export class ItemNotActionableError extends Error {
  constructor(
    readonly itemId: string,
    readonly why: 'pending' | 'skipped' | 'closed',
  ) {
    const state = { pending: 'is waiting for the items it depends on', skipped: 'was skipped', closed: 'is closed' }[why];
    super(`Item "${itemId}" ${state}; it cannot be acted on now.`);
    this.name = 'ItemNotActionableError';
  }
}

/** A page token this API did not issue for the listing asked for. */
export class InvalidPageTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPageTokenError';
  }
}
