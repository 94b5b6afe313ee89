import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, lineAndColumn, strictJsonIssues } from '../../../definitions/strict-json';

/** Reference: how many objects and arrays enclose the deepest value (a scalar alone is 0). */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

/** Reference: a string is Unicode text when it can be percent-encoded (lone surrogates cannot). */
function isText(value: string): boolean {
  try {
    encodeURIComponent(value);
    return true;
  } catch {
    return false;
  }
}

function everyString(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (Array.isArray(value) ? everyString(inner) : [key, ...everyString(inner)]));
}

describe('strictJsonIssues', () => {
  it('finds nothing in JSON written from values of well-formed text, however indented', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(0, 2, '\t'), (value, indent) => {
        expect(strictJsonIssues(JSON.stringify(value, null, indent))).toEqual([]);
      }),
    );
  });

  it('finds a lone surrogate exactly when some name or string is not Unicode text', () => {
    const anyString = fc.string({ unit: 'binary', maxLength: 6 });
    const values = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, anyString, fc.integer(), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(anyString, tie('value'), { maxKeys: 3 })),
    })).value;
    fc.assert(
      fc.property(values, (value) => {
        const issues = strictJsonIssues(JSON.stringify(value));
        expect(issues.some((issue) => issue.code === 'lone-surrogate')).toBe(!everyString(value).every(isText));
      }),
      { numRuns: 300 },
    );
    // Escaped pairs are text; an escaped high surrogate before a written-out pair is not.
    expect(strictJsonIssues('["\\ud83d\\ude00", "\\ud83d😀"]')).toEqual([expect.objectContaining({ code: 'lone-surrogate', pointer: '/1', offset: 17 })]);
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} at the first value too deep, and stops there`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 * MAX_JSON_DEPTH }), fc.boolean(), (depth, objects) => {
        const open = objects ? '{"k":'.repeat(depth - 1) + '{' : '['.repeat(depth);
        const close = objects ? '}'.repeat(depth) : ']'.repeat(depth);
        const text = open + close;
        expect(depthOf(JSON.parse(text))).toBe(depth);
        const issues = strictJsonIssues(text);
        if (depth <= MAX_JSON_DEPTH) expect(issues).toEqual([]);
        else expect(issues).toEqual([expect.objectContaining({ code: 'too-deep', pointer: (objects ? '/k' : '/0').repeat(MAX_JSON_DEPTH) })]);
      }),
    );
    expect(strictJsonIssues('['.repeat(500_000) + ']'.repeat(500_000))).toHaveLength(1);
  });

  it('names each repeated member with both places, whatever the escapes', () => {
    const text = '{"a": 1, "b": {"a~/": [], "a\\u007e/": 2}, "\\u0061": 3}';
    expect(strictJsonIssues(text)).toEqual([
      { code: 'duplicate-key', pointer: '/b/a~0~1', offset: 26, name: 'a~/', firstOffset: 15, message: 'duplicate member name "a~/"' },
      { code: 'duplicate-key', pointer: '/a', offset: 42, name: 'a', firstOffset: 1, message: 'duplicate member name "a"' },
    ]);
    expect(strictJsonIssues('[{"a": 1}, {"a": 2}]')).toEqual([]);
  });

  it('stops at the given number of issues', () => {
    const text = `{${Array.from({ length: 1000 }, () => '"x": 1').join(',')}}`;
    expect(strictJsonIssues(text, 20)).toHaveLength(20);
  });
});

describe('lineAndColumn', () => {
  it('counts lines from 1 and columns in code units', () => {
    expect(lineAndColumn('ab\ncd\n\nef', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd\n\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('ab\ncd\n\nef', 8)).toEqual({ line: 4, column: 2 });
  });
});
