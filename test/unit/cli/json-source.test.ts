import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locate, parseJson } from '../../../cli/json-source';
import { MAX_JSON_DEPTH } from '../../../definitions/strict-json';
import { displayWidth, table } from '../../../cli/text';

describe('parseJson', () => {
  it('locates every value by its JSON pointer, escaped keys included', () => {
    const parsed = parseJson('{\n  "items": [\n    { "id": "a", "a/b~c": 1 }\n  ]\n}\n');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toEqual({ items: [{ id: 'a', 'a/b~c': 1 }] });
    expect(parsed.positions.get('')).toEqual({ line: 1, column: 1 });
    expect(parsed.positions.get('/items')).toEqual({ line: 2, column: 12 });
    expect(parsed.positions.get('/items/0')).toEqual({ line: 3, column: 5 });
    expect(parsed.positions.get('/items/0/id')).toEqual({ line: 3, column: 13 });
    expect(parsed.positions.get('/items/0/a~1b~0c')).toEqual({ line: 3, column: 27 });
  });

  it('locates a missing property at its nearest existing ancestor', () => {
    const parsed = parseJson('{\n  "items": [{}]\n}');
    if (!parsed.ok) throw new Error('expected valid JSON');
    expect(locate(parsed.positions, '/items/0/code')).toEqual({ line: 2, column: 13 });
    expect(locate(parsed.positions, '/nothing/here')).toEqual({ line: 1, column: 1 });
  });

  it('accepts a byte-order mark', () => {
    expect(parseJson('\uFEFF{"a": 1}')).toMatchObject({ ok: true, value: { a: 1 } });
  });

  it.each([
    ['{"a": 1,}', 1, 9, 'trailing comma before "}"'],
    ['[1, 2,]', 1, 7, 'trailing comma before "]"'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, 'expected "," or "}" after a property value'],
    ["{'a': 1}", 1, 2, 'expected a property name in double quotes'],
    ['{"a": \'x\'}', 1, 7, 'not single quotes'],
    ['{"a": 01}', 1, 8, 'invalid number'],
    ['{"a": "x\ny"}', 1, 9, 'line break inside a string'],
    ['{"a": "\\x"}', 1, 8, 'invalid escape'],
    ['{"a": tru}', 1, 7, 'expected a value'],
    ['{"a": 1} x', 1, 10, 'after the end of the JSON document'],
    ['// note\n{}', 1, 1, 'comments are not allowed'],
    ['{"a": [1, 2', 1, 12, 'expected "," or "]"'],
    ['', 1, 1, 'unexpected end of file'],
  ])('reports %j at line %i, column %i', (text, line, column, message) => {
    const parsed = parseJson(text);
    expect(parsed).toMatchObject({ ok: false, position: { line, column } });
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });

  it('puts the caret under the column, counting Chinese characters as two columns', () => {
    const parsed = parseJson('{"zh": "开办",,}');
    if (parsed.ok) throw new Error('expected a syntax error');
    // column 13: after the gutter "1 | " come 12 characters 14 columns wide
    expect(parsed.position).toEqual({ line: 1, column: 13 });
    expect(parsed.excerpt).toBe('1 | {"zh": "开办",,}\n' + ' '.repeat(4 + 14) + '^');
  });

  it('agrees with JSON.parse on which texts are JSON', () => {
    const texts = fc.oneof(
      fc.json(),
      fc.json().map((text) => text.slice(0, -1)),
      fc.tuple(fc.json(), fc.constantFrom(',', ']', '}', "'", '01', '\n', '"', '/')).map(([text, junk]) => text + junk),
    );
    fc.assert(
      fc.property(texts, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(parseJson(text).ok).toBe(valid);
      }),
    );
  });
});

describe('parseJson: what the API refuses, the CLI refuses', () => {
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it('refuses a document nested 100,000 deep with its place, without overflowing the stack', () => {
    const parsed = parseJson(nested(100_000));
    expect(parsed).toMatchObject({ ok: false, kind: 'refused', position: { line: 1, column: MAX_JSON_DEPTH + 1 } });
    if (!parsed.ok) expect(parsed.message).toContain(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    // Unclosed, it is not JSON either; the depth is still what is reported, and nothing overflows.
    expect(parseJson('{"a": ' + '['.repeat(100_000))).toMatchObject({ ok: false, kind: 'refused' });
  });

  it(`accepts exactly ${MAX_JSON_DEPTH} levels`, () => {
    expect(parseJson(nested(MAX_JSON_DEPTH))).toMatchObject({ ok: true });
    expect(parseJson(nested(MAX_JSON_DEPTH + 1))).toMatchObject({ ok: false, kind: 'refused' });
  });

  it('refuses a lone surrogate where it is, and accepts a surrogate pair', () => {
    const parsed = parseJson('{\n  "title": {"zh": "\\ud800"}\n}');
    expect(parsed).toMatchObject({ ok: false, kind: 'refused', position: { line: 2, column: 19 } });
    if (!parsed.ok) expect(parsed.message).toBe('string contains a lone surrogate (not Unicode text) at /title/zh');
    expect(parseJson('{"zh": "\\ud83d\\ude00"}')).toMatchObject({ ok: true, value: { zh: '😀' } });
  });

  it('lists each repeated member name with the places of both members', () => {
    const parsed = parseJson('{\n  "id": "a",\n  "items": [{"id": 1, "x": 2, "id": 3}],\n  "id": "b"\n}');
    if (!parsed.ok) throw new Error('expected JSON');
    expect(parsed.value).toEqual({ id: 'b', items: [{ id: 3, x: 2 }] }); // what JSON.parse makes of it: the last wins
    expect(parsed.duplicates).toEqual([
      { pointer: '/items/0/id', name: 'id', first: { line: 3, column: 14 }, again: { line: 3, column: 31 } },
      { pointer: '/id', name: 'id', first: { line: 2, column: 3 }, again: { line: 4, column: 3 } },
    ]);
    expect(parseJson('{"a": {"b": 1}, "c": {"b": 2}}')).toMatchObject({ ok: true, duplicates: [] });
  });
});

describe('text', () => {
  it('counts Chinese characters as two columns', () => {
    expect(displayWidth('减时限 time')).toBe(11);
    expect(displayWidth('（）')).toBe(4);
    expect(displayWidth('−84.1%')).toBe(6);
  });

  it('aligns columns by display width', () => {
    expect(table([['减材料', '14'], ['trips', '9']], new Set([1]))).toEqual(['减材料  14', 'trips    9']);
  });
});
