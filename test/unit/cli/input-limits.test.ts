/**
 * `yijianshi validate` on files the API would refuse: nested 100,000 deep, with a lone surrogate, with
 * a member name given twice. Run as a designer runs it, in a child process: a readable error with the
 * place, never a stack trace.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../../definitions/strict-json';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const STACK = /\bat .*\.(?:ts|js|mjs|cjs):\d+:\d+|node:internal|RangeError/;

function validate(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(root, 'bin/yijianshi.mjs'), 'validate', file], { cwd: dir, timeout: 30_000, env: { ...process.env, YIJIANSHI_DEBUG: '' } }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

let dir: string;
let restaurant: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yijianshi-limits-'));
  restaurant = await readFile(join(root, 'definitions/bundles/open-restaurant.json'), 'utf8');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('yijianshi validate', () => {
  it('refuses a file nested 100,000 deep with the place and the limit, not a stack overflow', async () => {
    await writeFile(join(dir, 'deep.json'), `{"items": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const { code, stdout, stderr } = await validate('deep.json');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`deep.json:1:${11 + MAX_JSON_DEPTH - 1}: refused (line 1, column ${11 + MAX_JSON_DEPTH - 1}): nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(stderr).not.toMatch(STACK);
  });

  it(`lints a file nested ${MAX_JSON_DEPTH} deep like any other (the API takes it too)`, async () => {
    const definition = JSON.parse(restaurant);
    definition.extra = JSON.parse('['.repeat(MAX_JSON_DEPTH - 1) + ']'.repeat(MAX_JSON_DEPTH - 1));
    await writeFile(join(dir, 'deepest.json'), JSON.stringify(definition));
    const { code, stdout, stderr } = await validate('deepest.json');
    expect(stderr).not.toMatch(STACK);
    expect(code).toBe(1); // `extra` is not a property of a definition: a lint error, found
    expect(stdout).toContain('/extra');
  });

  it('refuses a lone surrogate at its line and column', async () => {
    await writeFile(join(dir, 'surrogate.json'), restaurant.replace('"zh": "开办餐饮店', '"zh": "\\ud800开办餐饮店'));
    const { code, stderr } = await validate('surrogate.json');
    expect(code).toBe(1);
    expect(stderr).toMatch(/surrogate\.json:\d+:\d+: refused .*lone surrogate.* at \/title\/zh/);
    expect(stderr).not.toMatch(STACK);
  });

  it('reports a repeated member name as a lint error with both places, and the file as invalid', async () => {
    await writeFile(join(dir, 'twice.json'), restaurant.replace('"version": 1,', '"version": 1,\n  "version": 2,'));
    const { code, stdout } = await validate('twice.json');
    expect(code).toBe(1);
    expect(stdout).toContain('/version  duplicate-key  "version" appears twice in one object: at line 4, column 3 and at line 5, column 3');
    expect(stdout).toContain('invalid (不通过), 1 error');
  });
});
