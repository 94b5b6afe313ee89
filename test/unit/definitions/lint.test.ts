import { describe, expect, it } from 'vitest';
import { lint, pointer, SEMANTIC_RULES } from '../../../definitions/lint';
import type { BundleDefinitionInput } from '../../../definitions/schema';
import { item, layeredDefinition, validDefinition } from './fixtures';

/** The definition (by default the valid fixture) changed by `change`, linted. */
function lintWith(change: (definition: BundleDefinitionInput) => void, definition = validDefinition()) {
  change(definition);
  return lint(definition);
}

/** The only issue of a lint result (fails when there is not exactly one). */
function onlyIssue(change: (definition: BundleDefinitionInput) => void, definition = validDefinition()) {
  const { issues } = lintWith(change, definition);
  expect(issues).toHaveLength(1);
  return issues[0]!;
}

const text = (en: string) => ({ zh: en, en });

describe('lint', () => {
  it('accepts the fixture without any issue', () => {
    const result = lint(validDefinition());
    expect(result.issues).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.definition?.items[0]?.trips).toBe(1); // defaults applied
  });

  it('reports every issue at once when a definition has several different errors', () => {
    const result = lintWith((d) => {
      d.items[2]!.department = 'nowhere';
      d.items[1]!.statutoryDays = 1;
      d.items[2]!.dependsOn = ['c'];
    });
    expect(result.ok).toBe(false);
    expect(result.definition).toBeUndefined();
    expect(result.issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['unknown-department', '/items/2/department'],
      ['self-dependency', '/items/2/dependsOn/0'],
      ['promised-exceeds-statutory', '/items/1/promisedDays'],
    ]);
  });

  it('gives every semantic issue a message and a hint', () => {
    const result = lintWith((d) => {
      d.items.push(item('a', { department: 'x', dependsOn: ['a', 'zz'], promisedDays: 9, materials: ['nope'] }));
      d.fields!.push({ id: 'colour', label: text('colour'), type: 'enum', pattern: '(' });
      d.items[0]!.timeout = { policy: 'escalate', to: 'dept-a', days: 1 };
    });
    expect(result.issues.length).toBeGreaterThan(5);
    for (const issue of result.issues) {
      expect(issue.message.length).toBeGreaterThan(10);
      expect(issue.hint?.length).toBeGreaterThan(10);
    }
  });

  it('has one named function per rule', () => {
    const names = SEMANTIC_RULES.map((rule) => rule.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((name) => name.length > 0)).toBe(true);
  });
});

describe('lint: structure', () => {
  it('reports a JSON pointer and a schema/ code when a value has the wrong type or range', () => {
    const result = lintWith((d) => {
      d.items[1]!.promisedDays = -1;
      (d as Record<string, unknown>).version = 'one';
    });
    expect(result.ok).toBe(false);
    expect(result.issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['/version', 'schema/invalid_type'],
      ['/items/1/promisedDays', 'schema/too_small'],
    ]);
  });

  it('says to add a property when a required one is missing', () => {
    const issue = onlyIssue((d) => delete (d as Partial<BundleDefinitionInput>).title);
    expect(issue).toMatchObject({ path: '/title', code: 'schema/invalid_type', severity: 'error' });
    expect(issue.hint).toMatch(/^Add/);
  });

  it('points at each unknown property when an object has extra keys', () => {
    const { issues } = lintWith((d) => Object.assign(d.items[0]!, { colour: 'red', 'a/b': 1 }));
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['/items/0/colour', 'schema/unrecognized_keys'],
      ['/items/0/a~1b', 'schema/unrecognized_keys'],
    ]);
  });

  it('reports the closest branch when a condition almost matches one shape', () => {
    const issue = onlyIssue((d) => {
      d.items[2]!.condition = { field: 'sellsTobacco', equals: true, extra: 1 } as never;
    });
    expect(issue).toMatchObject({ path: '/items/2/condition/extra', code: 'schema/unrecognized_keys' });
  });

  it('reports the key that is wrong, with the shapes allowed there, when a condition matches no shape', () => {
    const issue = onlyIssue((d) => {
      d.items[2]!.condition = { field: 'sellsTobacco', equal: true } as never;
    });
    expect(issue).toMatchObject({ path: '/items/2/condition/equal', code: 'schema/unrecognized_keys', message: 'unknown key "equal" in a condition' });
    expect(issue.hint).toMatch(/^Write "equals"\. A condition is one of: /);
    expect(issue.hint).toContain('"between": [low, high]');
  });

  it('lists the allowed values when a discriminator is unknown', () => {
    const issue = onlyIssue((d) => {
      d.items[0]!.timeout = { policy: 'later' } as never;
    });
    expect(issue).toMatchObject({ path: '/items/0/timeout/policy', code: 'schema/invalid_union' });
    expect(issue.hint).toContain('"escalate"');
  });

  it('uses the schema message as the hint when an id is badly formed', () => {
    const issue = onlyIssue((d) => {
      d.items[2]!.id = 'Food_Permit';
    });
    expect(issue).toMatchObject({ path: '/items/2/id', code: 'schema/invalid_format' });
    expect(issue.hint).toContain('lower-case');
  });

  it('runs no semantic rule when the structure is invalid', () => {
    const { issues } = lintWith((d) => {
      d.items[0]!.dependsOn = ['b'];
      d.items[1]!.promisedDays = -1;
    });
    expect(issues.map((issue) => issue.code)).toEqual(['schema/too_small']);
  });

  it('escapes ~ and / in JSON pointers', () => {
    expect(pointer(['a/b', 'c~d', 0])).toBe('/a~1b/c~0d/0');
    expect(pointer([])).toBe('');
  });
});

