/**
 * Lint for bundle definitions: structure (the zod schema) first, then every semantic rule, so a policy
 * designer sees all problems of a definition in one run, each at an exact JSON pointer with a hint.
 *
 * Codes are stable (tests, editors and the API match on them). Structural problems are
 * `schema/<zod issue code>`. Semantic codes, errors unless marked, each documented on its rule below:
 * duplicate-id, duplicate-code, duplicate-reference, required-and-optional-field, unknown-department,
 * unknown-field, unknown-material, unknown-item, unknown-section, self-dependency, dependency-cycle,
 * promised-exceeds-statutory, bundle-promise-below-critical-path, non-defaultable-default, escalate-to-self,
 * unused-material, unused-field (warning), unused-department (warning), enum-without-options,
 * options-without-enum, invalid-range, invalid-pattern, condition-type-mismatch, instant-with-limit (warning),
 * commitment-days-without-tolerable, tolerable-without-commitment-days, grants-without-tolerable,
 * grant-without-use, commitment-exceeds-limit, tolerable-material-on-no-commitment-item, uncounted-step-kind,
 * definition-too-large (at "", before the schema's issues); and those of the second edition, in
 * `lint-edition2.ts`. A condition that matches no shape is reported at the key that is wrong
 * (`schema/unrecognized_keys`, `schema/invalid_condition`; `condition-shape.ts`).
 */
import type { z } from 'zod';
import { conditionFields } from './condition';
import { conditionShapeIssues, isConditionPath } from './condition-shape';
import type { LintIssue } from './errors';
import { criticalPath, levelize } from './graph';
import { definitionSizeIssues } from './limits';
import {
  conditionReferences,
  createContext,
  error,
  list,
  pointer,
  warning,
  type LintContext,
  type PathSegment,
  type Rule,
} from './lint-core';
import { EDITION_2_RULES, renamedInEdition1 } from './lint-edition2';
import { planDays } from './modes';
import { CLOCK_PAUSING_STEP_KINDS, mayPauseClock } from './special-steps';
import { BundleDefinition, type Field, type Item, type Material } from './schema';

export { pointer } from './lint-core';

/** The outcome of `lint`: `ok` is true when no issue is an error, and then `definition` is set. */
export interface LintResult {
  ok: boolean;
  /** The parsed definition (defaults applied); present exactly when `ok`. */
  definition?: BundleDefinition;
  issues: LintIssue[];
}

/**
 * Lints a definition as written (e.g. parsed JSON). Structural errors stop there (the semantic rules need
 * a well-formed definition); otherwise every semantic rule runs and all issues are returned together,
 * in rule order. Warnings do not make `ok` false.
 */
export function lint(input: unknown): LintResult {
  // Counts and lengths are the schema's; the total size no schema keyword measures (limits.ts).
  const tooLarge = definitionSizeIssues(input);
  const parsed = BundleDefinition.safeParse(input, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: [...tooLarge, ...schemaIssues(parsed.error)] };
  const issues = [...tooLarge, ...lintDefinition(parsed.data), ...renamedInEdition1(input)];
  const ok = !issues.some((issue) => issue.severity === 'error');
  return ok ? { ok, definition: parsed.data, issues } : { ok, issues };
}

/** Every semantic issue of a structurally valid (parsed) definition. */
export function lintDefinition(definition: BundleDefinition): LintIssue[] {
  const context = createContext(definition);
  return SEMANTIC_RULES.flatMap((rule) => rule(definition, context));
}

// ---------------------------------------------------------------------------------------------------
// Structural issues (zod)
// ---------------------------------------------------------------------------------------------------

type ZodIssue = z.core.$ZodIssue;

const SCHEMA_HINT = 'See bundle.schema.json; start the file with "$schema": "../bundle.schema.json" so the editor checks it as you type.';

/** zod issues as lint issues with JSON pointers, one issue per unknown property. */
function schemaIssues(error: z.ZodError): LintIssue[] {
  return error.issues.flatMap((issue) => fromZodIssue(issue, []));
}

function fromZodIssue(issue: ZodIssue, base: PathSegment[]): LintIssue[] {
  const path = [...base, ...issue.path];
  // A condition: said at the key that is wrong, with the shapes allowed there (zod reports a union
  // failure, or the extra keys of the one shape that nearly fits).
  if ((issue.code === 'invalid_union' || issue.code === 'unrecognized_keys') && isConditionPath(path)) {
    const shape = conditionShapeIssues(issue.input, path);
    if (shape.length > 0) return shape;
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) =>
        schemaIssue(issue.code, [...path, key], `unknown property "${key}"`, 'Remove it or correct its spelling. ' + SCHEMA_HINT),
      );
    case 'invalid_union':
      return unionIssues(issue, path);
    default:
      return [schemaIssue(issue.code, path, issue.message, schemaHint(issue))];
  }
}

