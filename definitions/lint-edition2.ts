/**
 * Lint rules of the format's second edition (`formatVersion: 2`): what it adds (ordered comparisons,
 * filings, merged items, timed and conditional steps, conditional materials, case numbers) and what it
 * changes (`applicantSteps` for the bundle's `steps`, catalogue item codes). Codes, errors unless marked:
 * needs-edition-2, renamed-property (a warning in edition 1), item-code-format, condition-not-ordered,
 * condition-empty-range, condition-type-mismatch (ordered comparisons), filing-without-mode,
 * filing-receipt, filing-check-exceeds-limit, timed-step-last, timed-step-exceeds-limit,
 * case-number-pattern.
 */
import { parseCaseNumberPattern } from './case-number';
import type { LintIssue } from './errors';
import { checkItemCode } from './item-code';
import { definitionConditions, error, warning, type PathSegment, type Rule } from './lint-core';
import { filingOf } from './modes';
import { ORDERED_OPERATORS, type BundleDefinition, type Condition, type Field } from './schema';

const MIGRATION = 'docs/definition-format.md#migration';

/** Whether a parsed definition is of edition 2. */
export function isEdition2(definition: { formatVersion?: number }): boolean {
  return definition.formatVersion === 2;
}

/**
 * `needs-edition-2`: a property of edition 2 in a definition without `formatVersion: 2`. An edition-1
 * definition stays exactly as it was published (same parse, same hash); what is new needs the new edition.
 */
const needsEdition2: Rule = (definition) => {
  if (isEdition2(definition)) return [];
  const uses: PathSegment[][] = [];
  for (const key of ['applicantSteps', 'code', 'caseNumber'] as const) if (definition[key] !== undefined) uses.push([key]);
  definition.items.forEach((item, i) => {
    for (const key of ['mode', 'filing', 'absorbs'] as const) if (item[key] !== undefined) uses.push(['items', i, key]);
    item.steps.forEach((step, k) => {
      for (const key of ['duration', 'condition'] as const) if (step[key] !== undefined) uses.push(['items', i, 'steps', k, key]);
    });
  });
  definition.materials.forEach((material, i) => {
    if (material.condition !== undefined) uses.push(['materials', i, 'condition']);
  });
  for (const { condition, base } of definitionConditions(definition)) uses.push(...orderedOperators(condition, base));
  return uses.map((path) =>
    error(
      'needs-edition-2',
      path,
      `"${String(path[path.length - 1])}" is part of the definition format's second edition, and this definition has no formatVersion`,
      `Add "formatVersion": 2 and migrate the rest of the definition (${MIGRATION}); publish it as a new version, since its hash changes.`,
    ),
  );
};

/** Paths of the ordered comparisons in a condition. */
function orderedOperators(condition: Condition, base: PathSegment[]): PathSegment[][] {
  if ('all' in condition) return condition.all.flatMap((c, i) => orderedOperators(c, [...base, 'all', i]));
  if ('any' in condition) return condition.any.flatMap((c, i) => orderedOperators(c, [...base, 'any', i]));
  if ('not' in condition) return orderedOperators(condition.not, [...base, 'not']);
  const operator = ORDERED_OPERATORS.find((op) => op in condition);
  return operator ? [[...base, operator]] : [];
}

/**
 * `renamed-property`: edition 2 calls the bundle's count of applicant steps `applicantSteps` (the items'
 * `steps` are their lists of steps). In edition 2 `steps` at the root is an error; an edition-1
 * definition that writes it gets a warning saying what to rename (`renamedInEdition1`, which reads the
 * definition as written, since the parse fills in edition 1's default).
 */
const renamedProperties: Rule = (definition) =>
  isEdition2(definition) && definition.steps !== undefined
    ? [
        error(
          'renamed-property',
          ['steps'],
          'edition 2 names the bundle\'s count of applicant steps "applicantSteps"; "steps" is the list of steps of an item',
          `Rename "steps" to "applicantSteps" (${MIGRATION}).`,
        ),
      ]
    : [];

/** The edition-1 warning of `renamed-property`, from the definition as written. */
export function renamedInEdition1(input: unknown): LintIssue[] {
  if (typeof input !== 'object' || input === null || (input as { formatVersion?: unknown }).formatVersion !== undefined) return [];
  if ((input as { steps?: unknown }).steps === undefined) return [];
  return [
    warning(
      'renamed-property',
      ['steps'],
      'this edition-1 definition names its count of applicant steps "steps", which edition 2 renames "applicantSteps"',
      `It loads unchanged. To move to edition 2: add "formatVersion": 2, rename "steps" to "applicantSteps", give items their catalogue codes, and publish a new version (${MIGRATION}).`,
    ),
  ];
}