describe('lint: duplicates', () => {
  it.each([
    ['items', '/items/3/id', (d: BundleDefinitionInput) => d.items.push(item('a', { code: 'other', dependsOn: ['a'] }))],
    ['departments', '/departments/3/id', (d: BundleDefinitionInput) => d.departments.push({ id: 'dept-a', name: text('again') })],
    [
      'fields',
      '/fields/3/id',
      (d: BundleDefinitionInput) => d.fields!.push({ id: 'applicantName', label: text('again'), type: 'string' }),
    ],
    [
      'materials',
      '/materials/2/id',
      (d: BundleDefinitionInput) => d.materials!.push({ id: 'lease', name: text('again'), source: { kind: 'applicant' } }),
    ],
    ['sections', '/sections/1/id', (d: BundleDefinitionInput) => d.sections!.push({ id: 'main', title: text('again') })],
    [
      'steps',
      '/items/0/steps/1/id',
      (d: BundleDefinitionInput) => d.items[0]!.steps.push({ id: 'accept', title: text('again') }),
    ],
  ])('reports duplicate-id at the second occurrence when two %s share an id', (_, path, change) => {
    const { issues } = lintWith(change);
    expect(issues[0]).toMatchObject({ path, code: 'duplicate-id', severity: 'error' });
  });

  it('reports duplicate-code at the second item when two items share a code', () => {
    const issue = onlyIssue((d) => (d.items[2]!.code = 'code-a'));
    expect(issue).toMatchObject({ path: '/items/2/code', code: 'duplicate-code' });
  });

  it('reports duplicate-reference when an item lists an id twice', () => {
    const issue = onlyIssue((d) => (d.items[1]!.dependsOn = ['a', 'a']));
    expect(issue).toMatchObject({ path: '/items/1/dependsOn/1', code: 'duplicate-reference' });
  });

  it('reports required-and-optional-field when a field is in both lists of an item', () => {
    const issue = onlyIssue((d) => (d.items[0]!.optionalFields = ['applicantName']));
    expect(issue).toMatchObject({ path: '/items/0/optionalFields/0', code: 'required-and-optional-field' });
  });
});

