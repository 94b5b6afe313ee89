/**
 * The rules of the definition format's second edition: one test per rule with its path and code, and
 * what edition 2 changes in edition 1's rules (merged items, timed steps, conditions of steps, materials
 * and filings, the critical path of filings).
 */
import { describe, expect, it } from 'vitest';
import { hashDefinition, parseAndCompile } from '../../../definitions/compile';
import { lint } from '../../../definitions/lint';
import { BundleDefinition, type BundleDefinitionInput } from '../../../definitions/schema';
import { edition2Definition, validDefinition } from './fixtures';

const text = (en: string) => ({ zh: en, en });

function issuesOf(change: (definition: BundleDefinitionInput) => void, definition = edition2Definition()) {
  change(definition);
  return lint(definition).issues;
}

/** The only issue after `change` (fails when there is not exactly one). */
function onlyIssue(change: (definition: BundleDefinitionInput) => void, definition = edition2Definition()) {
  const issues = issuesOf(change, definition);
  expect(issues, JSON.stringify(issues)).toHaveLength(1);
  return issues[0]!;
}

/** Fields of every type the comparisons care about, added to the fixture's form and used by item a. */
function withFields(d: BundleDefinitionInput): void {
  d.fields!.push(
    { id: 'staff', label: text('staff'), type: 'integer' },
    { id: 'founded', label: text('founded'), type: 'date' },
    { id: 'kind', label: text('kind'), type: 'enum', options: [{ value: 'x', label: text('x') }] },
  );
  d.items[0]!.optionalFields = ['staff', 'founded', 'kind'];
}

