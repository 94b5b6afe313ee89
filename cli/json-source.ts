/**
 * JSON with positions, for messages a person editing a file can act on: where a syntax error is (line and
 * column, with the line shown), and where each JSON pointer of a lint issue starts in the file.
 *
 * A small strict JSON (RFC 8259) scanner, because `JSON.parse` in Node 20 does not always say where it
 * stopped. Values still come from `JSON.parse`, so the scanner only has to find places, not build values.
 * The rules of `definitions/strict-json.ts` hold as in the API: nesting deeper than MAX_JSON_DEPTH and
 * lone surrogates are refused like syntax errors; members whose name repeats in an object are listed,
 * for the caller to report with both places.
 */
import { MAX_JSON_DEPTH, lineAndColumn, strictJsonIssues } from '../definitions/strict-json';
import { displayWidth } from './text';

/** A 1-based line and column (columns count UTF-16 code units, as editors mostly do). */
export interface Position {
  line: number;
  column: number;
}

/** A member whose name was used before in the same object: `JSON.parse` keeps only the last one. */
export interface DuplicateMember {
  /** JSON pointer of the member (the same for each occurrence). */
  pointer: string;
  name: string;
  /** Where the first member of that name starts, and where this one does. */
  first: Position;
  again: Position;
}

export type ParsedJson =
  | {
      ok: true;
      value: unknown;
      /** Where the value at each JSON pointer starts ("" is the whole document); the last occurrence of a repeated name. */
      positions: Map<string, Position>;
      duplicates: DuplicateMember[];
    }
  | {
      ok: false;
      /** `syntax`: not JSON at all; `refused`: JSON, but nested too deep or not Unicode text. */
      kind: 'syntax' | 'refused';
      message: string;
      position: Position;
      /** The offending line, with a caret under the column. */
      excerpt: string;
    };

/** Parses JSON text (a leading byte-order mark is allowed) and locates every value in it. */
export function parseJson(source: string): ParsedJson {
  const text = source.startsWith('\uFEFF') ? source.slice(1) : source;
  const scanner = new Scanner(text);
  try {
    scanner.document();
  } catch (error) {
    if (!(error instanceof ScanError)) throw error;
    const position = positionAt(text, error.offset);
    return { ok: false, kind: error.kind, message: error.message, position, excerpt: excerpt(text, position) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Not expected (the scanner is strict); fall back to the engine's own words.
    const position = positionAt(text, 0);
    return { ok: false, kind: 'syntax', message: (error as Error).message, position, excerpt: excerpt(text, position) };
  }
  const duplicates: DuplicateMember[] = [];
  for (const issue of strictJsonIssues(text, Number.POSITIVE_INFINITY)) {
    const position = lineAndColumn(text, issue.offset);
    if (issue.code !== 'duplicate-key') {
      return { ok: false, kind: 'refused', message: `${issue.message} at ${issue.pointer || '/'}`, position, excerpt: excerpt(text, position) };
    }
    duplicates.push({ pointer: issue.pointer, name: issue.name!, first: lineAndColumn(text, issue.firstOffset!), again: position });
  }
  return { ok: true, value, positions: scanner.positions, duplicates };
}

/** The position of `pointer`, or of its nearest ancestor that exists in the file (a missing property is reported where its object starts). */
export function locate(positions: Map<string, Position>, pointer: string): Position | undefined {
  let current = pointer;
  for (;;) {
    const found = positions.get(current);
    if (found || current === '') return found;
    current = current.slice(0, current.lastIndexOf('/'));
  }
}

class ScanError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly kind: 'syntax' | 'refused' = 'syntax',
  ) {
    super(message);
  }
}