/** `item-code-format` (edition 2): item codes, and the codes of merged catalogue items, in a national catalogue format. */
const itemCodeFormats: Rule = (definition) => {
  if (!isEdition2(definition)) return [];
  const codes: Array<{ code: string; path: PathSegment[] }> = definition.items.flatMap((item, i) => [
    { code: item.code, path: ['items', i, 'code'] },
    ...(item.absorbs ?? []).map((absorbed, k) => ({ code: absorbed.code, path: ['items', i, 'absorbs', k, 'code'] })),
  ]);
  return codes.flatMap(({ code, path }) => {
    const check = checkItemCode(code);
    return check.ok
      ? []
      : [
          error(
            'item-code-format',
            path,
            `item code "${code}" is not in a catalogue format: ${check.problem}`,
            'Copy the item\'s 基本编码 (e.g. "00013112700Y"), 业务办理项编码 (e.g. "00013112700403") or 实施编码 from the provincial catalogue (事项目录 / 实施清单).',
          ),
        ];
  });
};

/**
 * Ordered comparisons (`lt`, `lte`, `gt`, `gte`, `between`): `condition-not-ordered` on a field whose
 * values have no order (text, booleans, options), `condition-type-mismatch` for a bound of another type
 * than the field's (a number for number and integer fields, a date for date fields), and
 * `condition-empty-range` for a `between` whose low end is above its high end.
 */
const orderedConditions: Rule = (definition, context) =>
  definitionConditions(definition).flatMap(({ condition, base }) =>
    orderedLeaves(condition, base).flatMap(({ field: id, operator, bounds, path }) => {
      const index = context.fields.get(id);
      if (index === undefined) return []; // unknown-field says so
      const field = definition.fields[index]!;
      const type = orderedType(field);
      if (!type) {
        return [
          error(
            'condition-not-ordered',
            [...path, operator],
            `field "${id}" is of type ${field.type}, whose values have no order, so "${operator}" cannot compare it`,
            'Compare numbers (types integer and number) and dates with lt, lte, gt, gte and between; other fields with equals, notEquals, in or isSet.',
          ),
        ];
      }
      const wrong = bounds.flatMap((bound, k) =>
        (type === 'number') === (typeof bound === 'number')
          ? []
          : [
              error(
                'condition-type-mismatch',
                operator === 'between' ? [...path, operator, k] : [...path, operator],
                `field "${id}" is ${type === 'number' ? 'a number' : 'a date'}, so ${JSON.stringify(bound)} never compares with it`,
                type === 'number' ? 'Compare with a number (without quotes).' : 'Compare with a date written "YYYY-MM-DD".',
              ),
            ],
      );
      if (wrong.length > 0) return wrong;
      if (operator === 'between' && bounds[0]! > bounds[1]!) {
        return [
          error(
            'condition-empty-range',
            [...path, operator],
            `between ${JSON.stringify(bounds[0])} and ${JSON.stringify(bounds[1])} holds for no value: the low end is above the high end`,
            'Write [low, high], both ends included.',
          ),
        ];
      }
      return [];
    }),
  );

function orderedType(field: Field): 'number' | 'date' | undefined {
  if (field.type === 'integer' || field.type === 'number') return 'number';
  if (field.type === 'date') return 'date';
  return undefined;
}

function orderedLeaves(
  condition: Condition,
  path: PathSegment[],
): Array<{ field: string; operator: (typeof ORDERED_OPERATORS)[number]; bounds: Array<number | string>; path: PathSegment[] }> {
  if ('all' in condition) return condition.all.flatMap((c, i) => orderedLeaves(c, [...path, 'all', i]));
  if ('any' in condition) return condition.any.flatMap((c, i) => orderedLeaves(c, [...path, 'any', i]));
  if ('not' in condition) return orderedLeaves(condition.not, [...path, 'not']);
  if ('between' in condition) return [{ field: condition.field, operator: 'between', bounds: [...condition.between], path }];
  for (const operator of ['lt', 'lte', 'gt', 'gte'] as const) {
    if (operator in condition) return [{ field: condition.field, operator, bounds: [(condition as Record<string, number | string>)[operator]!], path }];
  }
  return [];
}

/** `filing-without-mode`: how to file an item says nothing unless the item is a filing. */
const filingsWithoutMode: Rule = (definition) =>
  definition.items.flatMap((item, i) =>
    item.filing && item.mode !== 'filing'
      ? [
          error(
            'filing-without-mode',
            ['items', i, 'filing'],
            `item "${item.id}" says how it is filed, but its mode is ${item.mode ? `"${item.mode}"` : 'not given (an approval)'}`,
            'Set "mode": "filing" (with filing.when if only some applicants file), or remove filing.',
          ),
        ]
      : [],
  );

