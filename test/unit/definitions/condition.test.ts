import { describe, expect, it } from 'vitest';
import { evaluateCondition } from '../../../definitions/condition';

describe('evaluateCondition', () => {
  it('does not take a field named like an Object.prototype member for set', () => {
    expect(evaluateCondition({ field: 'constructor', isSet: false }, {})).toBe(true);
    expect(evaluateCondition({ field: 'toString', isSet: true }, {})).toBe(false);
    expect(evaluateCondition({ field: 'constructor', isSet: true }, { constructor: 'x' })).toBe(true);
  });

  it('treats null, undefined and the empty string as not set', () => {
    for (const value of [null, undefined, '']) expect(evaluateCondition({ field: 'a', isSet: false }, { a: value })).toBe(true);
    expect(evaluateCondition({ field: 'a', isSet: true }, { a: 0 })).toBe(true);
  });

  it('combines with all, any and not', () => {
    const form = { a: 1, b: 'x' };
    expect(evaluateCondition({ all: [{ field: 'a', equals: 1 }, { field: 'b', in: ['x', 'y'] }] }, form)).toBe(true);
    expect(evaluateCondition({ any: [{ field: 'a', equals: 2 }, { not: { field: 'b', notEquals: 'x' } }] }, form)).toBe(true);
  });

  it('compares numbers with numbers and date-shaped strings with dates, and nothing else', () => {
    expect(evaluateCondition({ field: 'n', lt: 2 }, { n: 1.5 })).toBe(true);
    expect(evaluateCondition({ field: 'n', lte: 2 }, { n: 2 })).toBe(true);
    expect(evaluateCondition({ field: 'n', gt: 2 }, { n: '3' })).toBe(false); // a string is no number
    expect(evaluateCondition({ field: 'n', gte: 0 }, {})).toBe(false); // a missing value compares with nothing
    expect(evaluateCondition({ field: 'n', between: [1, 3] }, { n: 3 })).toBe(true);
    expect(evaluateCondition({ field: 'n', between: [1, 3] }, { n: 0 })).toBe(false);
    expect(evaluateCondition({ field: 'd', lt: '2025-03-01' }, { d: '2025-02-28' })).toBe(true);
    expect(evaluateCondition({ field: 'd', gte: '2025-03-01' }, { d: '2025-3-1' })).toBe(false); // not a date's shape
    expect(evaluateCondition({ field: 'd', gt: '2025-03-01' }, { d: 20250302 })).toBe(false); // a number is no date
    expect(evaluateCondition({ not: { field: 'd', between: ['2025-01-01', '2025-12-31'] } }, { d: '2026-01-01' })).toBe(true);
  });
});