class Scanner {
  readonly positions = new Map<string, Position>();
  private offset = 0;
  private line = 1;
  private lineStart = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.whitespace();
    this.value('', 0);
    this.whitespace();
    if (this.offset < this.text.length) this.fail(`unexpected ${this.describe()} after the end of the JSON document`);
  }

  /** `depth`: how many objects and arrays enclose the value; bounded, so the recursion is. */
  private value(pointer: string, depth: number): void {
    if (this.offset >= this.text.length) this.fail('unexpected end of file: expected a value');
    this.positions.set(pointer, { line: this.line, column: this.offset - this.lineStart + 1 });
    const char = this.text[this.offset]!;
    if ((char === '{' || char === '[') && depth >= MAX_JSON_DEPTH) {
      throw new ScanError(`nested deeper than ${MAX_JSON_DEPTH} levels (objects and arrays) at ${pointer || '/'}`, this.offset, 'refused');
    }
    if (char === '{') return this.object(pointer, depth + 1);
    if (char === '[') return this.array(pointer, depth + 1);
    if (char === '"') return this.string();
    if (char === '-' || (char >= '0' && char <= '9')) return this.number();
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.offset)) {
        this.offset += literal.length;
        return;
      }
    }
    if (char === "'") this.fail('strings need double quotes (") in JSON, not single quotes');
    this.fail(`unexpected ${this.describe()}: expected a value (object, array, string, number, true, false or null)`);
  }

  private object(pointer: string, depth: number): void {
    this.offset++; // {
    this.whitespace();
    if (this.peek() === '}') {
      this.offset++;
      return;
    }
    for (;;) {
      if (this.peek() !== '"') {
        if (this.peek() === '}') this.fail('trailing comma before "}": JSON allows none');
        this.fail(`unexpected ${this.describe()}: expected a property name in double quotes`);
      }
      const start = this.offset;
      this.string();
      const key = JSON.parse(this.text.slice(start, this.offset)) as string;
      this.whitespace();
      if (this.peek() !== ':') this.fail(`unexpected ${this.describe()}: expected ":" after the property name`);
      this.offset++;
      this.whitespace();
      this.value(`${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, depth);
      this.whitespace();
      const next = this.peek();
      if (next === '}') {
        this.offset++;
        return;
      }
      if (next !== ',') this.fail(`unexpected ${this.describe()}: expected "," or "}" after a property value`);
      this.offset++;
      this.whitespace();
    }
  }

  private array(pointer: string, depth: number): void {
    this.offset++; // [
    this.whitespace();
    if (this.peek() === ']') {
      this.offset++;
      return;
    }
    for (let index = 0; ; index++) {
      if (this.peek() === ']') this.fail('trailing comma before "]": JSON allows none');
      this.value(`${pointer}/${index}`, depth);
      this.whitespace();
      const next = this.peek();
      if (next === ']') {
        this.offset++;
        return;
      }
      if (next !== ',') this.fail(`unexpected ${this.describe()}: expected "," or "]" after an array element`);
      this.offset++;
      this.whitespace();
    }
  }

  private string(): void {
    this.offset++; // "
    for (;;) {
      if (this.offset >= this.text.length) this.fail('unexpected end of file inside a string');
      const char = this.text[this.offset]!;
      if (char === '"') {
        this.offset++;
        return;
      }
      if (char === '\n' || char === '\r') this.fail('line break inside a string: close it with " or write \\n');
      if (char < ' ') this.fail('control character inside a string: escape it');
      if (char === '\\') {
        const escape = this.text[this.offset + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.offset + 2, this.offset + 6))) {
            this.fail('invalid \\u escape: use four hexadecimal digits');
          }
          this.offset += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) this.fail('invalid escape in a string');
        this.offset += 2;
        continue;
      }
      this.offset++;
    }
  }

  private number(): void {
    const match = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(this.text.slice(this.offset, this.offset + 400));
    if (!match) this.fail('invalid number');
    this.offset += match![0].length;
    const next = this.peek();
    if (next !== undefined && /[0-9A-Za-z.]/.test(next)) this.fail('invalid number');
  }

  private whitespace(): void {
    while (this.offset < this.text.length) {
      const char = this.text[this.offset]!;
      if (char === '\n') {
        this.line++;
        this.lineStart = this.offset + 1;
      } else if (char !== ' ' && char !== '\t' && char !== '\r') {
        if (char === '/' && (this.text[this.offset + 1] === '/' || this.text[this.offset + 1] === '*')) {
          this.fail('comments are not allowed in JSON');
        }
        return;
      }
      this.offset++;
    }
  }

  private peek(): string | undefined {
    return this.text[this.offset];
  }

  private describe(): string {
    const char = this.peek();
    return char === undefined ? 'end of file' : `character ${JSON.stringify(char)}`;
  }

  private fail(message: string): never {
    throw new ScanError(message, this.offset);
  }
}

function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

function excerpt(text: string, position: Position): string {
  const full = (text.split('\n')[position.line - 1] ?? '').replace(/\r$/, '').replaceAll('\t', ' ');
  // A minified file is one long line: show the part around the column.
  const from = Math.max(0, position.column - 1 - 60);
  const shown = full.slice(from, position.column - 1 + 40);
  const gutter = `${position.line} | ${from > 0 ? '…' : ''}`;
  const caret = ' '.repeat(displayWidth(gutter) + displayWidth(shown.slice(0, position.column - 1 - from))) + '^';
  return `${gutter}${shown}${from + shown.length < full.length ? '…' : ''}\n${caret}`;
}
