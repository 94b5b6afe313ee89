/**
 * Evaluation of the declarative condition language (see `Condition` in schema.ts).
 *
 * Pure and dependency-free: workflows import it to decide conditional items, forms to decide
 * conditional fields. Nothing here evaluates strings as code.
 */
import type { Condition } from './schema';

export type FormValues = Record<string, unknown>;

/** Whether `condition` holds for the given form values. A missing value equals nothing. */
export function evaluateCondition(condition: Condition, values: FormValues): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, values));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, values));
  if ('not' in condition) return !evaluateCondition(condition.not, values);
  // Own properties only: a field named like an Object.prototype member ("constructor") is not set by it.
  const value = Object.hasOwn(values, condition.field) ? values[condition.field] : undefined;
  if ('equals' in condition) return value === condition.equals;
  if ('notEquals' in condition) return value !== condition.notEquals;
  if ('in' in condition) return condition.in.some((candidate) => candidate === value);
  const isSet = value !== undefined && value !== null && value !== '';
  return condition.isSet === isSet;
}

/** Every field a condition reads, with the JSON path (relative to the condition) where it is named. */
export function conditionFields(condition: Condition, path: string[] = []): Array<{ field: string; path: string[] }> {
  if ('all' in condition) return condition.all.flatMap((c, i) => conditionFields(c, [...path, 'all', String(i)]));
  if ('any' in condition) return condition.any.flatMap((c, i) => conditionFields(c, [...path, 'any', String(i)]));
  if ('not' in condition) return conditionFields(condition.not, [...path, 'not']);
  return [{ field: condition.field, path: [...path, 'field'] }];
}