/**
 * A value that matches no branch of a union. When one branch comes clearly closest (fewest issues), its
 * issues are more useful than "invalid input" (e.g. a condition with a misspelt key).
 */
function unionIssues(issue: Extract<ZodIssue, { code: 'invalid_union' }>, path: PathSegment[]): LintIssue[] {
  const counts = issue.errors.map((branch) => branch.length);
  const fewest = Math.min(...counts);
  const closest = counts.filter((count) => count === fewest).length === 1 ? issue.errors[counts.indexOf(fewest)] : undefined;
  if (closest) return closest.flatMap((branchIssue) => fromZodIssue(branchIssue, path));
  const message = issue.errors.length === 0 ? issue.message : 'matches none of the allowed shapes';
  const hint =
    'options' in issue && Array.isArray(issue.options)
      ? `Use one of: ${issue.options.map((option) => JSON.stringify(option)).join(', ')}.`
      : SCHEMA_HINT;
  return [schemaIssue(issue.code, path, message, hint)];
}

function schemaHint(issue: ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `Add this required property (${issue.expected}).`
        : `Give a value of type ${issue.expected}.`;
    case 'too_small':
      return issue.origin === 'array'
        ? `Give at least ${issue.minimum} entr${issue.minimum === 1 ? 'y' : 'ies'}.`
        : `Use a value of at least ${issue.minimum}${issue.origin === 'string' ? ' characters' : ''}.`;
    case 'too_big':
      return issue.origin === 'array'
        ? `Give at most ${issue.maximum} entries.`
        : `Use a value of at most ${issue.maximum}${issue.origin === 'string' ? ' characters' : ''}.`;
    case 'invalid_value':
      return `Use one of: ${issue.values.map((value) => JSON.stringify(value)).join(', ')}.`;
    case 'invalid_format':
      // The schema's own message for ids already says what to write.
      return issue.message.startsWith('Invalid') ? SCHEMA_HINT : capitalize(issue.message) + '.';
    default:
      return SCHEMA_HINT;
  }
}

