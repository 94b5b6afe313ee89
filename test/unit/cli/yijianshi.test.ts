/**
 * The CLI as a designer runs it: `node bin/yijianshi.mjs …` in a child process, on files in a temporary
 * directory, checking exit status, stdout and stderr.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin/yijianshi.mjs');
const bundles = join(root, 'definitions/bundles');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; resolves with its exit status and output whatever the status. */
function yijianshi(...args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir, timeout: 30_000, env: { ...process.env, YIJIANSHI_DEBUG: '' } }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error); // killed by the timeout, or not started
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** A stack trace would show source locations such as "(…/cli/yijianshi.ts:12:3)" or node:internal frames. */
const STACK = /\bat .*\.(?:ts|js|mjs|cjs):\d+:\d+|node:internal/;

let dir: string;
const restaurant = async () => JSON.parse(await readFile(join(bundles, 'open-restaurant.json'), 'utf8'));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yijianshi-cli-'));
  const valid = await restaurant();
  await writeFile(join(dir, 'valid.json'), JSON.stringify(valid, null, 2));

  const twoErrors = await restaurant();
  twoErrors.items[1].dependsOn = ['no-such-item'];
  twoErrors.items[3].timeout = { policy: 'default-approve' }; // the fire check may not default
  await writeFile(join(dir, 'two-errors.json'), JSON.stringify(twoErrors, null, 2));

  const warning = await restaurant();
  warning.departments.push({ id: 'spare', name: { zh: '备用部门', en: 'Spare' } });
  await writeFile(join(dir, 'warning.json'), JSON.stringify(warning, null, 2));

  await writeFile(join(dir, 'garbage.json'), '{\n  "id": "open-restaurant",\n  "version": 1,,\n}\n');
  await writeFile(join(dir, 'not-json.json'), 'this is not JSON at all');

  await mkdir(join(dir, 'bundles'));
  for (const name of ['enterprise-startup.json', 'open-restaurant.json']) {
    await writeFile(join(dir, 'bundles', name), await readFile(join(bundles, name)));
  }
}, 30_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('yijianshi validate', () => {
  it('exits 0 and says valid when the definition has no issue', async () => {
    const { code, stdout, stderr } = await yijianshi('validate', 'valid.json');
    expect(code).toBe(0);
    expect(stdout).toContain('✓ valid.json: valid');
    // Edition 1: lint says what to rename to move it to edition 2, nothing else.
    expect(stdout).toContain('open-restaurant v1, 5 items; 1 warning');
    expect(stdout).toMatch(/\/steps {2}renamed-property {2}/);
    expect(stderr).toBe('');
  });

  it('exits 1 with both errors, their places and hints when the definition has two errors', async () => {
    const { code, stdout } = await yijianshi('validate', 'two-errors.json');
    expect(code).toBe(1);
    expect(stdout).toContain('errors 错误 (2)');
    expect(stdout).toMatch(/\/items\/1\/dependsOn\/0 {2}unknown-item {2}/);
    expect(stdout).toMatch(/\/items\/3\/timeout\/policy {2}non-defaultable-default {2}/);
    expect(stdout).toMatch(/at two-errors\.json:\d+:\d+/);
    expect(stdout).toContain('hint: ');
    expect(stdout).toContain('✗ two-errors.json: invalid (不通过), 2 errors');
  });

  it('exits 0 and lists the warning when there are warnings only', async () => {
    const { code, stdout } = await yijianshi('validate', 'warning.json');
    expect(code).toBe(0);
    expect(stdout).toContain('warnings 警告 (2)'); // and edition 1's renamed-property
    expect(stdout).toMatch(/\/departments\/5 {2}unused-department {2}/);
    expect(stdout).not.toContain('errors 错误');
    expect(stdout).toContain('valid (通过)');
    expect(stdout).toContain('2 warnings');
  });

  it('prints the issues as JSON with --json', async () => {
    const { code, stdout } = await yijianshi('validate', 'two-errors.json', '--json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.valid).toBe(false);
    expect(report.issues.map((issue: { path: string }) => issue.path)).toEqual(
      expect.arrayContaining(['/items/1/dependsOn/0', '/items/3/timeout/policy']),
    );
  });

  it('exits 1 with a readable message and no stack trace when the file is missing', async () => {
    const { code, stdout, stderr } = await yijianshi('validate', 'missing.json');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('yijianshi validate: cannot read missing.json: no such file or directory\n');
  });

  it('exits 1 naming the line and column when the file is not JSON', async () => {
    const { code, stderr } = await yijianshi('validate', 'garbage.json');
    expect(code).toBe(1);
    expect(stderr).toContain('garbage.json:3:16: not valid JSON (line 3, column 16)');
    expect(stderr).toContain('3 |   "version": 1,,');
    expect(stderr).not.toMatch(STACK);
    const other = await yijianshi('validate', 'not-json.json');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('not valid JSON (line 1, column 1)');
    expect(other.stderr).not.toMatch(STACK);
  });
});

describe('yijianshi compile', () => {
  it('prints the execution plan as JSON, with warnings on stderr only', async () => {
    const { code, stdout, stderr } = await yijianshi('compile', 'warning.json');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan).toMatchObject({ bundleId: 'open-restaurant', version: 1, criticalPath: { days: 10 } });
    expect(stderr).toContain('unused-department');
  });

  it('writes the plan to --out', async () => {
    const { code, stdout, stderr } = await yijianshi('compile', 'valid.json', '--out', 'plan.json');
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('wrote the execution plan of valid.json to plan.json');
    expect(JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')).bundleId).toBe('open-restaurant');
  });

  it('exits 1 with the issues on stderr and nothing on stdout when the definition is invalid', async () => {
    const { code, stdout, stderr } = await yijianshi('compile', 'two-errors.json');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('/items/1/dependsOn/0');
    expect(stderr).toContain('yijianshi compile: two-errors.json is not a valid definition (2 errors, 1 warning)');
    expect(stderr).not.toMatch(STACK);
  });
});

describe('yijianshi reductions', () => {
  it('prints before → after (−x%) for each of the four reductions', async () => {
    const { code, stdout } = await yijianshi('reductions', 'valid.json');
    expect(code).toBe(0);
    expect(stdout).toContain('四减');
    expect(stdout).toMatch(/减时限 time \(working days\) +63 {2}→ +10 {2}−53 \(−84\.1%\)/);
    expect(stdout).toMatch(/减材料 materials +14 {2}→ +5 {2}−9 \(−64\.3%\)/);
    expect(stdout).toMatch(/减环节 steps +18 {2}→ +2 {2}−16 \(−88\.9%\)/);
    expect(stdout).toMatch(/减跑动 trips +10 {2}→ +1 {2}−9 \(−90\.0%\)/);
    expect(stdout).toContain('7 distinct, 2 of them fetched from electronic licences');
    expect(stdout).toContain('conditional items count too');
  });

  it('prints the figures as JSON with --json', async () => {
    const { code, stdout } = await yijianshi('reductions', 'valid.json', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      bundleId: 'open-restaurant',
      time: { before: 63, after: 10, reductionPercent: 84.1 },
      materials: { before: 14, after: 5, distinct: 7 },
    });
  });

  it('reports every bundle of a directory and their total with --all', async () => {
    const { code, stdout } = await yijianshi('reductions', '--all', 'bundles');
    expect(code).toBe(0);
    expect(stdout).toMatch(/enterprise-startup v1 +6 {2}33 → 2 \(−93\.9%\)/);
    expect(stdout).toMatch(/open-restaurant v1 +5 {2}63 → 10 \(−84\.1%\)/);
    // total: time 33 + 63 = 96 → 2 + 10 = 12, 84 / 96 = 87.5%
    expect(stdout).toMatch(/all 2 bundles +11 {2}96 → 12 \(−87\.5%\)/);
  });

  it('exits 1 naming the invalid files of a directory, still reporting the valid ones', async () => {
    await mkdir(join(dir, 'mixed'));
    await writeFile(join(dir, 'mixed', 'a.json'), await readFile(join(bundles, 'newborn.json')));
    await writeFile(join(dir, 'mixed', 'b.json'), await readFile(join(dir, 'two-errors.json')));
    const { code, stdout, stderr } = await yijianshi('reductions', '--all', 'mixed', '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout).bundles.map((figures: { bundleId: string }) => figures.bundleId)).toEqual(['newborn']);
    expect(stderr).toContain('skipped');
    expect(stderr).toContain('b.json');
  });
});

describe('yijianshi form and types', () => {

  it('prints the merged form as a JSON Schema object', async () => {
    const { code, stdout } = await yijianshi('form', 'valid.json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(expect.objectContaining({ properties: expect.any(Object) }));
  });

  it('prints TypeScript types of the form', async () => {
    const { code, stdout } = await yijianshi('types', 'valid.json');
    expect(code).toBe(0);
    expect(stdout).toContain('export ');
  });
});

describe('yijianshi usage', () => {
  it('prints the usage on stdout and exits 0 with --help', async () => {
    const { code, stdout, stderr } = await yijianshi('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage:');
    expect(stdout).toContain('yijianshi reductions <file> [--json]');
    expect(stderr).toBe('');
  });

  it.each([
    [[], 'no command given'],
    [['publish', 'valid.json'], 'unknown command "publish"'],
    [['validate', 'valid.json', '--strict'], "Unknown option '--strict'"],
    [['validate'], 'validate needs a definition file'],
    [['validate', 'a.json', 'b.json'], 'validate takes one definition file, not 2'],
    [['validate', 'valid.json', '--out', 'x.json'], 'validate takes no --out'],
    [['compile', 'valid.json', '--out'], "Option '-o, --out <value>' argument missing"],
    [['reductions', 'valid.json', '--all', 'bundles'], 'reductions --all <dir> takes no file'],
  ])('exits 2 with the usage on stderr for %j', async (args, message) => {
    const { code, stdout, stderr } = await yijianshi(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`yijianshi: ${message}`);
    expect(stderr).toContain('Usage:');
  });
});
