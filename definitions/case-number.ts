/**
 * Case numbers (办件编号): short, human-readable numbers window officers read out, made from a bundle's
 * pattern (`caseNumber.pattern`, default {@link DEFAULT_CASE_NUMBER_PATTERN}) when a case is started.
 *
 * Tokens: `{code}` the bundle's code (its `code`, else its id in upper case), `{date}` the submission date
 * `YYYYMMDD` and `{year}` its year (Beijing time), `{seq}` / `{seq:N}` a sequence number of at least N
 * digits (default 6). Everything else is literal: upper-case letters, digits and dashes. The sequence
 * counts per *scope*: the number with `{seq}` left in it, so `{code}-{date}-{seq:6}` restarts every day
 * for every bundle code. Whoever draws the numbers (`adapters/case-numbers.ts`) keeps one counter per
 * scope, shared by every API node, so a number is never given twice.
 *
 * Pure: lint checks patterns with it, the API makes numbers with it.
 */

export const DEFAULT_CASE_NUMBER_PATTERN = '{code}-{date}-{seq:6}';

type Token = { literal: string } | { token: 'code' | 'date' | 'year' } | { token: 'seq'; width: number };

export type CaseNumberPattern = { ok: true; tokens: Token[] } | { ok: false; problem: string; hint: string };

const TOKEN = /\{([a-z]+)(?::([0-9]+))?\}/g;
const LITERAL = /^[A-Z0-9-]*$/;
const DEFAULT_SEQ_WIDTH = 6;

/** The tokens of a pattern, or what is wrong with it. A pattern needs `{code}` (numbers of different bundles never meet) and one `{seq}`. */
export function parseCaseNumberPattern(pattern: string): CaseNumberPattern {
  const tokens: Token[] = [];
  let at = 0;
  const hint = `Write tokens {code}, {date}, {year} and one {seq} or {seq:N} (3 to 10), joined by upper-case letters, digits and dashes, e.g. "${DEFAULT_CASE_NUMBER_PATTERN}".`;
  for (const match of pattern.matchAll(TOKEN)) {
    const literal = pattern.slice(at, match.index);
    if (!LITERAL.test(literal)) return { ok: false, problem: `"${literal}" is not a token, and literal text may only hold upper-case letters, digits and dashes`, hint };
    if (literal) tokens.push({ literal });
    const [, name, width] = match;
    if (name === 'seq') {
      const digits = width === undefined ? DEFAULT_SEQ_WIDTH : Number(width);
      if (digits < 3 || digits > 10) return { ok: false, problem: `{seq:${width}} asks for ${digits} digits`, hint };
      tokens.push({ token: 'seq', width: digits });
    } else if ((name === 'code' || name === 'date' || name === 'year') && width === undefined) {
      tokens.push({ token: name });
    } else {
      return { ok: false, problem: `unknown token ${match[0]}`, hint };
    }
    at = match.index + match[0].length;
  }
  const rest = pattern.slice(at);
  if (!LITERAL.test(rest)) return { ok: false, problem: `"${rest}" is not a token, and literal text may only hold upper-case letters, digits and dashes`, hint };
  if (rest) tokens.push({ literal: rest });
  const seqs = tokens.filter((t) => 'token' in t && t.token === 'seq').length;
  if (seqs !== 1) return { ok: false, problem: seqs === 0 ? 'it has no {seq}, so two cases would get the same number' : 'it has more than one {seq}', hint };
  if (!tokens.some((t) => 'token' in t && t.token === 'code')) return { ok: false, problem: 'it has no {code}, so the numbers of two bundles could meet', hint };
  return { ok: true, tokens };
}

/** The code a bundle's case numbers start with: its `code`, else its id in upper case. */
export function bundleCode(bundle: { id: string; code?: string }): string {
  return bundle.code ?? bundle.id.toUpperCase();
}

export interface CaseNumberParts {
  /** The bundle code ({@link bundleCode}). */
  code: string;
  /** The submission instant (ISO); its Beijing date gives {date} and {year}. */
  submittedAt: string;
}

/** How a case number is made: the scope its sequence counts in, and the number for a sequence value. */
export interface CaseNumbering {
  scope: string;
  format(seq: number): string;
}

/** The numbering of a bundle's cases submitted at `parts.submittedAt`; throws on a pattern lint refuses. */
export function caseNumbering(pattern: string | undefined, parts: CaseNumberParts): CaseNumbering {
  const parsed = parseCaseNumberPattern(pattern ?? DEFAULT_CASE_NUMBER_PATTERN);
  if (!parsed.ok) throw new RangeError(`case number pattern ${JSON.stringify(pattern)}: ${parsed.problem}`);
  const date = beijingDate(parts.submittedAt);
  const render = (seq: (width: number) => string) =>
    parsed.tokens
      .map((t) => {
        if ('literal' in t) return t.literal;
        if (t.token === 'seq') return seq(t.width);
        return t.token === 'code' ? parts.code : t.token === 'date' ? date : date.slice(0, 4);
      })
      .join('');
  return {
    scope: render(() => '{seq}'),
    format: (seq) => render((width) => String(seq).padStart(width, '0')),
  };
}

/** `YYYYMMDD` of an instant in Beijing time (UTC+8 all year). */
function beijingDate(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${instant}`);
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
}