function schemaIssue(code: string, path: PathSegment[], message: string, hint: string): LintIssue {
  return { path: pointer(path), code: `schema/${code}`, message, hint, severity: 'error' };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---------------------------------------------------------------------------------------------------
// Semantic rules
// ---------------------------------------------------------------------------------------------------

const COLLECTIONS = ['items', 'departments', 'fields', 'materials', 'sections'] as const;
const SINGULAR = { items: 'item', departments: 'department', fields: 'field', materials: 'material', sections: 'section' };

/** `duplicate-id`: ids are keys (URLs, workflow IDs, form properties), so each must be unique in its list. */
const duplicateIds: Rule = (definition) => {
  const issues = COLLECTIONS.flatMap((collection) => {
    const entries: ReadonlyArray<{ id: string }> = definition[collection];
    return duplicates(entries, (entry) => entry.id).map(([first, second]) =>
      error(
        'duplicate-id',
        [collection, second, 'id'],
        `${SINGULAR[collection]} id "${entries[second]!.id}" is already used by /${collection}/${first}`,
        `Give each ${SINGULAR[collection]} its own id, or merge the two entries.`,
      ),
    );
  });
  definition.items.forEach((item, i) => {
    for (const [first, second] of duplicates(item.steps, (step) => step.id)) {
      issues.push(
        error(
          'duplicate-id',
          ['items', i, 'steps', second, 'id'],
          `step id "${item.steps[second]!.id}" is already used by /items/${i}/steps/${first}`,
          'Give each step of an item its own id.',
        ),
      );
    }
  });
  return issues;
};

/**
 * `duplicate-code`: an item code (事项编码) identifies one catalogue item; two items cannot share it, nor
 * an item and a catalogue item merged into another (合并办理), nor two merged items.
 */
const duplicateCodes: Rule = (definition) => {
  const codes = definition.items.flatMap((item, i) => [
    { code: item.code, path: ['items', i, 'code'] as PathSegment[] },
    ...(item.absorbs ?? []).map((absorbed, k) => ({ code: absorbed.code, path: ['items', i, 'absorbs', k, 'code'] as PathSegment[] })),
  ]);
  return duplicates(codes, (entry) => entry.code).map(([first, second]) =>
    error(
      'duplicate-code',
      codes[second]!.path,
      `item code "${codes[second]!.code}" is already used by ${pointer(codes[first]!.path.slice(0, -1))}`,
      'Use the code of this item in the provincial catalogue (事项编码); each item has its own.',
    ),
  );
};

/**
 * `duplicate-reference`: an id listed twice in one of an item's lists, or in a material's grants, is a slip
 * (and would count twice).
 */
const duplicateReferences: Rule = (definition) => [
  ...definition.items.flatMap((item, i) =>
    (['fields', 'optionalFields', 'materials', 'dependsOn'] as const).flatMap((list) =>
      duplicates(item[list], (id) => id).map(([first, second]) =>
        error(
          'duplicate-reference',
          ['items', i, list, second],
          `"${item[list][second]}" is already listed at /items/${i}/${list}/${first}`,
          'Remove the repeated entry.',
        ),
      ),
    ),
  ),
  ...definition.materials.flatMap((material, i) =>
    duplicates(material.grants ?? [], (id) => id).map(([first, second]) =>
      error(
        'duplicate-reference',
        ['materials', i, 'grants', second],
        `"${material.grants![second]}" is already listed at /materials/${i}/grants/${first}`,
        'Remove the repeated entry.',
      ),
    ),
  ),
];

/** `required-and-optional-field`: a field is either required by an item or optional for it, not both. */
const requiredAndOptionalFields: Rule = (definition) =>
  definition.items.flatMap((item, i) =>
    item.optionalFields.flatMap((id, k) =>
      item.fields.includes(id)
        ? [
            error(
              'required-and-optional-field',
              ['items', i, 'optionalFields', k],
              `field "${id}" is listed in both fields and optionalFields of item "${item.id}"`,
              'Keep it in fields if the item needs it, in optionalFields if it only uses it when given.',
            ),
          ]
        : [],
    ),
  );

/** `unknown-department`: every department named by an item, the window or an escalation must be declared. */
const unknownDepartments: Rule = (definition, context) => {
  const issues: LintIssue[] = [];
  const check = (id: string, path: PathSegment[]) => {
    if (!context.departments.has(id)) {
      issues.push(
        error(
          'unknown-department',
          path,
          `department "${id}" is not declared`,
          `Add a department with id "${id}" to /departments, or use one of: ${list(context.departments)}.`,
        ),
      );
    }
  };
  check(definition.window.department, ['window', 'department']);
  definition.items.forEach((item, i) => {
    check(item.department, ['items', i, 'department']);
    if (item.timeout.policy === 'escalate') check(item.timeout.to, ['items', i, 'timeout', 'to']);
    item.absorbs?.forEach((absorbed, k) => check(absorbed.department, ['items', i, 'absorbs', k, 'department']));
  });
  return issues;
};

/** `unknown-field`: fields named by items and by conditions (of items and of fields) must be declared. */
const unknownFields: Rule = (definition, context) => {
  const issues: LintIssue[] = [];
  const check = (id: string, path: PathSegment[]) => {
    if (!context.fields.has(id)) {
      issues.push(
        error(
          'unknown-field',
          path,
          `field "${id}" is not declared`,
          `Add a field with id "${id}" to /fields, or use one of: ${list(context.fields)}.`,
        ),
      );
    }
  };
  definition.items.forEach((item, i) => {
    item.fields.forEach((id, k) => check(id, ['items', i, 'fields', k]));
    item.optionalFields.forEach((id, k) => check(id, ['items', i, 'optionalFields', k]));
  });
  for (const { field, path } of conditionReferences(definition)) check(field, path);
  return issues;
};

/**
 * `unknown-material`: materials an item uses must be declared (they are handed in once, for all items),
 * and so must those a merged catalogue item asked for before the merge.
 */
const unknownMaterials: Rule = (definition, context) => {
  const check = (id: string, path: PathSegment[]) =>
    context.materials.has(id)
      ? []
      : [error('unknown-material', path, `material "${id}" is not declared`, `Add a material with id "${id}" to /materials, or use one of: ${list(context.materials)}.`)];
  return definition.items.flatMap((item, i) => [
    ...item.materials.flatMap((id, k) => check(id, ['items', i, 'materials', k])),
    ...(item.absorbs ?? []).flatMap((absorbed, k) => (absorbed.materials ?? []).flatMap((id, m) => check(id, ['items', i, 'absorbs', k, 'materials', m]))),
  ]);
};

/** `unknown-item`: a dependency, and an item granted on a material's commitment, must name an item of this bundle. */
const unknownItems: Rule = (definition, context) => {
  const check = (id: string, path: PathSegment[]) =>
    context.items.has(id)
      ? []
      : [error('unknown-item', path, `item "${id}" is not in this bundle`, `Use the id of an item of this bundle: ${list(context.items)}.`)];
  return [
    ...definition.items.flatMap((item, i) => item.dependsOn.flatMap((id, k) => check(id, ['items', i, 'dependsOn', k]))),
    ...definition.materials.flatMap((material, i) =>
      (material.grants ?? []).flatMap((id, k) => check(id, ['materials', i, 'grants', k])),
    ),
  ];
};

/** `unknown-section`: a field's section must be declared. */
const unknownSections: Rule = (definition, context) =>
  definition.fields.flatMap((field, i) =>
    field.section === undefined || context.sections.has(field.section)
      ? []
      : [
          error(
            'unknown-section',
            ['fields', i, 'section'],
            `section "${field.section}" is not declared`,
            `Add a section with id "${field.section}" to /sections, or use one of: ${list(context.sections)}.`,
          ),
        ],
  );

/** `self-dependency`: an item cannot wait for itself. */
const selfDependencies: Rule = (definition) =>
  definition.items.flatMap((item, i) =>
    item.dependsOn.flatMap((id, k) =>
      id === item.id
        ? [
            error(
              'self-dependency',
              ['items', i, 'dependsOn', k],
              `item "${item.id}" depends on itself`,
              'Remove this entry.',
            ),
          ]
        : [],
    ),
  );

/** `dependency-cycle`: items that wait for each other never start; one issue per cycle, at its closing entry. */
const dependencyCycles: Rule = (definition, context) =>
  context.cycles.map((cycle) => {
    const ids = cycle.nodes.map((node) => definition.items[node]!.id);
    const closing = ids[ids.length - 1]!;
    return error(
      'dependency-cycle',
      ['items', cycle.from, 'dependsOn', cycle.position],
      `dependency cycle: ${chain([...ids, ids[0]!])} (each item depends on the next)`,
      `Remove the dependency of "${closing}" on "${ids[0]}", or another link of the cycle, so the items can start.`,
    );
  });

/** `promised-exceeds-statutory`: the promised limit (承诺时限) is a promise to beat the statutory one. */
const promisedExceedsStatutory: Rule = (definition) =>
  definition.items.flatMap((item, i) =>
    item.promisedDays > item.statutoryDays
      ? [
          error(
            'promised-exceeds-statutory',
            ['items', i, 'promisedDays'],
            `item "${item.id}" promises ${item.promisedDays} working days, more than its statutory limit of ${item.statutoryDays}`,
            `Promise at most ${item.statutoryDays} working days, or correct statutoryDays.`,
          ),
        ]
      : [],
  );

/**
 * `bundle-promise-below-critical-path`: the bundle cannot finish sooner than its longest chain of
 * dependent items on their promised limits. Conditional items count: the promise must hold for every
 * applicant. Skipped while there are cycles (there is no longest chain).
 */
const bundlePromiseBelowCriticalPath: Rule = (definition, context) => {
  const layout = context.cycles.length === 0 ? levelize(context.edges) : undefined;
  if (!layout) return [];
  const durations = definition.items.map(planDays);
  const { path, days } = criticalPath(context.edges, layout.order, durations);
  if (definition.promisedDays >= days) return [];
  const named = chain(path.map((node) => `${definition.items[node]!.id} (${durations[node]})`));
  return [
    error(
      'bundle-promise-below-critical-path',
      ['promisedDays'],
      `the bundle promises ${definition.promisedDays} working days, but its critical path ${named} takes ${days}`,
      `Promise at least ${days} working days, shorten the promised limits on this path, or drop a dependency that is not real so the items run in parallel.`,
    ),
  ];
};

/** `non-defaultable-default`: items touching security or secrets may never be approved by default (超时默认). */
const nonDefaultableDefaults: Rule = (definition) =>
  definition.items.flatMap((item, i) =>
    !item.defaultable && item.timeout.policy === 'default-approve'
      ? [
          error(
            'non-defaultable-default',
            ['items', i, 'timeout', 'policy'],
            `item "${item.id}" is not defaultable but would be approved by default on timeout`,
            'Use timeout policy "escalate" (to a supervising department) or "none"; or set defaultable to true if the law allows it.',
          ),
        ]
      : [],
  );

/** `escalate-to-self`: escalating to the department that let the limit pass changes nothing. */
const escalationsToSelf: Rule = (definition) =>
  definition.items.flatMap((item, i) =>
    item.timeout.policy === 'escalate' && item.timeout.to === item.department
      ? [
          error(
            'escalate-to-self',
            ['items', i, 'timeout', 'to'],
            `item "${item.id}" escalates to its own department "${item.department}"`,
            'Escalate to the supervising department, or use timeout policy "none".',
          ),
        ]
      : [],
  );

/** `unused-material`: a material no item uses would still be asked of every applicant (一套材料). */
const unusedMaterials: Rule = (definition) => {
  const used = new Set(definition.items.flatMap((item) => item.materials));
  return definition.materials.flatMap((material, i) =>
    used.has(material.id)
      ? []
      : [
          error(
            'unused-material',
            ['materials', i],
            `material "${material.id}" is not used by any item`,
            'Add it to the materials of the items that need it, or remove it so applicants are not asked for it.',
          ),
        ],
  );
};

/**
 * `unused-field` (warning): a field no item needs. A field counts as used when an item lists it, when a
 * condition of an item (its own, its filing's, its steps') or of a material in use reads it, or when the
 * condition of a used field reads it (it decides whether a used field is asked). A field read only by the
 * condition of an unused field is unused too.
 */
const unusedFields: Rule = (definition, context) => {
  const used = usedFields(definition, context);
  return definition.fields.flatMap((field, i) =>
    used.has(field.id)
      ? []
      : [
          warning(
            'unused-field',
            ['fields', i],
            `field "${field.id}" is not used by any item`,
            'Add it to the fields (or optionalFields) of the items that need it, or remove it from the form.',
          ),
        ],
  );
};

function usedFields(definition: BundleDefinition, context: LintContext): Set<string> {
  const used = new Set<string>();
  const pending: string[] = [];
  const use = (id: string) => {
    if (!used.has(id)) {
      used.add(id);
      pending.push(id);
    }
  };
  const usedMaterials = new Set(definition.items.flatMap((item) => item.materials));
  for (const item of definition.items) {
    [...item.fields, ...item.optionalFields].forEach(use);
    for (const condition of [item.condition, item.filing?.when, ...item.steps.map((step) => step.condition)]) {
      if (condition) conditionFields(condition).forEach(({ field }) => use(field));
    }
  }
  for (const material of definition.materials) {
    if (material.condition && usedMaterials.has(material.id)) conditionFields(material.condition).forEach(({ field }) => use(field));
  }
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    const index = context.fields.get(id);
    const condition = index === undefined ? undefined : definition.fields[index]!.condition;
    if (condition) conditionFields(condition).forEach(({ field }) => use(field));
  }
  return used;
}

