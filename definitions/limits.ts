/**
 * Size limits of a bundle definition. Generous for any real bundle (一件事: a handful of items from a
 * few departments, each definition in `bundles/` under 20 KB), but finite: the plan, texts and all,
 * is the input of every case's workflow, so one definition must not make every case's history
 * multi-megabyte. `schema.ts` states each count and length with `.max()` (so the JSON Schema and lint
 * report them with their paths); the total size, which no schema keyword measures, is checked here.
 */
import type { LintIssue } from './errors';

export const LIMITS = {
  /** Characters of a title, name or label, in each language. */
  titleChars: 200,
  /** Characters of a description or help text, in each language. */
  textChars: 2000,
  /** Characters of an item code (事项编码), an option value or a value compared in a condition. */
  valueChars: 200,
  /** Characters of a field's regular expression. */
  patternChars: 1000,
  /** Characters of the `$schema` editor hint. */
  schemaRefChars: 1000,
  /** Characters of a case number pattern (办件编号). */
  caseNumberPatternChars: 100,
  departments: 100,
  sections: 100,
  fields: 1000,
  materials: 500,
  items: 200,
  stepsPerItem: 50,
  optionsPerField: 500,
  mediaTypesPerMaterial: 20,
  /** Values of an `in` condition. */
  conditionValues: 500,
  /** Operands of an `all` or `any` condition. */
  conditionOperands: 100,
  /** Bytes of the definition's JSON without insignificant whitespace, in UTF-8. */
  definitionBytes: 1024 * 1024,
} as const;

/** The size that {@link LIMITS.definitionBytes} bounds: compact JSON in UTF-8; undefined if not JSON. */
export function definitionBytes(input: unknown): number | undefined {
  try {
    const json = JSON.stringify(input);
    return json === undefined ? undefined : Buffer.byteLength(json, 'utf8');
  } catch {
    return undefined; // not JSON (a BigInt, a cycle): the schema reports what is wrong
  }
}

/** `definition-too-large` at the root when the definition is over {@link LIMITS.definitionBytes}. */
export function definitionSizeIssues(input: unknown): LintIssue[] {
  const bytes = definitionBytes(input);
  if (bytes === undefined || bytes <= LIMITS.definitionBytes) return [];
  return [
    {
      path: '',
      code: 'definition-too-large',
      message: `the definition is ${bytes} bytes as compact JSON, over the limit of ${LIMITS.definitionBytes} (1 MiB)`,
      hint: 'Shorten texts or split the bundle: a definition is part of every case it starts.',
      severity: 'error',
    },
  ];
}
