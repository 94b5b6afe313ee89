/**
 * What the CLI prints: lint issues for people editing a definition, and the four reductions (四减) as
 * tables. Pure string building, so it is tested without a process.
 */
import type { LintIssue } from '../definitions/errors';
import type { ExecutionPlan } from '../definitions/plan';
import { reduction, type Reduction, type Reductions } from '../domain/reductions';
import { locate, type Position } from './json-source';
import { table } from './text';

/**
 * Every issue as `path  code  message`, then where it is in the file and the hint; errors first, then
 * warnings, each group under a heading. Empty when there are no issues.
 */
export function formatIssues(file: string, issues: readonly LintIssue[], positions: Map<string, Position>): string {
  const groups = [
    { title: 'errors 错误', issues: issues.filter((issue) => issue.severity === 'error') },
    { title: 'warnings 警告', issues: issues.filter((issue) => issue.severity === 'warning') },
  ];
  const lines: string[] = [];
  for (const group of groups) {
    if (group.issues.length === 0) continue;
    lines.push(`${group.title} (${group.issues.length})`);
    for (const issue of group.issues) {
      lines.push(`  ${issue.path || '/'}  ${issue.code}  ${issue.message}`);
      const at = locate(positions, issue.path);
      if (at) lines.push(`      at ${file}:${at.line}:${at.column}`);
      if (issue.hint) lines.push(`      hint: ${issue.hint}`);
    }
    lines.push('');
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

/** The merged items with the catalogue codes they absorb: `construction-permit ⊃ 000131127005, …`. */
function merged(plan: ExecutionPlan): string {
  return plan.items
    .filter((item) => item.absorbs)
    .map((item) => `${item.id} ⊃ ${item.absorbs!.map((entry) => entry.code).join(', ')}`)
    .join('; ');
}

/** "2 errors, 1 warning", "no issues". */
export function countIssues(issues: readonly LintIssue[]): string {
  const errors = issues.filter((issue) => issue.severity === 'error').length;
  const warnings = issues.length - errors;
  if (issues.length === 0) return 'no issues';
  return [errors > 0 ? plural(errors, 'error') : '', warnings > 0 ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
}

/** The summary line of `validate`. */
export function validationSummary(file: string, issues: readonly LintIssue[], plan?: ExecutionPlan): string {
  if (!plan) return `✗ ${file}: invalid (不通过), ${countIssues(issues)}; fix the errors before publishing`;
  const what = `${plan.title.zh} ${plan.bundleId} v${plan.version}, ${plural(plan.items.length, 'item')}`;
  return `✓ ${file}: valid (通过): ${what}; ${countIssues(issues)}`;
}

const ROWS = [
  { key: 'time', title: '减时限 time (working days)' },
  { key: 'materials', title: '减材料 materials' },
  { key: 'steps', title: '减环节 steps' },
  { key: 'trips', title: '减跑动 trips' },
] as const;

/** The four reductions of one bundle: before → after (−x%) per reduction, with what each figure counts. */
export function formatReductions(plan: ExecutionPlan, figures: Reductions): string {
  const rows = ROWS.map(({ key, title }) => {
    const figure = figures[key];
    return [title, String(figure.before), '→', String(figure.after), change(figure)];
  });
  const fetched = figures.materials.distinct - figures.materials.after;
  const conditional = plan.items.filter((item) => item.condition).map((item) => item.id);
  return [
    `四减 four reductions: ${plan.title.zh} ${plan.title.en} (${plan.bundleId} v${plan.version}, ${plural(figures.items, 'item')})`,
    '',
    ...table([['', 'before', '', 'after', 'reduction'], ...rows], new Set([1, 3])).map((line) => '  ' + line),
    '',
    `  time: statutory limits one after another (串联) → critical path on promised limits (${plan.criticalPath.items.join(' → ')}); the bundle promises ${plan.promisedDays} working days`,
    `  materials: each item its own copy → ${figures.materials.distinct} distinct, ${fetched} of them fetched from electronic licences (免证明)`,
    `  steps, trips: the items' own → the bundle's`,
    conditional.length > 0
      ? `  conditional items count too (a bundle is judged by what it can take): ${conditional.join(', ')}`
      : undefined,
    figures.catalogueItems
      ? `  合并办理 merged: ${figures.catalogueItems.before} catalogue items → ${figures.catalogueItems.after} items (${merged(plan)}), each counted before with its own figures`
      : undefined,
    figures.filings
      ? `  备案 filings (a receipt, no decision; on the critical path with their check period): ${[...figures.filings.always, ...figures.filings.byCondition.map((id) => `${id} (by condition)`)].join(', ')}`
      : undefined,
    '',
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}

/** The reductions of several bundles together: sums of the befores against sums of the afters. */
export interface ReductionTotals {
  bundles: number;
  items: number;
  time: Reduction;
  materials: Reduction;
  steps: Reduction;
  trips: Reduction;
}

export function totalReductions(all: readonly Reductions[]): ReductionTotals {
  const total = (key: (typeof ROWS)[number]['key']) =>
    reduction(
      all.reduce((sum, figures) => sum + figures[key].before, 0),
      all.reduce((sum, figures) => sum + figures[key].after, 0),
    );
  return {
    bundles: all.length,
    items: all.reduce((sum, figures) => sum + figures.items, 0),
    time: total('time'),
    materials: total('materials'),
    steps: total('steps'),
    trips: total('trips'),
  };
}

/** One row per bundle and a total row: how a set of bundles is reported (as the published 四减 figures are). */
export function formatReductionsTable(dir: string, all: readonly Reductions[]): string {
  const cells = (figures: Record<(typeof ROWS)[number]['key'], Reduction>) =>
    ROWS.map(({ key }) => `${figures[key].before} → ${figures[key].after} (${percent(figures[key])})`);
  const totals = totalReductions(all);
  const rows = [
    ['bundle', 'items', ...ROWS.map(({ title }) => title)],
    ...all.map((figures) => [`${figures.bundleId} v${figures.version}`, String(figures.items), ...cells(figures)]),
    [`all ${plural(all.length, 'bundle')}`, String(totals.items), ...cells(totals)],
  ];
  return [
    `四减 four reductions: ${plural(all.length, 'bundle')} in ${dir}`,
    '',
    ...table(rows, new Set([1])).map((line) => '  ' + line),
    '',
    '  before: items one after another, each with its own materials, steps and trips; after: the bundle',
    '',
  ].join('\n');
}

/** "−53, −84.1%"; an increase is "+2, +50%". */
function change(figure: Reduction): string {
  const sign = figure.reduction > 0 ? '−' : figure.reduction < 0 ? '+' : '';
  return `${sign}${Math.abs(figure.reduction)} (${percent(figure)})`;
}

function percent(figure: Reduction): string {
  const sign = figure.reductionPercent > 0 ? '−' : figure.reductionPercent < 0 ? '+' : '';
  return `${sign}${Math.abs(figure.reductionPercent).toFixed(1)}%`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