/** `unused-department` (warning): a department that decides nothing, staffs no window and takes no escalation. */
const unusedDepartments: Rule = (definition) => {
  const used = new Set([definition.window.department]);
  for (const item of definition.items) {
    used.add(item.department);
    if (item.timeout.policy === 'escalate') used.add(item.timeout.to);
    item.absorbs?.forEach((absorbed) => used.add(absorbed.department));
  }
  return definition.departments.flatMap((department, i) =>
    used.has(department.id)
      ? []
      : [
          warning(
            'unused-department',
            ['departments', i],
            `department "${department.id}" has no item, window or escalation`,
            'Remove it, or name it as the department of the items it decides.',
          ),
        ],
  );
};

/** `enum-without-options` and `options-without-enum`: options and the enum type go together. */
const enumOptions: Rule = (definition) =>
  definition.fields.flatMap((field, i) => {
    if (field.type === 'enum' && !field.options) {
      return [
        error(
          'enum-without-options',
          ['fields', i, 'type'],
          `field "${field.id}" is of type enum but has no options`,
          'Add options (value and label of each allowed answer), or use another type.',
        ),
      ];
    }
    if (field.type !== 'enum' && field.options) {
      return [
        error(
          'options-without-enum',
          ['fields', i, 'options'],
          `field "${field.id}" has options but is of type "${field.type}"`,
          'Set type to "enum" if the answer must be one of the options; otherwise remove the options.',
        ),
      ];
    }
    return [];
  });

