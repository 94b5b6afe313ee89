/**
 * Evaluation of the declarative condition language (see `Condition` in schema.ts).
 *
 * Pure and dependency-free: workflows import it to decide conditional items, steps and filings, forms to
 * decide conditional fields and materials. Nothing here evaluates strings as code.
 */
import type { Condition, OrderedValue } from './schema';

export type FormValues = Record<string, unknown>;

/**
 * The shape of a date an ordered comparison reads: `YYYY-MM-DD`, ASCII digits. Dates of this shape order
 * like their strings, so a date compares as its string; any other value (a number, another string) is
 * not a date and satisfies no comparison with one. `forms/condition-schema.ts` states the same in JSON
 * Schema, and a property test holds the two together.
 */
export const DATE_SHAPE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/** Whether `condition` holds for the given form values. A missing value equals nothing and compares with nothing. */
export function evaluateCondition(condition: Condition, values: FormValues): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, values));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, values));
  if ('not' in condition) return !evaluateCondition(condition.not, values);
  // Own properties only: a field named like an Object.prototype member ("constructor") is not set by it.
  const value = Object.hasOwn(values, condition.field) ? values[condition.field] : undefined;
  if ('equals' in condition) return value === condition.equals;
  if ('notEquals' in condition) return value !== condition.notEquals;
  if ('in' in condition) return condition.in.some((candidate) => candidate === value);
  if ('lt' in condition) return compare(value, condition.lt, (order) => order < 0);
  if ('lte' in condition) return compare(value, condition.lte, (order) => order <= 0);
  if ('gt' in condition) return compare(value, condition.gt, (order) => order > 0);
  if ('gte' in condition) return compare(value, condition.gte, (order) => order >= 0);
  if ('between' in condition) {
    const [low, high] = condition.between;
    return compare(value, low, (order) => order >= 0) && compare(value, high, (order) => order <= 0);
  }
  const isSet = value !== undefined && value !== null && value !== '';
  return condition.isSet === isSet;
}

/**
 * `holds(order)` for the order of `value` against `bound` (negative: below), when the two are comparable:
 * a number with a number bound, a date-shaped string with a date bound. Anything else: false.
 */
function compare(value: unknown, bound: OrderedValue, holds: (order: number) => boolean): boolean {
  if (typeof bound === 'number') return typeof value === 'number' && !Number.isNaN(value) && holds(value < bound ? -1 : value > bound ? 1 : 0);
  if (typeof value !== 'string' || !DATE_SHAPE.test(value)) return false;
  return holds(value < bound ? -1 : value > bound ? 1 : 0);
}

/** Every field a condition reads, with the JSON path (relative to the condition) where it is named. */
export function conditionFields(condition: Condition, path: string[] = []): Array<{ field: string; path: string[] }> {
  if ('all' in condition) return condition.all.flatMap((c, i) => conditionFields(c, [...path, 'all', String(i)]));
  if ('any' in condition) return condition.any.flatMap((c, i) => conditionFields(c, [...path, 'any', String(i)]));
  if ('not' in condition) return conditionFields(condition.not, [...path, 'not']);
  return [{ field: condition.field, path: [...path, 'field'] }];
}