describe('lint, edition 2', () => {
  it('accepts the edition-2 fixture without any issue', () => {
    expect(lint(edition2Definition()).issues).toEqual([]);
  });

  it('reports needs-edition-2 at each edition-2 property of a definition without formatVersion', () => {
    const issues = issuesOf((d) => {
      withFields(d);
      d.items[0]!.mode = 'filing';
      d.items[0]!.result.kind = 'filing';
      d.items[1]!.steps![0]!.duration = { days: 1, unit: 'working-days' };
      d.items[1]!.steps!.push({ id: 'decide', title: text('decide'), kind: 'decide' });
      d.materials![0]!.condition = { field: 'staff', gte: 1 };
      d.items[2]!.condition = { all: [{ field: 'sellsTobacco', equals: true }, { field: 'founded', lt: '2020-01-01' }] };
    }, validDefinition());
    expect(issues.filter((i) => i.code === 'needs-edition-2').map((i) => i.path)).toEqual([
      '/items/0/mode',
      '/items/1/steps/0/duration',
      '/materials/0/condition',
      '/items/2/condition/all/1/lt',
      '/materials/0/condition/gte',
    ]);
    expect(issues.every((i) => i.code === 'needs-edition-2' && i.severity === 'error')).toBe(true);
    expect(issues[0]!.hint).toContain('"formatVersion": 2');
  });

  it('reports renamed-property as an error at /steps when edition 2 names the applicant steps "steps"', () => {
    const issue = onlyIssue((d) => Object.assign(d, { steps: 2 }));
    expect(issue).toMatchObject({ path: '/steps', code: 'renamed-property', severity: 'error' });
    expect(issue.hint).toMatch(/Rename "steps" to "applicantSteps"/);
  });

  it('reports renamed-property as a warning, with the migration, when an edition-1 definition writes "steps"', () => {
    const result = lint(Object.assign(validDefinition(), { steps: 2 }));
    expect(result.ok).toBe(true);
    expect(result.issues).toMatchObject([{ path: '/steps', code: 'renamed-property', severity: 'warning' }]);
    expect(result.issues[0]!.hint).toMatch(/loads unchanged.*"formatVersion": 2.*applicantSteps/);
  });

  it('reports item-code-format at an item code that is in no catalogue format', () => {
    const issue = onlyIssue((d) => (d.items[1]!.code = 'WJ-CSYXZM'));
    expect(issue).toMatchObject({ path: '/items/1/code', code: 'item-code-format' });
    expect(issue.message).toMatch(/基本编码.*业务办理项编码.*实施编码/);
  });

  it('reports item-code-format naming the check character when a 实施编码 has a wrong credit code', () => {
    const issue = onlyIssue((d) => (d.items[2]!.code = '11100000000013127E000131127004'));
    expect(issue).toMatchObject({ path: '/items/2/code', code: 'item-code-format' });
    expect(issue.message).toContain('its check character is "D"');
  });

  it('reports item-code-format at a merged item\'s code', () => {
    const issue = onlyIssue((d) => {
      d.items[0]!.absorbs = [{ code: 'QS-1', title: text('quality'), department: 'dept-b', statutoryDays: 5 }];
    });
    expect(issue).toMatchObject({ path: '/items/0/absorbs/0/code', code: 'item-code-format' });
  });

  it('reports condition-not-ordered when a field without order is compared with lt', () => {
    const issue = onlyIssue((d) => (d.items[2]!.condition = { field: 'sellsTobacco', lt: 1 }));
    expect(issue).toMatchObject({ path: '/items/2/condition/lt', code: 'condition-not-ordered' });
  });

  it('reports condition-type-mismatch when a number field is compared with a date, at the bound of between', () => {
    const issue = onlyIssue((d) => {
      withFields(d);
      d.items[2]!.condition = { field: 'staff', between: [1, '2020-01-01'] };
    });
    expect(issue).toMatchObject({ path: '/items/2/condition/between/1', code: 'condition-type-mismatch' });
  });

  it('reports condition-type-mismatch when a date field is compared with a number', () => {
    const issue = onlyIssue((d) => {
      withFields(d);
      d.items[2]!.condition = { not: { field: 'founded', gte: 2020 } };
    });
    expect(issue).toMatchObject({ path: '/items/2/condition/not/gte', code: 'condition-type-mismatch' });
  });

  it('reports condition-empty-range when between runs from high to low', () => {
    const issue = onlyIssue((d) => {
      withFields(d);
      d.fields![2]!.condition = { field: 'founded', between: ['2024-12-31', '2024-01-01'] };
    });
    expect(issue).toMatchObject({ path: '/fields/2/condition/between', code: 'condition-empty-range' });
  });

  it('checks the fields named by the conditions of steps, materials and filings', () => {
    const issues = issuesOf((d) => {
      d.items[0]!.steps![0]!.condition = { field: 'nowhere', isSet: true };
      d.materials![1]!.condition = { field: 'elsewhere', equals: 1 };
      d.items[1]!.mode = 'filing';
      d.items[1]!.filing = { when: { field: 'nothing', equals: true }, receipt: { kind: 'filing', title: text('receipt') } };
    });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['unknown-field', '/items/0/steps/0/condition/field'],
      ['unknown-field', '/items/1/filing/when/field'],
      ['unknown-field', '/materials/1/condition/field'],
    ]);
  });

  it('counts a field read only by a step, material or filing condition as used', () => {
    const issues = issuesOf((d) => {
      withFields(d);
      d.items[0]!.optionalFields = [];
      d.items[0]!.steps![0]!.condition = { field: 'staff', gt: 10 };
      d.materials![1]!.condition = { field: 'founded', lte: '2020-01-01' };
      d.items[1]!.mode = 'filing';
      d.items[1]!.filing = { when: { field: 'kind', equals: 'x' }, receipt: { kind: 'filing', title: text('receipt') } };
    });
    expect(issues).toEqual([]);
  });

  it('reports filing-without-mode when an item says how it is filed but is an approval', () => {
    const issue = onlyIssue((d) => (d.items[0]!.filing = { checkDays: 0 }));
    expect(issue).toMatchObject({ path: '/items/0/filing', code: 'filing-without-mode' });
  });

  it('reports filing-receipt at the result of an item that is always a filing but issues a permit', () => {
    const issue = onlyIssue((d) => (d.items[0]!.mode = 'filing'));
    expect(issue).toMatchObject({ path: '/items/0/result/kind', code: 'filing-receipt' });
  });

  it('reports filing-receipt at the filing of an item that files by condition without its own receipt', () => {
    const issue = onlyIssue((d) => {
      d.items[0]!.mode = 'filing';
      d.items[0]!.filing = { when: { field: 'sellsTobacco', equals: false } };
    });
    expect(issue).toMatchObject({ path: '/items/0/filing', code: 'filing-receipt' });
  });

  it('reports filing-receipt at a receipt that is not of kind filing', () => {
    const issue = onlyIssue((d) => {
      d.items[0]!.mode = 'filing';
      d.items[0]!.filing = { when: { field: 'sellsTobacco', equals: false }, receipt: { kind: 'notice', title: text('notice') } };
    });
    expect(issue).toMatchObject({ path: '/items/0/filing/receipt/kind', code: 'filing-receipt' });
  });

  it('reports filing-check-exceeds-limit when the check period is longer than the promised limit', () => {
    const issue = onlyIssue((d) => {
      d.promisedDays = 4;
      d.items[1]!.mode = 'filing';
      d.items[1]!.result.kind = 'filing';
      d.items[1]!.filing = { checkDays: 3 };
    });
    expect(issue).toMatchObject({ path: '/items/1/filing/checkDays', code: 'filing-check-exceeds-limit' });
  });

  it('puts a filing for every applicant on the critical path with its check period, not its promised limit', () => {
    const definition = edition2Definition();
    definition.promisedDays = 1;
    definition.items[1]!.mode = 'filing';
    definition.items[1]!.result.kind = 'filing';
    // a (1) → b (a filing at once, 0) and a → c (1): 2 working days, not a → b on its promised 2.
    const issue = onlyIssue(() => undefined, definition);
    expect(issue).toMatchObject({ path: '/promisedDays', code: 'bundle-promise-below-critical-path' });
    expect(issue.message).toContain('takes 2');
    definition.promisedDays = 2;
    expect(parseAndCompile(definition).criticalPath).toEqual({ items: ['a', 'c'], days: 2 });
  });

  it('reports timed-step-last when a timed step is the last step of an item that is decided', () => {
    const issue = onlyIssue((d) => (d.items[0]!.steps![0]!.duration = { days: 1, unit: 'working-days' }));
    expect(issue).toMatchObject({ path: '/items/0/steps/0/duration', code: 'timed-step-last' });
  });

  it('reports timed-step-exceeds-limit when a counted timed step is longer than the promised limit', () => {
    const issue = onlyIssue((d) => {
      d.items[0]!.steps!.unshift({ id: 'notice', title: text('notice'), kind: 'public-notice', duration: { days: 5, unit: 'working-days' } });
    });
    expect(issue).toMatchObject({ path: '/items/0/steps/0/duration/days', code: 'timed-step-exceeds-limit' });
  });

  it('lets a timed step leave the limit (a public notice period the law leaves out), but not an untimed one', () => {
    const notice = { id: 'notice', title: text('notice'), kind: 'public-notice' as const, countsTowardLimit: false };
    expect(issuesOf((d) => d.items[0]!.steps!.unshift({ ...notice, duration: { days: 20, unit: 'calendar-days' } }))).toEqual([]);
    const issue = onlyIssue((d) => d.items[0]!.steps!.unshift(notice));
    expect(issue).toMatchObject({ path: '/items/0/steps/0/countsTowardLimit', code: 'uncounted-step-kind' });
  });

  it('reports case-number-pattern when a pattern has no sequence', () => {
    const issue = onlyIssue((d) => (d.caseNumber = { pattern: '{code}-{date}' }));
    expect(issue).toMatchObject({ path: '/caseNumber/pattern', code: 'case-number-pattern' });
    expect(issue.message).toMatch(/no \{seq\}/);
  });

  it('reports case-number-pattern when a pattern leaves out the bundle code or writes lower case', () => {
    expect(onlyIssue((d) => (d.caseNumber = { pattern: '{date}-{seq}' })).message).toMatch(/no \{code\}/);
    expect(onlyIssue((d) => (d.caseNumber = { pattern: '{code}-no{seq}' })).message).toMatch(/"-no" is not a token/);
  });

  it('checks the departments, materials and codes of merged items', () => {
    const issues = issuesOf((d) => {
      d.items[0]!.absorbs = [
        { code: '00013112700403', title: text('absorbed'), department: 'nowhere', statutoryDays: 5, materials: ['lease', 'deed'] },
      ];
    });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['duplicate-code', '/items/1/code'],
      ['unknown-department', '/items/0/absorbs/0/department'],
      ['unknown-material', '/items/0/absorbs/0/materials/1'],
    ]);
    expect(issues[0]!.message).toContain('already used by /items/0/absorbs/0');
  });

  it('counts a department used only by a merged item as used', () => {
    const definition = edition2Definition();
    definition.departments.push({ id: 'quality', name: text('quality station') });
    definition.items[1]!.absorbs = [{ code: '000131127005', title: text('quality supervision'), department: 'quality', statutoryDays: 10, steps: 3, trips: 2 }];
    expect(lint(definition).issues).toEqual([]);
  });
});