/** `invalid-range`: a minimum above the maximum (or minLength above maxLength) admits no value at all. */
const invalidRanges: Rule = (definition) =>
  definition.fields.flatMap((field, i) => {
    const issues: LintIssue[] = [];
    const check = (low: 'minimum' | 'minLength', high: 'maximum' | 'maxLength') => {
      const min = field[low];
      const max = field[high];
      if (min !== undefined && max !== undefined && min > max) {
        issues.push(
          error(
            'invalid-range',
            ['fields', i, low],
            `field "${field.id}" has ${low} ${min} above ${high} ${max}, so no value is valid`,
            `Make ${low} at most ${high}.`,
          ),
        );
      }
    };
    check('minimum', 'maximum');
    check('minLength', 'maxLength');
    return issues;
  });

/**
 * `invalid-pattern`: the pattern must compile as a JavaScript RegExp with the "u" flag, the dialect JSON
 * Schema validators (and the form) use.
 */
const invalidPatterns: Rule = (definition) =>
  definition.fields.flatMap((field, i) => {
    if (field.pattern === undefined) return [];
    try {
      new RegExp(field.pattern, 'u');
      return [];
    } catch (cause) {
      return [
        error(
          'invalid-pattern',
          ['fields', i, 'pattern'],
          `pattern of field "${field.id}" is not a valid regular expression: ${(cause as Error).message}`,
          'Fix the regular expression (JavaScript syntax, unicode mode; in JSON, write a backslash as \\\\).',
        ),
      ];
    }
  });

