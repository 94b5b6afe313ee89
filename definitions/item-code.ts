/**
 * Item codes (事项编码) against the national catalogue's formats (GB/T 39554.1-2020 and the State
 * Council's list of administrative licensing items), as far as a code can be checked on its own:
 *
 * - 基本编码 (basic code): 12 characters, 11 digits then a digit or `Y` (a main item with sub-items ends
 *   in `00Y`), e.g. `00013112700Y` 企业登记注册, `000131127004` its sub-item 公司登记注册.
 * - 业务办理项编码 (handle-item code): the 12-digit basic code of a sub-item and a 2-digit handle item,
 *   e.g. `00013112700403` 公司注销登记注册.
 * - 实施编码 (implementation code): the implementing agency's 18-character unified social credit code
 *   (GB 32100-2015; its check character is verified) followed by 12 to 20 digits or `Y` (the catalogue
 *   code and the local parts, whose layout provinces set).
 *
 * Pure: lint uses it (rule `item-code-format`, edition 2).
 */

export type ItemCodeKind = 'basic' | 'handle-item' | 'implementation';

export type ItemCodeCheck = { ok: true; kind: ItemCodeKind } | { ok: false; problem: string };

const BASIC = /^[0-9]{11}[0-9Y]$/;
const HANDLE_ITEM = /^[0-9]{14}$/;
/** GB 32100's characters: digits and upper-case letters but I, O, Z, S, V; a character's value is its index. */
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const IMPLEMENTATION = /^([0-9A-HJ-NPQRTUWXY]{18})([0-9Y]{12,20})$/;

/** The check character of the first 17 characters of a unified social credit code (GB 32100-2015, ISO 7064 mod 31). */
export function creditCodeCheckCharacter(first17: string): string {
  const sum = [...first17].reduce((total, char, i) => total + CREDIT_CHARS.indexOf(char) * CREDIT_WEIGHTS[i]!, 0);
  return CREDIT_CHARS[(31 - (sum % 31)) % 31]!;
}

/** Which catalogue format a code has, or what is wrong with it. */
export function checkItemCode(code: string): ItemCodeCheck {
  if (BASIC.test(code)) return { ok: true, kind: 'basic' };
  if (HANDLE_ITEM.test(code)) return { ok: true, kind: 'handle-item' };
  const implementation = IMPLEMENTATION.exec(code);
  if (implementation) {
    const credit = implementation[1]!;
    const expected = creditCodeCheckCharacter(credit.slice(0, 17));
    if (credit[17] === expected) return { ok: true, kind: 'implementation' };
    return { ok: false, problem: `its unified social credit code ${credit} ends in "${credit[17]}", but its check character is "${expected}"` };
  }
  return {
    ok: false,
    problem: 'it is neither a 基本编码 (12 characters: 11 digits, then a digit or Y), a 业务办理项编码 (14 digits), nor a 实施编码 (an 18-character unified social credit code, then 12 to 20 digits or Y)',
  };
}
