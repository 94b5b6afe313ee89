/**
 * What is wrong with a condition that matches none of the language's shapes, said at the key that is
 * wrong and with the shapes allowed there (zod alone can only say "matches none of the allowed shapes").
 * Lint calls it for a union failure at a condition's place (`conditionShapeIssues`), on the value as
 * written.
 */
import type { LintIssue } from './errors';
import { error, type PathSegment } from './lint-core';
import { LIMITS } from './limits';
import { CONDITION_COMBINATORS, CONDITION_OPERATORS, ORDERED_OPERATORS } from './schema';

/** The shapes a condition may take, for hints. */
export const CONDITION_SHAPES =
  'A condition is one of: {"field": id, "equals" | "notEquals": value}, {"field": id, "in": [values]}, {"field": id, "isSet": true | false}, ' +
  '{"field": id, "lt" | "lte" | "gt" | "gte": number or "YYYY-MM-DD"}, {"field": id, "between": [low, high]}, ' +
  '{"all": [conditions]} (and), {"any": [conditions]} (or), {"not": condition}.';

/** Likely meant keys, for keys a designer may bring from other languages. */
const SUGGESTIONS: Record<string, string> = {
  and: 'all',
  or: 'any',
  eq: 'equals',
  equal: 'equals',
  is: 'equals',
  ne: 'notEquals',
  neq: 'notEquals',
  notEqual: 'notEquals',
  oneOf: 'in',
  isIn: 'in',
  exists: 'isSet',
  set: 'isSet',
  less: 'lt',
  le: 'lte',
  greater: 'gt',
  ge: 'gte',
  range: 'between',
  min: 'gte',
  max: 'lte',
};

const FIELD_ID = /^[a-zA-Z][a-zA-Z0-9]{0,62}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INVALID = 'schema/invalid_condition';

/** Whether a zod path names a condition's place: a `condition` (or a filing's `when`), or an operand within one. */
export function isConditionPath(path: readonly PathSegment[]): boolean {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i];
    if (segment === 'condition' || (segment === 'when' && path[i - 1] === 'filing')) return true;
    if (segment === 'not' || typeof segment === 'number') continue;
    if ((segment === 'all' || segment === 'any') && typeof path[i + 1] === 'number') continue;
    return false;
  }
  return false;
}

/** Every shape problem of `value` as a condition at `path`, nested ones included; empty if it has none this can name. */
export function conditionShapeIssues(value: unknown, path: PathSegment[]): LintIssue[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [error(INVALID, path, `a condition is an object, not ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`, CONDITION_SHAPES)];
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const known = new Set<string>(['field', ...CONDITION_OPERATORS, ...CONDITION_COMBINATORS]);
  const issues: LintIssue[] = keys
    .filter((key) => !known.has(key))
    .map((key) => {
      const meant = SUGGESTIONS[key];
      return error('schema/unrecognized_keys', [...path, key], `unknown key "${key}" in a condition`, `${meant ? `Write "${meant}". ` : ''}${CONDITION_SHAPES}`);
    });
  if (keys.every((key) => !known.has(key)) && issues.length > 0) return issues; // nothing but unknown keys: they say it
  const combinators = keys.filter((key) => (CONDITION_COMBINATORS as readonly string[]).includes(key));
  const operators = keys.filter((key) => (CONDITION_OPERATORS as readonly string[]).includes(key));
  if (combinators.length > 0) {
    const combinator = combinators[0]!;
    for (const other of keys.filter((key) => key !== combinator && known.has(key))) {
      issues.push(error(INVALID, [...path, other], `a condition with "${combinator}" has no other key, but this one has "${other}"`, `Put "${other}" in a condition of its own inside "${combinator}". ${CONDITION_SHAPES}`));
    }
    const operand = record[combinator];
    if (combinator === 'not') return [...issues, ...conditionShapeIssues(operand, [...path, 'not'])];
    if (!Array.isArray(operand) || operand.length === 0 || operand.length > LIMITS.conditionOperands) {
      return [...issues, error(INVALID, [...path, combinator], `"${combinator}" takes a list of 1 to ${LIMITS.conditionOperands} conditions`, CONDITION_SHAPES)];
    }
    return [...issues, ...operand.flatMap((inner, k) => conditionShapeIssues(inner, [...path, combinator, k]))];
  }
  if (!('field' in record)) {
    issues.push(error(INVALID, path, 'a condition on a value names its "field"', CONDITION_SHAPES));
  } else if (typeof record.field !== 'string' || !FIELD_ID.test(record.field)) {
    issues.push(error(INVALID, [...path, 'field'], `"field" is the id of a form field (camelCase), not ${JSON.stringify(record.field)}`, CONDITION_SHAPES));
  }
  if (operators.length === 0) {
    if (issues.length === 0) issues.push(error(INVALID, path, 'a condition on a value names one operator', CONDITION_SHAPES));
    return issues;
  }
  for (const extra of operators.slice(1)) {
    issues.push(error(INVALID, [...path, extra], `a condition compares with one operator, but this one has "${operators[0]}" and "${extra}"`, `Combine two comparisons with "all" or "any". ${CONDITION_SHAPES}`));
  }
  const operator = operators[0]!;
  const problem = operandProblem(operator, record[operator]);
  if (problem) issues.push(error(INVALID, [...path, operator], `"${operator}" takes ${problem}, not ${JSON.stringify(record[operator])?.slice(0, 100)}`, CONDITION_SHAPES));
  return issues;
}

const scalar = (value: unknown) =>
  (typeof value === 'string' && value.length <= LIMITS.valueChars) || typeof value === 'number' || typeof value === 'boolean';
const bound = (value: unknown) => typeof value === 'number' || (typeof value === 'string' && DATE.test(value));

/** What the operand of `operator` should be, if `value` is not that. */
function operandProblem(operator: string, value: unknown): string | undefined {
  if (operator === 'equals' || operator === 'notEquals') return scalar(value) ? undefined : `a string (at most ${LIMITS.valueChars} characters), a number or a boolean`;
  if (operator === 'in') {
    return Array.isArray(value) && value.length >= 1 && value.length <= LIMITS.conditionValues && value.every(scalar)
      ? undefined
      : `a list of 1 to ${LIMITS.conditionValues} strings, numbers or booleans`;
  }
  if (operator === 'isSet') return typeof value === 'boolean' ? undefined : 'true or false';
  if (operator === 'between') return Array.isArray(value) && value.length === 2 && value.every(bound) ? undefined : '[low, high]: two numbers, or two dates as "YYYY-MM-DD"';
  if ((ORDERED_OPERATORS as readonly string[]).includes(operator)) return bound(value) ? undefined : 'a number, or a date as "YYYY-MM-DD"';
  return undefined;
}