/**
 * `condition-type-mismatch`: a condition comparing a field with a value of another type (e.g. the string
 * "true" for a boolean field) or with a value outside an enum's options can never hold as intended.
 */
const conditionTypeMismatches: Rule = (definition, context) =>
  conditionReferences(definition).flatMap(({ field: id, path, leaf }) => {
    const index = context.fields.get(id);
    if (index === undefined) return [];
    const field = definition.fields[index]!;
    const valuePath = path.slice(0, -1);
    const compared =
      'equals' in leaf
        ? [{ value: leaf.equals, path: [...valuePath, 'equals'] }]
        : 'notEquals' in leaf
          ? [{ value: leaf.notEquals, path: [...valuePath, 'notEquals'] }]
          : 'in' in leaf
            ? leaf.in.map((value, k) => ({ value, path: [...valuePath, 'in', k] }))
            : [];
    return compared.flatMap(({ value, path: at }) => {
      const problem = mismatch(field, value);
      return problem
        ? [error('condition-type-mismatch', at, `field "${id}" ${problem}, so ${JSON.stringify(value)} never matches`, allowedValues(field))]
        : [];
    });
  });

function mismatch(field: Field, value: string | number | boolean): string | undefined {
  switch (field.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'is a boolean';
    case 'integer':
    case 'number':
      return typeof value === 'number' ? undefined : 'is a number';
    case 'enum':
      return field.options?.some((option) => option.value === value) ? undefined : 'has no such option';
    default:
      return typeof value === 'string' ? undefined : 'is a string';
  }
}

function allowedValues(field: Field): string {
  switch (field.type) {
    case 'boolean':
      return 'Compare with true or false (without quotes).';
    case 'integer':
    case 'number':
      return 'Compare with a number (without quotes).';
    case 'enum':
      return `Compare with one of the options: ${(field.options ?? []).map((option) => JSON.stringify(option.value)).join(', ')}.`;
    default:
      return 'Compare with a string (in quotes).';
  }
}

/** `instant-with-limit` (warning): an instant item (即办件) is decided at the window, within the day. */
const instantWithLimits: Rule = (definition) =>
  definition.items.flatMap((item, i) =>
    item.kind === 'instant' && item.promisedDays > 1
      ? [
          warning(
            'instant-with-limit',
            ['items', i, 'promisedDays'],
            `item "${item.id}" is instant but promises ${item.promisedDays} working days`,
            'Make it a promised item (承诺件), or promise 0 or 1 working day.',
          ),
        ]
      : [],
  );

/**
 * `uncounted-step-kind`: only a hearing, inspection, testing, appraisal or expert review may leave the
 * statutory limit (Administrative Licensing Law art. 45); any other uncounted step would let a
 * department stop its own clock. A timed step (edition 2, e.g. a public notice period the law leaves out
 * of the limit) may: it lasts what the definition says, not what the department decides.
 */
const uncountedStepKinds: Rule = (definition) =>
  definition.items.flatMap((item, i) =>
    item.steps.flatMap((step, k) =>
      !step.countsTowardLimit && !mayPauseClock(step.kind) && !step.duration
        ? [
            error(
              'uncounted-step-kind',
              ['items', i, 'steps', k, 'countsTowardLimit'],
              `step "${step.id}" of item "${item.id}" is a "${step.kind}" step and may not pause the clock`,
              `Remove countsTowardLimit (its time counts), or give the step its real kind if it is one of ${CLOCK_PAUSING_STEP_KINDS.join(', ')} (Administrative Licensing Law art. 45).`,
            ),
          ]
        : [],
    ),
  );