describe('lint: references', () => {
  it.each([
    ['an item', '/items/1/department', (d: BundleDefinitionInput) => (d.items[1]!.department = 'nowhere')],
    ['the window', '/window/department', (d: BundleDefinitionInput) => (d.window.department = 'nowhere')],
    [
      'an escalation',
      '/items/1/timeout/to',
      (d: BundleDefinitionInput) => (d.items[1]!.timeout = { policy: 'escalate', to: 'nowhere', days: 2 }),
    ],
  ])('reports unknown-department when %s names an undeclared department', (_, path, change) => {
    const { issues } = lintWith(change);
    expect(issues.find((issue) => issue.code === 'unknown-department')).toMatchObject({ path, severity: 'error' });
  });

  it.each([
    ['fields', '/items/0/fields/1', (d: BundleDefinitionInput) => d.items[0]!.fields!.push('nickname')],
    ['optionalFields', '/items/0/optionalFields/0', (d: BundleDefinitionInput) => (d.items[0]!.optionalFields = ['nickname'])],
    [
      'a nested item condition',
      '/items/2/condition/all/1/not/field',
      (d: BundleDefinitionInput) =>
        (d.items[2]!.condition = { all: [{ field: 'sellsTobacco', equals: true }, { not: { field: 'nickname', isSet: true } }] }),
    ],
    [
      'a field condition',
      '/fields/2/condition/any/0/field',
      (d: BundleDefinitionInput) =>
        (d.fields![2]!.condition = { any: [{ field: 'nickname', isSet: true }, { field: 'sellsTobacco', equals: true }] }),
    ],
  ])('reports unknown-field at the exact path when %s names an undeclared field', (_, path, change) => {
    const issue = onlyIssue(change);
    expect(issue).toMatchObject({ path, code: 'unknown-field' });
  });

  it('reports unknown-material when an item uses an undeclared material', () => {
    const issue = onlyIssue((d) => d.items[1]!.materials!.push('passport'));
    expect(issue).toMatchObject({ path: '/items/1/materials/1', code: 'unknown-material' });
  });

  it('reports unknown-item when an item depends on an item not in the bundle', () => {
    const issue = onlyIssue((d) => d.items[2]!.dependsOn!.push('zz'));
    expect(issue).toMatchObject({ path: '/items/2/dependsOn/1', code: 'unknown-item' });
  });

  it('reports unknown-section when a field names an undeclared section', () => {
    const issue = onlyIssue((d) => (d.fields![1]!.section = 'elsewhere'));
    expect(issue).toMatchObject({ path: '/fields/1/section', code: 'unknown-section' });
  });
});

describe('lint: dependencies', () => {
  it('reports self-dependency when an item depends on itself', () => {
    const issue = onlyIssue((d) => d.items[1]!.dependsOn!.push('b'));
    expect(issue).toMatchObject({ path: '/items/1/dependsOn/1', code: 'self-dependency' });
  });

  it('reports dependency-cycle at the closing entry, naming the cycle, when items wait for each other', () => {
    const issue = onlyIssue((d) => {
      d.items[0]!.dependsOn = ['c'];
      d.items[2]!.dependsOn = ['b'];
    });
    expect(issue).toMatchObject({ path: '/items/1/dependsOn/0', code: 'dependency-cycle' });
    expect(issue.message).toContain('a → c → b → a');
  });

  it('reports each distinct cycle once when there are several', () => {
    const { issues } = lintWith((d) => {
      d.items[0]!.dependsOn = ['b', 'c'];
      d.items[1]!.dependsOn = ['a', 'a'];
      d.items[3] = item('d', { dependsOn: ['a'] });
    });
    const cycles = issues.filter((issue) => issue.code === 'dependency-cycle');
    expect(cycles.map((issue) => [issue.path, issue.message.split(' (')[0]])).toEqual([
      ['/items/1/dependsOn/0', 'dependency cycle: a → b → a'],
      ['/items/2/dependsOn/0', 'dependency cycle: a → c → a'],
    ]);
  });

  it('reports bundle-promise-below-critical-path with the path and its days when the bundle promises too little', () => {
    const issue = onlyIssue((d) => (d.promisedDays = 2));
    expect(issue).toMatchObject({ path: '/promisedDays', code: 'bundle-promise-below-critical-path' });
    expect(issue.message).toContain('a (1) → b (2) takes 3');
    expect(issue.hint).toContain('at least 3');
  });

  it('shortens the named path when a long critical path exceeds the promise', () => {
    const definition = layeredDefinition(40, 1, 1);
    definition.promisedDays = 39;
    const issue = onlyIssue(() => undefined, definition);
    expect(issue.message).toContain('n-0-0 (1) → n-1-0 (1) → n-2-0 (1) → n-3-0 (1) → n-4-0 (1) → … 30 more … → n-35-0 (1)');
    expect(issue.message).toMatch(/n-39-0 \(1\) takes 40$/);
  });

  it('counts conditional items in the critical path when checking the bundle promise', () => {
    const issue = onlyIssue((d) => (d.items[2]!.promisedDays = 4));
    expect(issue.message).toContain('a (1) → c (4) takes 5');
  });
});

