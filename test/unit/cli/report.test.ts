import { describe, expect, it } from 'vitest';
import type { LintIssue } from '../../../definitions/errors';
import { parseAndCompile } from '../../../definitions/compile';
import { reductions } from '../../../domain/reductions';
import { countIssues, formatIssues, formatReductions } from '../../../cli/report';
import { item, validDefinition } from '../definitions/fixtures';

const warning: LintIssue = { path: '/departments/2', code: 'unused-department', message: 'unused', hint: 'Remove it.', severity: 'warning' };
const error: LintIssue = { path: '', code: 'schema/invalid_type', message: 'expected an object', severity: 'error' };

describe('formatIssues', () => {
  it('lists errors before warnings whatever their order, the root as "/", and places found in the file', () => {
    const positions = new Map([['', { line: 1, column: 1 }], ['/departments', { line: 4, column: 18 }]]);
    expect(formatIssues('b.json', [warning, error], positions)).toBe(
      [
        'errors 错误 (1)',
        '  /  schema/invalid_type  expected an object',
        '      at b.json:1:1',
        '',
        'warnings 警告 (1)',
        '  /departments/2  unused-department  unused',
        '      at b.json:4:18',
        '      hint: Remove it.',
        '',
        '',
      ].join('\n'),
    );
  });

  it('prints nothing when there is no issue', () => {
    expect(formatIssues('b.json', [], new Map())).toBe('');
    expect(countIssues([])).toBe('no issues');
    expect(countIssues([error, warning, warning])).toBe('1 error, 2 warnings');
  });
});

describe('formatReductions', () => {
  it('shows an increase with "+" and no percentage change when nothing was there before', () => {
    const definition = validDefinition();
    definition.items = [item('a', { trips: 0, materials: ['id-card', 'lease'] })];
    definition.trips = 1;
    definition.fields = [];
    definition.sections = [];
    const plan = parseAndCompile(definition);
    const text = formatReductions(plan, reductions(plan));
    expect(text).toMatch(/减跑动 trips +0 {2}→ +1 {2}\+1 \(0\.0%\)/);
    expect(text).toMatch(/减环节 steps +1 {2}→ +1 {2}0 \(0\.0%\)/);
    expect(text).not.toContain('conditional items');
  });
});
