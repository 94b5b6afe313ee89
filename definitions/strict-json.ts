/**
 * The JSON the engine accepts, in API request bodies and in the definition files the designer CLI
 * reads: I-JSON (RFC 7493) — member names unique within each object, strings of well-formed Unicode
 * (no lone surrogates, which canonical JSON and hashing refuse) — nested at most
 * {@link MAX_JSON_DEPTH} deep. `JSON.parse` lets all three through, so valid JSON text is checked
 * here once more, iteratively: no input can exhaust the stack.
 */

/**
 * How many objects and arrays may enclose a value. Bundles nest 6 deep; conditions and form values a
 * few more. Deeper input is refused, by the API (400) and by the CLI alike.
 */
export const MAX_JSON_DEPTH = 64;

export interface StrictJsonIssue {
  code: 'too-deep' | 'duplicate-key' | 'lone-surrogate';
  /** JSON pointer (RFC 6901) of the offending value or member; "" is the whole document. */
  pointer: string;
  /** Offset in the text (UTF-16 code units) where it starts. */
  offset: number;
  /** For `duplicate-key`: the name, and where the first member of that name starts. */
  name?: string;
  firstOffset?: number;
  message: string;
}

interface Frame {
  pointer: string;
  /** Member names seen so far, with their offsets; undefined for arrays. */
  names?: Map<string, number>;
  index: number;
  name?: string;
  expectName: boolean;
}

// With the `u` flag a surrogate pair is one code point, so this matches only lone surrogates.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * What in valid JSON `text` breaks the rules above, in document order; at most `max` issues, and
 * nothing below a value nested too deep (the first such value ends the scan).
 */
export function strictJsonIssues(text: string, max = 100): StrictJsonIssue[] {
  const issues: StrictJsonIssue[] = [];
  const stack: Frame[] = [];
  const here = (): string => {
    const top = stack.at(-1);
    if (!top) return '';
    return top.names ? `${top.pointer}/${escapePointer(top.name ?? '')}` : `${top.pointer}/${top.index}`;
  };
  for (let i = 0; i < text.length && issues.length < max; i++) {
    const char = text[i]!;
    if (char === '{' || char === '[') {
      const pointer = here();
      if (stack.length >= MAX_JSON_DEPTH) {
        issues.push({ code: 'too-deep', pointer, offset: i, message: `nested deeper than ${MAX_JSON_DEPTH} levels (objects and arrays)` });
        break;
      }
      stack.push(char === '{' ? { pointer, names: new Map(), index: 0, expectName: true } : { pointer, index: 0, expectName: false });
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',') {
      const top = stack.at(-1)!;
      if (top.names) top.expectName = true;
      else top.index++;
    } else if (char === '"') {
      const end = stringEnd(text, i);
      const raw = text.slice(i, end + 1);
      const value = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      const top = stack.at(-1);
      if (top?.names && top.expectName) {
        top.expectName = false;
        top.name = value;
        if (LONE_SURROGATE.test(value)) {
          issues.push({ code: 'lone-surrogate', pointer: here(), offset: i, message: 'member name contains a lone surrogate (not Unicode text)' });
        }
        const first = top.names.get(value);
        if (first === undefined) top.names.set(value, i);
        else issues.push({ code: 'duplicate-key', pointer: here(), offset: i, name: value, firstOffset: first, message: `duplicate member name ${JSON.stringify(value)}` });
      } else if (LONE_SURROGATE.test(value)) {
        issues.push({ code: 'lone-surrogate', pointer: here(), offset: i, message: 'string contains a lone surrogate (not Unicode text)' });
      }
      i = end;
    }
    // Anything else is white space, ':', or part of a number or literal: nothing to check.
  }
  return issues;
}

/** The 1-based line and column (in UTF-16 code units) of `offset`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** The offset of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i;
}

function escapePointer(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}
