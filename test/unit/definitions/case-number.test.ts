import { describe, expect, it } from 'vitest';
import { bundleCode, caseNumbering, DEFAULT_CASE_NUMBER_PATTERN, parseCaseNumberPattern } from '../../../definitions/case-number';
import { checkItemCode, creditCodeCheckCharacter } from '../../../definitions/item-code';

describe('caseNumbering', () => {
  it('makes {code}-{date}-{seq:6} numbers by default, dated in Beijing time, counted per code and day', () => {
    // 16:30 UTC on 11 June is 00:30 on 12 June in Beijing.
    const numbering = caseNumbering(undefined, { code: 'QYZX', submittedAt: '2025-06-11T16:30:00Z' });
    expect(numbering.scope).toBe('QYZX-20250612-{seq}');
    expect(numbering.format(7)).toBe('QYZX-20250612-000007');
    expect(numbering.format(1234567)).toBe('QYZX-20250612-1234567'); // a sequence past its width grows, never wraps
  });

  it('follows a bundle\'s pattern: literal text, the year, a sequence of its own width', () => {
    const numbering = caseNumbering('YJS{code}{year}-{seq:4}', { code: 'ESFGH', submittedAt: '2025-12-31T15:59:59Z' });
    expect(numbering.scope).toBe('YJSESFGH2025-{seq}');
    expect(numbering.format(42)).toBe('YJSESFGH2025-0042');
  });

  it('reads the bundle code from the code, else the id in upper case', () => {
    expect(bundleCode({ id: 'open-restaurant' })).toBe('OPEN-RESTAURANT');
    expect(bundleCode({ id: 'open-restaurant', code: 'KBCY' })).toBe('KBCY');
  });

  it('refuses patterns that could give two cases one number', () => {
    expect(parseCaseNumberPattern(DEFAULT_CASE_NUMBER_PATTERN).ok).toBe(true);
    expect(parseCaseNumberPattern('{code}-{date}')).toMatchObject({ ok: false, problem: expect.stringMatching(/no \{seq\}/) });
    expect(parseCaseNumberPattern('{code}-{seq}-{seq}')).toMatchObject({ ok: false, problem: expect.stringMatching(/more than one/) });
    expect(parseCaseNumberPattern('{date}-{seq}')).toMatchObject({ ok: false, problem: expect.stringMatching(/no \{code\}/) });
    expect(parseCaseNumberPattern('{code}-{seq:2}')).toMatchObject({ ok: false, problem: expect.stringMatching(/2 digits/) });
    expect(parseCaseNumberPattern('{code}-{month}-{seq}')).toMatchObject({ ok: false, problem: 'unknown token {month}' });
    expect(() => caseNumbering('{code}', { code: 'A', submittedAt: '2025-01-01T00:00:00Z' })).toThrow(RangeError);
  });
});

describe('checkItemCode', () => {
  it('knows the catalogue formats: 基本编码, 业务办理项编码, 实施编码 with a valid credit code', () => {
    expect(checkItemCode('00013112700Y')).toEqual({ ok: true, kind: 'basic' });
    expect(checkItemCode('000131127004')).toEqual({ ok: true, kind: 'basic' });
    expect(checkItemCode('00013112700403')).toEqual({ ok: true, kind: 'handle-item' });
    expect(checkItemCode('11100000000013127D000131127004')).toEqual({ ok: true, kind: 'implementation' });
    expect(checkItemCode('SCJG-YYZZ').ok).toBe(false);
    expect(checkItemCode('0001311270Y4').ok).toBe(false); // Y only last
  });

  it('computes the GB 32100 check character of published credit codes', () => {
    for (const code of ['91350100M000100Y43', '91110000600037341L', '11100000000013127D', '91310000MA1FL1MMXL']) {
      expect(creditCodeCheckCharacter(code.slice(0, 17)), code).toBe(code[17]);
    }
  });
});