describe('lint: limits and timeouts', () => {
  it('reports promised-exceeds-statutory when an item promises more than the law allows', () => {
    const issue = onlyIssue((d) => (d.items[0]!.statutoryDays = 0));
    expect(issue).toMatchObject({ path: '/items/0/promisedDays', code: 'promised-exceeds-statutory' });
  });

  it('reports non-defaultable-default when a non-defaultable item would be approved on timeout', () => {
    const issue = onlyIssue((d) => (d.items[1]!.defaultable = false));
    expect(issue).toMatchObject({ path: '/items/1/timeout/policy', code: 'non-defaultable-default' });
  });

  it('accepts a non-defaultable item when it escalates or waits', () => {
    const { issues } = lintWith((d) => {
      d.items[1] = { ...d.items[1]!, defaultable: false, timeout: { policy: 'escalate', to: 'dept-a', days: 1 } };
      d.items[2] = { ...d.items[2]!, defaultable: false, timeout: { policy: 'none' } };
    });
    expect(issues).toEqual([]);
  });

  it('reports escalate-to-self when an item escalates to its own department', () => {
    const issue = onlyIssue((d) => (d.items[1]!.timeout = { policy: 'escalate', to: 'dept-b', days: 1 }));
    expect(issue).toMatchObject({ path: '/items/1/timeout/to', code: 'escalate-to-self' });
  });

  it('warns instant-with-limit when an instant item promises more than one day', () => {
    const result = lintWith((d) => Object.assign(d.items[1]!, { kind: 'instant' }));
    expect(result.ok).toBe(true);
    expect(result.issues).toEqual([expect.objectContaining({ path: '/items/1/promisedDays', code: 'instant-with-limit', severity: 'warning' })]);
  });

  it('reports uncounted-step-kind when a step that art. 45 does not exempt is declared not to count, and accepts the exempt kinds', () => {
    const result = lintWith((d) => {
      d.items[1]!.steps.push(
        { id: 'own-accept', title: text('accept'), kind: 'accept', countsTowardLimit: false },
        { id: 'hearing', title: text('hearing'), kind: 'hearing', countsTowardLimit: false },
        { id: 'panel', title: text('panel'), kind: 'expert-review', countsTowardLimit: false },
      );
    });
    expect(result.issues).toEqual([
      expect.objectContaining({ path: '/items/1/steps/1/countsTowardLimit', code: 'uncounted-step-kind', severity: 'error' }),
    ]);
    expect(result.issues[0]!.hint).toContain('hearing, inspection, testing, appraisal, expert-review');
  });
});

describe('lint: unused declarations', () => {
  it('reports unused-material as an error when no item uses a material', () => {
    const issue = onlyIssue((d) => d.materials!.push({ id: 'photo', name: text('photo'), source: { kind: 'applicant' } }));
    expect(issue).toMatchObject({ path: '/materials/2', code: 'unused-material', severity: 'error' });
  });

  it('warns unused-field, and stays ok, when no item uses a field', () => {
    const result = lintWith((d) => d.fields!.push({ id: 'nickname', label: text('nickname'), type: 'string' }));
    expect(result.ok).toBe(true);
    expect(result.issues).toEqual([expect.objectContaining({ path: '/fields/3', code: 'unused-field', severity: 'warning' })]);
  });

  it('counts a field as used when only the condition of a used field reads it', () => {
    const { issues } = lintWith((d) => {
      d.fields!.push({ id: 'hasBranch', label: text('has a branch'), type: 'boolean' });
      d.fields!.push({ id: 'branchAddress', label: text('branch'), type: 'string', condition: { field: 'hasBranch', equals: true } });
      d.items[0]!.optionalFields = ['branchAddress'];
    });
    expect(issues).toEqual([]);
  });

  it('warns unused-field for both fields when only an unused field reads the other', () => {
    const { issues } = lintWith((d) => {
      d.fields!.push({ id: 'hasBranch', label: text('has a branch'), type: 'boolean' });
      d.fields!.push({ id: 'branchAddress', label: text('branch'), type: 'string', condition: { field: 'hasBranch', equals: true } });
    });
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['/fields/3', 'unused-field'],
      ['/fields/4', 'unused-field'],
    ]);
  });

  it('warns unused-department, and stays ok, when a department has no item, window or escalation', () => {
    const result = lintWith((d) => d.departments.push({ id: 'idle', name: text('idle') }));
    expect(result.ok).toBe(true);
    expect(result.issues).toEqual([
      expect.objectContaining({ path: '/departments/3', code: 'unused-department', severity: 'warning' }),
    ]);
  });
});