/** `commitment-days-without-tolerable`: a commitment deadline only applies to a material that may be tolerated missing. */
const commitmentDaysWithoutTolerable: Rule = (definition) =>
  definition.materials.flatMap((material, i) =>
    material.commitmentDays !== undefined && !material.tolerable
      ? [
          error(
            'commitment-days-without-tolerable',
            ['materials', i, 'commitmentDays'],
            `material "${material.id}" has a commitment deadline but is not tolerable`,
            'Set tolerable to true if the window may accept the case without it (容缺受理), or remove commitmentDays.',
          ),
        ]
      : [],
  );

/**
 * `tolerable-without-commitment-days`: the window can only accept a case without a tolerable material on a
 * commitment with a deadline (告知承诺), so a tolerable material must say how long the applicant may take.
 */
const tolerableWithoutCommitmentDays: Rule = (definition) =>
  definition.materials.flatMap((material, i) =>
    material.tolerable && material.commitmentDays === undefined
      ? [
          error(
            'tolerable-without-commitment-days',
            ['materials', i, 'tolerable'],
            `material "${material.id}" is tolerable but has no commitment deadline`,
            'Add commitmentDays: the working days the applicant has to supply it (e.g. 3 for a business licence, 7 for a sign filing), at most the promised limit of every item granted on it; or set tolerable to false.',
          ),
        ]
      : [],
  );

/** `grants-without-tolerable`: only a material that may be tolerated missing grants items on a commitment. */
const grantsWithoutTolerable: Rule = (definition) =>
  definition.materials.flatMap((material, i) =>
    material.grants !== undefined && !material.tolerable
      ? [
          error(
            'grants-without-tolerable',
            ['materials', i, 'grants'],
            `material "${material.id}" names items granted on a commitment but is not tolerable`,
            'Set tolerable to true (with commitmentDays) if the window may accept the case without it (容缺受理), or remove grants.',
          ),
        ]
      : [],
  );

/** `grant-without-use`: an item can only be granted on the strength of a material it uses. */
const grantsWithoutUse: Rule = (definition, context) =>
  definition.materials.flatMap((material, i) =>
    (material.grants ?? []).flatMap((id, k) => {
      const index = context.items.get(id);
      if (index === undefined || definition.items[index]!.materials.includes(material.id)) return [];
      return [
        error(
          'grant-without-use',
          ['materials', i, 'grants', k],
          `material "${material.id}" grants item "${id}", which does not use it`,
          `Add "${material.id}" to the materials of item "${id}", or remove "${id}" from grants.`,
        ),
      ];
    }),
  );

/**
 * `commitment-exceeds-limit`: a commitment deadline never runs past the promised limit of an item granted
 * on the strength of the material (its grants, or every item using it); reported once per material,
 * naming the tightest item.
 */
const commitmentExceedsLimits: Rule = (definition, context) =>
  definition.materials.flatMap((material, i) => {
    const days = material.commitmentDays;
    if (days === undefined) return [];
    const tightest = tightestItem(grantedItems(definition, context, material));
    return tightest && days > tightest.promisedDays
      ? [
          error(
            'commitment-exceeds-limit',
            ['materials', i, 'commitmentDays'],
            `commitment deadline of material "${material.id}" (${days} working days) is longer than the promised limit of item "${tightest.id}" (${tightest.promisedDays})`,
            `Allow at most ${tightest.promisedDays} working days, or do not tolerate this material for item "${tightest.id}".`,
          ),
        ]
      : [];
  });

function tightestItem(items: Item[]): Item | undefined {
  return items.reduce<Item | undefined>((best, item) => (!best || item.promisedDays < best.promisedDays ? item : best), undefined);
}

/** The items granted on a material's commitment: those its grants name (if declared), else every item using it. */
function grantedItems(definition: BundleDefinition, context: LintContext, material: Material): Item[] {
  if (!material.grants) return definition.items.filter((item) => item.materials.includes(material.id));
  return material.grants.flatMap((id) => {
    const index = context.items.get(id);
    return index === undefined ? [] : [definition.items[index]!];
  });
}

const NO_COMMITMENT_AREAS = 'public safety, ecology, health and life';

