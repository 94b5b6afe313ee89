/**
 * The declarative condition language (see `Condition` in definitions/schema.ts) as JSON Schema.
 *
 * `conditionSchema(condition)` is a schema that an object of form values is valid against exactly when
 * `evaluateCondition(condition, values)` holds, for any JSON values: a missing value equals nothing, and
 * a value is set unless it is missing, null or the empty string. An ordered comparison with a number is
 * `minimum` / `maximum` over numbers; with a date (`YYYY-MM-DD`) it is a `pattern` that matches exactly
 * the date-shaped strings on the right side of the bound, since JSON Schema has no order on strings and
 * date-shaped strings order like their digits. Built from data only: no eval, no Function, so a
 * definition still cannot run code in a validator.
 */
import type { Condition, OrderedValue } from '../definitions/schema';

/** A JSON Schema (draft 2020-12) as plain JSON. */
export type JsonSchema = { [keyword: string]: unknown };

/** The values `isSet` reads as not set (besides a missing value). */
export const UNSET_VALUES: ReadonlyArray<null | string> = [null, ''];

/** The schema of a form value that is set: neither null nor the empty string. */
export function setValueSchema(): JsonSchema {
  return { not: { enum: [...UNSET_VALUES] } };
}

/** A JSON Schema, over the form object, valid exactly when `condition` holds (see `evaluateCondition`). */
export function conditionSchema(condition: Condition): JsonSchema {
  if ('all' in condition) return { allOf: condition.all.map(conditionSchema) };
  if ('any' in condition) return { anyOf: condition.any.map(conditionSchema) };
  if ('not' in condition) return { not: conditionSchema(condition.not) };
  // `required` first: `properties` alone would also accept the value being missing.
  const present = (value: JsonSchema): JsonSchema => ({ required: [condition.field], properties: { [condition.field]: value } });
  if ('equals' in condition) return present({ const: condition.equals });
  if ('notEquals' in condition) return { not: present({ const: condition.notEquals }) };
  if ('in' in condition) return present({ enum: [...new Set(condition.in)] });
  if ('lt' in condition) return present(orderedSchema('lt', condition.lt));
  if ('lte' in condition) return present(orderedSchema('lte', condition.lte));
  if ('gt' in condition) return present(orderedSchema('gt', condition.gt));
  if ('gte' in condition) return present(orderedSchema('gte', condition.gte));
  if ('between' in condition) {
    const [low, high] = condition.between;
    return present({ allOf: [orderedSchema('gte', low), orderedSchema('lte', high)] });
  }
  const isSet = present(setValueSchema());
  return condition.isSet ? isSet : { not: isSet };
}

type Order = 'lt' | 'lte' | 'gt' | 'gte';

const NUMBER_KEYWORDS: Record<Order, string> = { lt: 'exclusiveMaximum', lte: 'maximum', gt: 'exclusiveMinimum', gte: 'minimum' };

/** The schema of one value compared with a bound. */
function orderedSchema(order: Order, bound: OrderedValue): JsonSchema {
  if (typeof bound === 'number') return { type: 'number', [NUMBER_KEYWORDS[order]]: bound };
  return { type: 'string', pattern: datePattern(order, bound) };
}

/**
 * A regular expression matching exactly the strings of the shape `NNNN-NN-NN` (ASCII digits) that are
 * `order` the date-shaped bound, as strings compare. For "below": the strings that agree with the bound up
 * to some digit and are lower there, anything after it; "above" likewise; `lte` / `gte` add the bound.
 */
export function datePattern(order: Order, bound: string): string {
  const below = order === 'lt' || order === 'lte';
  const alternatives: string[] = [];
  for (let i = 0; i < bound.length; i++) {
    const digit = bound.charCodeAt(i) - 48;
    if (bound[i] === '-' || !(digit >= 0 && digit <= 9)) continue;
    const range = below ? (digit > 0 ? [0, digit - 1] : undefined) : digit < 9 ? [digit + 1, 9] : undefined;
    if (!range) continue;
    // The bound's own digits and dashes need no escaping.
    alternatives.push(bound.slice(0, i) + `[${range[0]}-${range[1]}]` + template(bound.slice(i + 1)));
  }
  if (order === 'lte' || order === 'gte') alternatives.push(bound);
  // No date is below 0000-00-00 or above 9999-99-99: a pattern that matches nothing.
  return alternatives.length === 0 ? '^(?!)$' : `^(?:${alternatives.join('|')})$`;
}

/** Any digit where the shape has a digit, a dash where it has a dash. */
function template(rest: string): string {
  return [...rest].map((c) => (c === '-' ? '-' : '[0-9]')).join('');
}
