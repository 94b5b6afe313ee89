/**
 * An item filed (备案, definition format edition 2) for this application: the department registers it
 * and a filing receipt is issued without a decision, at once or when the check period ends; within the
 * period the department may object (reject, with reasons) or register it early (approve). Nobody works
 * steps on it. Under patch `filing-items`, for items dispatched as filings.
 */
import type { Actor } from '../../domain/application';
import { now } from '../now';
import type { ItemRun } from './state';

/** Registered: the item is filed, its receipt follows with the case's results. */
export function fileItem(run: ItemRun, at: string, reason: string, by?: Actor): void {
  run.apply({ type: 'FILE' });
  run.decision = { at, ...(by ? { by } : {}), reason };
}

/** A filing without a check period is registered as soon as it reaches its department. */
export function fileAtOnce(run: ItemRun): void {
  fileItem(run, now(), '备案: registered on receipt; a filing receipt is issued without a decision');
}

/** The check period ended without an objection: registered at its end, the instant the law attaches it to. */
export function fileAtEndOfCheck(run: ItemRun, end: string): void {
  fileItem(run, end, `备案: the check period of ${run.filing?.checkDays ?? 0} working days ended without objection`);
}
