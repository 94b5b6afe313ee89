/**
 * The declarative condition language (see `Condition` in definitions/schema.ts) as JSON Schema.
 *
 * `conditionSchema(condition)` is a schema that an object of form values is valid against exactly when
 * `evaluateCondition(condition, values)` holds, for any JSON values: a missing value equals nothing, and
 * a value is set unless it is missing, null or the empty string. Built from data only: no eval, no
 * Function, so a definition still cannot run code in a validator.
 */
import type { Condition } from '../definitions/schema';

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
  const isSet = present(setValueSchema());
  return condition.isSet ? isSet : { not: isSet };
}