describe('lint: fields', () => {
  it('reports enum-without-options when an enum field has no options', () => {
    const issue = onlyIssue((d) => (d.fields![0]!.type = 'enum'));
    expect(issue).toMatchObject({ path: '/fields/0/type', code: 'enum-without-options' });
  });

  it('reports options-without-enum when a non-enum field has options', () => {
    const issue = onlyIssue((d) => (d.fields![0]!.options = [{ value: 'x', label: text('x') }]));
    expect(issue).toMatchObject({ path: '/fields/0/options', code: 'options-without-enum' });
  });

  it('reports invalid-pattern when a pattern is not a valid regular expression', () => {
    const issue = onlyIssue((d) => (d.fields![0]!.pattern = '^[a-z+$'));
    expect(issue).toMatchObject({ path: '/fields/0/pattern', code: 'invalid-pattern' });
  });

  it('accepts a pattern that is valid in unicode mode', () => {
    const { issues } = lintWith((d) => (d.fields![0]!.pattern = '^\\p{Script=Han}{2,20}$'));
    expect(issues).toEqual([]);
  });

  it.each([
    ['minimum', { minimum: 10, maximum: 1 }],
    ['minLength', { minLength: 10, maxLength: 1 }],
  ])('reports invalid-range at %s when the lower bound is above the upper one', (bound, change) => {
    const issue = onlyIssue((d) => Object.assign(d.fields![2]!, change));
    expect(issue).toMatchObject({ path: `/fields/2/${bound}`, code: 'invalid-range' });
  });

  it('reports condition-type-mismatch when a condition compares a boolean field with a string', () => {
    const issue = onlyIssue((d) => (d.items[2]!.condition = { field: 'sellsTobacco', equals: 'true' }));
    expect(issue).toMatchObject({ path: '/items/2/condition/equals', code: 'condition-type-mismatch' });
  });

  it('reports condition-type-mismatch at the entry when a condition lists a value that is not an enum option', () => {
    const issue = onlyIssue((d) => {
      d.fields![0] = { ...d.fields![0]!, type: 'enum', options: [{ value: 'x', label: text('x') }] };
      d.fields![2]!.condition = { field: 'applicantName', in: ['x', 'y'] };
    });
    expect(issue).toMatchObject({ path: '/fields/2/condition/in/1', code: 'condition-type-mismatch' });
  });
});

describe('lint: materials', () => {
  it('reports commitment-days-without-tolerable when a non-tolerable material has a commitment deadline', () => {
    const issue = onlyIssue((d) => (d.materials![1]!.tolerable = false));
    expect(issue).toMatchObject({ path: '/materials/1/commitmentDays', code: 'commitment-days-without-tolerable' });
  });

  it('reports commitment-exceeds-limit, naming the tightest item, when a commitment outlasts an item using it', () => {
    const issue = onlyIssue((d) => {
      d.materials![1]!.commitmentDays = 2;
      d.items[1]!.materials!.push('lease');
    });
    expect(issue).toMatchObject({ path: '/materials/1/commitmentDays', code: 'commitment-exceeds-limit' });
    expect(issue.message).toContain('item "a" (1)');
  });
});

