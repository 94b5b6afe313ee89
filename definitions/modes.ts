/**
 * How an item is handled for an application: decided (an approval), or filed (备案) with a receipt and
 * no decision, for every applicant or by condition. Pure and free of zod: the case workflow imports it
 * to resolve an item at dispatch, compile and lint to lay out the plan.
 */
import { evaluateCondition, type FormValues } from './condition';
import type { Condition, ItemResult } from './schema';

/** What this module reads of an item, so plan items and parsed items both fit. */
interface ModalItem {
  mode?: 'approval' | 'filing';
  filing?: { when?: Condition; checkDays?: number; receipt?: ItemResult };
  promisedDays: number;
  result: ItemResult;
}

/** Whether an item is a filing for every applicant, for some (by its filing condition), or never. */
export function filingOf(item: ModalItem): 'always' | 'by-condition' | 'never' {
  if (item.mode !== 'filing') return 'never';
  return item.filing?.when ? 'by-condition' : 'always';
}

/** Whether the item is a filing for an application with these form values. */
export function isFilingFor(item: ModalItem, form: FormValues): boolean {
  const filing = filingOf(item);
  return filing === 'always' || (filing === 'by-condition' && evaluateCondition(item.filing!.when!, form));
}

/** The check period of a filing in working days (0: the receipt is issued at once). */
export function checkDaysOf(item: ModalItem): number {
  return item.filing?.checkDays ?? 0;
}

/** What a filing issues: its receipt, else the item's result (an item that is always a filing). */
export function receiptOf(item: ModalItem): ItemResult {
  return item.filing?.receipt ?? item.result;
}

/**
 * The working days an item takes on the plan's clock, for the critical path: a filing for every
 * applicant takes its check period; anything that may be decided, its promised limit (the promise must
 * hold for every applicant).
 */
export function planDays(item: ModalItem): number {
  return filingOf(item) === 'always' ? checkDaysOf(item) : item.promisedDays;
}