describe('lint, condition shapes', () => {
  it('reports two operators at the second, with the way to combine them', () => {
    const issue = onlyIssue((d) => (d.items[2]!.condition = { field: 'sellsTobacco', equals: true, isSet: true } as never));
    expect(issue).toMatchObject({ path: '/items/2/condition/isSet', code: 'schema/invalid_condition' });
    expect(issue.hint).toMatch(/^Combine two comparisons with "all" or "any"/);
  });

  it('reports "and" nested in a list, with the key to use', () => {
    const issue = onlyIssue((d) => {
      d.items[2]!.condition = { any: [{ field: 'sellsTobacco', equals: true }, { and: [] }] } as never;
    });
    expect(issue).toMatchObject({ path: '/items/2/condition/any/1/and', code: 'schema/unrecognized_keys' });
    expect(issue.hint).toMatch(/^Write "all"\./);
  });

  it('reports an operand of the wrong shape at its operator', () => {
    const issue = onlyIssue((d) => (d.fields![2]!.condition = { field: 'sellsTobacco', between: [1] } as never));
    expect(issue).toMatchObject({ path: '/fields/2/condition/between', code: 'schema/invalid_condition' });
    expect(issue.message).toMatch(/^"between" takes \[low, high\]/);
  });

  it('reports a combinator with another key beside it, in a filing condition', () => {
    const issues = issuesOf((d) => {
      d.items[0]!.mode = 'filing';
      d.items[0]!.filing = { when: { not: { field: 'sellsTobacco', isSet: true }, field: 'x' } as never, receipt: { kind: 'filing', title: text('r') } };
    });
    expect(issues).toMatchObject([{ path: '/items/0/filing/when/field', code: 'schema/invalid_condition' }]);
  });
});

describe('edition 2: parse and hash', () => {
  it('fills in applicantSteps (edition 2) or steps (edition 1) when absent, so spellings that parse alike hash alike', () => {
    const implicit = BundleDefinition.parse(edition2Definition());
    expect(implicit.applicantSteps).toBe(1);
    expect(implicit.steps).toBeUndefined();
    const explicit = BundleDefinition.parse({ ...edition2Definition(), applicantSteps: 1 });
    expect(hashDefinition(explicit)).toBe(hashDefinition(implicit));
    const edition1 = BundleDefinition.parse(validDefinition());
    expect(edition1.steps).toBe(1);
    expect(edition1.applicantSteps).toBeUndefined();
  });

  it('compiles applicantSteps into the plan\'s count of applicant steps', () => {
    expect(parseAndCompile({ ...edition2Definition(), applicantSteps: 2 }).steps).toBe(2);
  });
});
