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
});
