/**
 * The import rules of docs/architecture.md (`.dependency-cruiser.cjs`), enforced: the repository's
 * own tree has no violation, and a tree that breaks each rule on purpose is reported rule by rule,
 * so a rule that stopped matching would fail here too.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../runtime/config';

const run = promisify(execFile);
const DEPCRUISE = join(PROJECT_ROOT, 'node_modules', '.bin', 'depcruise');
const CONFIG = join(PROJECT_ROOT, '.dependency-cruiser.cjs');

interface Violation {
  rule: string;
  from: string;
  to: string;
}

/** Runs depcruise in `cwd` and reads its JSON report. */
async function violationsOf(cwd: string, args: string[]): Promise<Violation[]> {
  const { stdout } = await run(DEPCRUISE, [...args, '--output-type', 'json'], { cwd, maxBuffer: 64 * 1024 * 1024 });
  const result = JSON.parse(stdout) as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> } };
  return result.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

/** Runs depcruise in `cwd` as `npm run lint:deps` does (its own report): the exit status and what it printed. */
async function lint(cwd: string, args: string[]): Promise<{ exitCode: number; output: string }> {
  try {
    const { stdout, stderr } = await run(DEPCRUISE, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return { exitCode: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { exitCode: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** `npm run lint:deps` as package.json has it, so that this test checks what CI's lint checks. */
function lintDepsArgs(): string[] {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [command, ...args] = pkg.scripts['lint:deps']!.split(/\s+/);
  expect(command).toBe('depcruise');
  return args;
}

const describeViolation = (v: Violation) => `${v.rule}: ${v.from} → ${v.to}`;

describe('import rules (.dependency-cruiser.cjs)', () => {
  it('hold for the repository: no violation, no circle', async () => {
    const violations = await violationsOf(PROJECT_ROOT, lintDepsArgs());
    expect(violations.map(describeViolation)).toEqual([]);
  });

  describe('on a tree that breaks each rule once', () => {
    let fixture: string;

    /** Files of a small tree with the repository's folders; each comment names the rule the import breaks. */
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', strict: true } }),
      'node_modules/@temporalio/workflow/package.json': JSON.stringify({ name: '@temporalio/workflow', main: 'index.js' }),
      'node_modules/@temporalio/workflow/index.js': 'exports.proxyActivities = () => ({});\n',
      'node_modules/ajv/package.json': JSON.stringify({ name: 'ajv', main: 'index.js' }),
      'node_modules/ajv/index.js': 'module.exports = class Ajv {};\n',

      'definitions/plan.ts': 'export interface Plan { id: string }\n',
      'definitions/compile.ts': `import { createHash } from 'node:crypto';\nexport const hash = (s: string) => createHash('sha256').update(s).digest('hex');\n`,
      // pure-not-to-node-users
      'definitions/lint.ts': `import { hash } from './compile';\nexport const lint = (s: string) => hash(s);\n`,
      'domain/seal.ts': `import { createSign } from 'node:crypto';\nexport const sign = () => createSign('SHA256');\n`,
      'domain/calendar.ts': `import type { Plan } from '../definitions/plan';\nexport const days = (p: Plan) => p.id.length;\n`,
      // pure-node-use-declared
      'domain/holidays.ts': `import { readFileSync } from 'node:fs';\nexport const holidays = () => readFileSync('x', 'utf8');\n`,
      // pure-imports-only-pure
      'domain/credit.ts': `import { Store } from '../adapters/store';\nexport const store = new Store();\n`,
      // no-circular (reported once, at the first module of the circle)
      'domain/a.ts': `import { b } from './b';\nexport const a = () => b;\n`,
      'domain/b.ts': `import { a } from './a';\nexport const b = () => a;\n`,
      'forms/merge.ts': `import type { Plan } from '../definitions/plan';\nexport const merge = (p: Plan) => p;\n`,

      'adapters/store.ts': `import { days } from '../domain/calendar';\nexport class Store { days = days; }\n`,
      // adapters-imports-only-pure
      'adapters/sealer.ts': `import { createActivities } from '../activities/index';\nexport const sealer = createActivities;\n`,

      'activities/index.ts': `import { Store } from '../adapters/store';\nimport { merge } from '../forms/merge';\nexport function createActivities() { return { store: new Store(), merge }; }\nexport type Activities = ReturnType<typeof createActivities>;\n`,
      // activities-not-to-workflows-or-above (a type counts too)
      'activities/issue.ts': `import type { Approve } from '../workflows/contract';\nexport const issue = (a: Approve) => a;\n`,

      'workflows/contract.ts': `import type { Plan } from '../definitions/plan';\nexport interface Approve { plan: Plan }\nexport const approveItem = 'approveItem';\n`,
      'workflows/lifecycle.ts': 'export const machine = {};\n',
      'workflows/case.ts': `import { proxyActivities } from '@temporalio/workflow';\nimport type { Activities } from '../activities/index';\nimport { days } from '../domain/calendar';\nexport async function caseWorkflow() { return [proxyActivities<Activities>(), days]; }\n`,
      'workflows/index.ts': `export { caseWorkflow } from './case';\n`,
      // workflows-no-node-builtins
      'workflows/reads-files.ts': `import { readFileSync } from 'node:fs';\nexport const read = () => readFileSync('x');\n`,
      // workflows-activities-as-types-only
      'workflows/runs-activities.ts': `import { createActivities } from '../activities/index';\nexport const run = () => createActivities();\n`,
      // workflows-deterministic-imports-only (a package, and a layer)
      'workflows/validates.ts': `import Ajv from 'ajv';\nimport { Store } from '../adapters/store';\nexport const v = [Ajv, Store];\n`,
      // workflows-not-to-node-users
      'workflows/seals.ts': `import { sign } from '../domain/seal';\nexport const s = sign;\n`,
      // not-to-unresolvable
      'workflows/typo.ts': `import { nothing } from '../domain/missing';\nexport const t = nothing;\n`,

      // api-not-to-activities, api-workflows-contract-only, api-workflows-index-type-only; the contract
      // and a type of the workflow are allowed
      'api/routes.ts': [
        `import { createActivities } from '../activities/index';`,
        `import { machine } from '../workflows/lifecycle';`,
        `import { caseWorkflow } from '../workflows/index';`,
        `import type { caseWorkflow as CaseWorkflow } from '../workflows/index';`,
        `import { approveItem } from '../workflows/contract';`,
        `import { Store } from '../adapters/store';`,
        `import { root } from '../runtime/config';`, // nothing-imports-runtime
        `import { gen } from '../scripts/gen';`, // nothing-imports-commands
        `export const routes = [createActivities, machine, caseWorkflow, approveItem, Store, root, gen] as unknown as CaseWorkflow;`,
        '',
      ].join('\n'),
      'runtime/config.ts': `export const root = '.';\n`,
      'runtime/main.ts': `import { routes } from '../api/routes';\nimport { createActivities } from '../activities/index';\nexport const main = [routes, createActivities];\n`,
      // nothing-imports-cli
      'runtime/worker.ts': `import { command } from '../cli/yijianshi';\nexport const worker = command;\n`,
      // nothing-imports-api; the runtime's config is allowed
      'cli/yijianshi.ts': `import { lint } from '../definitions/lint';\nimport { root } from '../runtime/config';\nimport { routes } from '../api/routes';\nexport const command = [lint, root, routes];\n`,
      // benchmarks and scripts may import anything but tests
      'bench/seal.ts': `import { routes } from '../api/routes';\nimport { main } from '../runtime/main';\nexport const bench = [routes, main];\n`,
      // nothing-imports-test
      'scripts/record.ts': `import { fixture } from '../test/fixtures';\nimport { main } from '../runtime/main';\nexport const record = [fixture, main];\n`,
      'scripts/gen.ts': `export const gen = 'gen';\n`,
      'test/fixtures.ts': `import { main } from '../runtime/main';\nexport const fixture = main;\n`,
    };

    beforeAll(async () => {
      fixture = await mkdtemp(join(tmpdir(), 'import-rules-'));
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(fixture, path)), { recursive: true });
        await writeFile(join(fixture, path), text);
      }
    });
    afterAll(async () => {
      if (fixture) await rm(fixture, { recursive: true, force: true });
    });

    const folders = ['definitions', 'domain', 'adapters', 'activities', 'workflows', 'api', 'forms', 'runtime', 'cli', 'scripts', 'bench'];

    it('reports each broken rule by name at the import that breaks it, and nothing else', async () => {
      const violations = await violationsOf(fixture, ['--config', CONFIG, ...folders]);
      expect(violations.map(describeViolation).sort()).toEqual(
        [
          'pure-not-to-node-users: definitions/lint.ts → definitions/compile.ts',
          'pure-node-use-declared: domain/holidays.ts → fs',
          'pure-imports-only-pure: domain/credit.ts → adapters/store.ts',
          'no-circular: domain/a.ts → domain/b.ts',
          'adapters-imports-only-pure: adapters/sealer.ts → activities/index.ts',
          'activities-not-to-workflows-or-above: activities/issue.ts → workflows/contract.ts',
          'workflows-no-node-builtins: workflows/reads-files.ts → fs',
          'workflows-activities-as-types-only: workflows/runs-activities.ts → activities/index.ts',
          'workflows-deterministic-imports-only: workflows/validates.ts → node_modules/ajv/index.js',
          'workflows-deterministic-imports-only: workflows/validates.ts → adapters/store.ts',
          'workflows-not-to-node-users: workflows/seals.ts → domain/seal.ts',
          'not-to-unresolvable: workflows/typo.ts → ../domain/missing',
          'api-not-to-activities: api/routes.ts → activities/index.ts',
          'api-workflows-contract-only: api/routes.ts → workflows/lifecycle.ts',
          'api-workflows-index-type-only: api/routes.ts → workflows/index.ts',
          'nothing-imports-cli: runtime/worker.ts → cli/yijianshi.ts',
          'nothing-imports-api: cli/yijianshi.ts → api/routes.ts',
          'nothing-imports-runtime: api/routes.ts → runtime/config.ts',
          'nothing-imports-test: scripts/record.ts → test/fixtures.ts',
          'nothing-imports-commands: api/routes.ts → scripts/gen.ts',
        ].sort(),
      );
    });

    it('fails the lint: a non-zero exit status, each error named', async () => {
      const { exitCode, output } = await lint(fixture, ['--config', CONFIG, ...folders]);
      expect(exitCode).toBeGreaterThan(0);
      expect(output).toContain('error workflows-no-node-builtins: workflows/reads-files.ts → fs');
      expect(output).toContain('error workflows-activities-as-types-only: workflows/runs-activities.ts → activities/index.ts');
      expect(output).toMatch(/x \d+ dependency violations \(\d+ errors, 0 warnings\)/);
    });
  });
});