describe('lint: commitments (容缺受理 + 告知承诺)', () => {
  // In the fixture, material 1 ("lease") is tolerable with 1 commitment day and used by item a (promised 1 day).

  it('reports tolerable-without-commitment-days at tolerable when a tolerable material has no commitment deadline', () => {
    const issue = onlyIssue((d) => delete d.materials![1]!.commitmentDays);
    expect(issue).toMatchObject({ path: '/materials/1/tolerable', code: 'tolerable-without-commitment-days', severity: 'error' });
    expect(issue.hint).toContain('commitmentDays');
  });

  it('reports unknown-item at the grants entry when a material grants an item not in the bundle', () => {
    const issue = onlyIssue((d) => (d.materials![1]!.grants = ['a', 'zz']));
    expect(issue).toMatchObject({ path: '/materials/1/grants/1', code: 'unknown-item' });
  });

  it('reports grant-without-use at the grants entry when a material grants an item that does not use it', () => {
    const issue = onlyIssue((d) => (d.materials![1]!.grants = ['a', 'b']));
    expect(issue).toMatchObject({ path: '/materials/1/grants/1', code: 'grant-without-use', severity: 'error' });
    expect(issue.message).toContain('item "b"');
  });

  it('reports grants-without-tolerable when a material that is not tolerable names granted items', () => {
    const issue = onlyIssue((d) => (d.materials![0]!.grants = ['a']));
    expect(issue).toMatchObject({ path: '/materials/0/grants', code: 'grants-without-tolerable' });
  });

  it('reports duplicate-reference when a material grants the same item twice', () => {
    const issue = onlyIssue((d) => (d.materials![1]!.grants = ['a', 'a']));
    expect(issue).toMatchObject({ path: '/materials/1/grants/1', code: 'duplicate-reference' });
  });

  it('reports a schema error when grants is empty (leave it out to grant every item using the material)', () => {
    const issue = onlyIssue((d) => (d.materials![1]!.grants = []));
    expect(issue).toMatchObject({ path: '/materials/1/grants', code: 'schema/too_small' });
  });

  it('reports a schema error when commitments is neither allowed nor forbidden', () => {
    const issue = onlyIssue((d) => (d.items[0]!.commitments = 'sometimes' as never));
    expect(issue).toMatchObject({ path: '/items/0/commitments', code: 'schema/invalid_value' });
  });

  it('reports commitment-exceeds-limit at the material when a commitment deadline is longer than the item limit', () => {
    const issue = onlyIssue((d) => {
      d.materials![1]!.commitmentDays = 3;
      d.items[1]!.materials!.push('lease');
      d.materials![1]!.grants = ['b'];
    });
    expect(issue).toMatchObject({ path: '/materials/1/commitmentDays', code: 'commitment-exceeds-limit', severity: 'error' });
    expect(issue.message).toContain('item "b" (2)');
    expect(issue.hint).toContain('at most 2 working days');
  });

  it('accepts a commitment deadline longer than the limit of an item that uses the material but is not granted on it', () => {
    const { issues } = lintWith((d) => {
      d.materials![1]!.commitmentDays = 2; // item a (1 day) uses the lease, but only b (2 days) is granted on it
      d.items[1]!.materials!.push('lease');
      d.materials![1]!.grants = ['b'];
    });
    expect(issues).toEqual([]);
  });

  it("reports tolerable-material-on-no-commitment-item at the item's material entry when a tolerable material is on a no-commitment item", () => {
    const issue = onlyIssue((d) => (d.items[0]!.commitments = 'forbidden'));
    expect(issue).toMatchObject({ path: '/items/0/materials/1', code: 'tolerable-material-on-no-commitment-item', severity: 'error' });
    expect(issue.message).toContain('"lease"');
    expect(issue.hint).toContain('tolerable to false');
  });

  it('reports tolerable-material-on-no-commitment-item when a no-commitment item uses a tolerable material it is not granted', () => {
    const issue = onlyIssue((d) => {
      d.items[1]!.materials!.push('lease');
      d.items[1]!.commitments = 'forbidden';
      d.materials![1]!.grants = ['a'];
    });
    expect(issue).toMatchObject({ path: '/items/1/materials/1', code: 'tolerable-material-on-no-commitment-item' });
  });

  it('reports tolerable-material-on-no-commitment-item at the grant when a tolerable material grants a no-commitment item that does not use it', () => {
    const { issues } = lintWith((d) => {
      d.items[1]!.commitments = 'forbidden';
      d.materials![1]!.grants = ['a', 'b'];
    });
    expect(issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['grant-without-use', '/materials/1/grants/1'],
      ['tolerable-material-on-no-commitment-item', '/materials/1/grants/1'],
    ]);
  });

  it('reports tolerable-material-on-no-commitment-item once per tolerable material when the bundle forbids commitments', () => {
    const issue = onlyIssue((d) => {
      d.commitments = 'forbidden';
      d.items[0]!.commitments = 'forbidden'; // not reported again at the item
    });
    expect(issue).toMatchObject({ path: '/materials/1/tolerable', code: 'tolerable-material-on-no-commitment-item' });
    expect(issue.message).toContain('bundle "test-bundle"');
  });

  it('accepts commitments forbidden on items without tolerable materials, and allowed explicitly', () => {
    const result = lintWith((d) => {
      d.items[1]!.commitments = 'forbidden';
      d.items[2]!.commitments = 'forbidden';
      d.items[0]!.commitments = 'allowed';
    });
    expect(result.issues).toEqual([]);
  });

  it('accepts a bundle that forbids commitments when no material is tolerable', () => {
    const result = lintWith((d) => {
      d.commitments = 'forbidden';
      d.materials![1]!.tolerable = false;
      delete d.materials![1]!.commitmentDays;
    });
    expect(result.issues).toEqual([]);
  });

  it('adds no commitments or grants to a definition that does not write them (published hashes stay the same)', () => {
    const { definition } = lint(validDefinition());
    expect(definition).not.toHaveProperty('commitments');
    for (const item of definition!.items) expect(item).not.toHaveProperty('commitments');
    for (const material of definition!.materials) expect(material).not.toHaveProperty('grants');
  });
});