/**
 * `filing-receipt`: a filing issues a receipt of kind "filing" (备案回执): its `filing.receipt`, or — for an
 * item that is always a filing — its result. An item that is a filing only by condition keeps its result
 * for the approval, so it needs its own receipt.
 */
const filingReceipts: Rule = (definition) =>
  definition.items.flatMap((item, i) => {
    const filing = filingOf(item);
    if (filing === 'never') return [];
    if (item.filing?.receipt) {
      return item.filing.receipt.kind === 'filing'
        ? []
        : [receiptIssue(['items', i, 'filing', 'receipt', 'kind'], `the filing receipt of item "${item.id}" is of kind "${item.filing.receipt.kind}"`, 'Set its kind to "filing".')];
    }
    if (filing === 'by-condition') {
      return [
        receiptIssue(
          ['items', i, 'filing'],
          `item "${item.id}" is a filing only by condition, and its result is what the approval issues, so the filing needs its own receipt`,
          'Add filing.receipt: { "kind": "filing", "title": … } (e.g. 备案回执).',
        ),
      ];
    }
    return item.result.kind === 'filing'
      ? []
      : [receiptIssue(['items', i, 'result', 'kind'], `item "${item.id}" is always a filing, but its result is of kind "${item.result.kind}"`, 'Set the result\'s kind to "filing" (a filing receipt, 备案回执): a filing decides nothing.')];
  });

function receiptIssue(path: PathSegment[], message: string, hint: string): LintIssue {
  return error('filing-receipt', path, message, hint);
}

/** `filing-check-exceeds-limit`: the check period of a filing fits in the item's promised limit. */
const filingChecksExceedingLimits: Rule = (definition) =>
  definition.items.flatMap((item, i) => {
    const days = item.filing?.checkDays;
    return item.mode === 'filing' && days !== undefined && days > item.promisedDays
      ? [
          error(
            'filing-check-exceeds-limit',
            ['items', i, 'filing', 'checkDays'],
            `the check period of item "${item.id}" (${days} working days) is longer than its promised limit (${item.promisedDays})`,
            `Check within ${item.promisedDays} working days, or promise more.`,
          ),
        ]
      : [];
  });

/** `timed-step-last`: a timed step ends by itself, but the item's last step decides, so someone must work it. */
const timedStepsLast: Rule = (definition) =>
  definition.items.flatMap((item, i) => {
    const last = item.steps.length - 1;
    const step = item.steps[last]!;
    return step.duration && filingOf(item) !== 'always'
      ? [
          error(
            'timed-step-last',
            ['items', i, 'steps', last, 'duration'],
            `step "${step.id}" is the last step of item "${item.id}", but a timed step decides nothing`,
            'Add the step that decides after it (e.g. 决定), or remove the duration.',
          ),
        ]
      : [];
  });

/** `timed-step-exceeds-limit`: a timed step that counts toward the limit, in working days, fits in the promised limit. */
const timedStepsExceedingLimits: Rule = (definition) =>
  definition.items.flatMap((item, i) =>
    item.steps.flatMap((step, k) =>
      step.duration && step.countsTowardLimit && step.duration.unit === 'working-days' && step.duration.days > item.promisedDays
        ? [
            error(
              'timed-step-exceeds-limit',
              ['items', i, 'steps', k, 'duration', 'days'],
              `step "${step.id}" takes ${step.duration.days} working days, longer than the promised limit of item "${item.id}" (${item.promisedDays}), and counts toward it`,
              'If the law leaves the period out of the limit, set countsTowardLimit to false (the clock stops meanwhile); otherwise promise more.',
            ),
          ]
        : [],
    ),
  );

/** `case-number-pattern`: a case number pattern makes unique, readable numbers. */
const caseNumberPatterns: Rule = (definition: BundleDefinition) => {
  const pattern = definition.caseNumber?.pattern;
  if (pattern === undefined) return [];
  const parsed = parseCaseNumberPattern(pattern);
  return parsed.ok ? [] : [error('case-number-pattern', ['caseNumber', 'pattern'], `case number pattern "${pattern}" is unusable: ${parsed.problem}`, parsed.hint)];
};

/** The edition-2 rules, in reporting order (after edition 1's). */
export const EDITION_2_RULES: readonly Rule[] = [
  needsEdition2,
  renamedProperties,
  itemCodeFormats,
  orderedConditions,
  filingsWithoutMode,
  filingReceipts,
  filingChecksExceedingLimits,
  timedStepsLast,
  timedStepsExceedingLimits,
  caseNumberPatterns,
];