/**
 * `tolerable-material-on-no-commitment-item`: where commitments are forbidden (public safety, ecology,
 * health and life), every material must be handed in before acceptance. Reported at each use (or grant)
 * of a tolerable material by an item that forbids commitments; when the whole bundle forbids them, once
 * per tolerable material instead.
 */
const tolerableMaterialsOnNoCommitmentItems: Rule = (definition, context) => {
  if (definition.commitments === 'forbidden') {
    return definition.materials.flatMap((material, i) =>
      material.tolerable
        ? [
            error(
              'tolerable-material-on-no-commitment-item',
              ['materials', i, 'tolerable'],
              `material "${material.id}" is tolerable, but bundle "${definition.id}" forbids commitments`,
              `Set tolerable to false (and remove commitmentDays) so it is handed in before acceptance; or allow commitments in the bundle and forbid them only on the items in ${NO_COMMITMENT_AREAS}.`,
            ),
          ]
        : [],
    );
  }
  const tolerable = (id: string): Material | undefined => {
    const index = context.materials.get(id);
    const material = index === undefined ? undefined : definition.materials[index];
    return material?.tolerable ? material : undefined;
  };
  const hint = (material: string, item: string) =>
    `Item "${item}" forbids commitments (${NO_COMMITMENT_AREAS}), so it needs "${material}" before acceptance: set tolerable to false on material "${material}", or use a separate, non-tolerable material for this item; or allow commitments on the item if the law permits.`;
  const uses = definition.items.flatMap((item, i) =>
    item.commitments === 'forbidden'
      ? item.materials.flatMap((id, k) =>
          tolerable(id)
            ? [
                error(
                  'tolerable-material-on-no-commitment-item',
                  ['items', i, 'materials', k],
                  `item "${item.id}" forbids commitments but uses tolerable material "${id}"`,
                  hint(id, item.id),
                ),
              ]
            : [],
        )
      : [],
  );
  // A grant to an item that does not use the material (grant-without-use) has no materials entry to point at.
  const grants = definition.materials.flatMap((material, i) =>
    material.tolerable
      ? (material.grants ?? []).flatMap((id, k) => {
          const index = context.items.get(id);
          const item = index === undefined ? undefined : definition.items[index]!;
          return item && item.commitments === 'forbidden' && !item.materials.includes(material.id)
            ? [
                error(
                  'tolerable-material-on-no-commitment-item',
                  ['materials', i, 'grants', k],
                  `tolerable material "${material.id}" grants item "${id}", which forbids commitments`,
                  `Remove "${id}" from grants: item "${id}" forbids commitments (${NO_COMMITMENT_AREAS}) and is never granted on one.`,
                ),
              ]
            : [];
        })
      : [],
  );
  return [...uses, ...grants];
};

/** Every rule, in reporting order. */
export const SEMANTIC_RULES: readonly Rule[] = [
  duplicateIds,
  duplicateCodes,
  duplicateReferences,
  requiredAndOptionalFields,
  unknownDepartments,
  unknownFields,
  unknownMaterials,
  unknownItems,
  unknownSections,
  selfDependencies,
  dependencyCycles,
  promisedExceedsStatutory,
  bundlePromiseBelowCriticalPath,
  nonDefaultableDefaults,
  escalationsToSelf,
  unusedMaterials,
  unusedFields,
  unusedDepartments,
  enumOptions,
  invalidRanges,
  invalidPatterns,
  conditionTypeMismatches,
  instantWithLimits,
  uncountedStepKinds,
  commitmentDaysWithoutTolerable,
  tolerableWithoutCommitmentDays,
  grantsWithoutTolerable,
  grantsWithoutUse,
  commitmentExceedsLimits,
  tolerableMaterialsOnNoCommitmentItems,
  ...EDITION_2_RULES,
];

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

/** Pairs [first index, repeated index] of entries whose key was seen before. */
function duplicates<T>(entries: readonly T[], key: (entry: T) => string): Array<[number, number]> {
  const seen = new Map<string, number>();
  const pairs: Array<[number, number]> = [];
  entries.forEach((entry, i) => {
    const first = seen.get(key(entry));
    if (first === undefined) seen.set(key(entry), i);
    else pairs.push([first, i]);
  });
  return pairs;
}

/** Steps of a chain joined by arrows; a very long chain shows its ends, so the message stays readable. */
function chain(steps: string[]): string {
  if (steps.length <= 12) return steps.join(' → ');
  return [...steps.slice(0, 5), `… ${steps.length - 10} more …`, ...steps.slice(-5)].join(' → ');
}
