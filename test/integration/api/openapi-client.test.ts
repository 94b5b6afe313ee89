/**
 * A client generated from the served OpenAPI document (openapi-typescript + openapi-fetch) compiles
 * under `tsc --strict` and drives one case end to end over HTTP: the API listening on a free port, a
 * real Temporal dev server, a worker running the real workflows.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../runtime/config';
import { createDevServerEnv } from '../../helpers/temporal-env';
import { startStack, type Stack } from '../../helpers/stack';

const run = promisify(execFile);
const bin = (name: string) => join(PROJECT_ROOT, 'node_modules', '.bin', name);

let env: TestWorkflowEnvironment;
let stack: Stack;
let baseUrl: string;
let dir: string;

beforeAll(async () => {
  env = await createDevServerEnv();
  stack = await startStack(env);
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
  // Inside the repository, so that the client's imports (openapi-fetch, @types/node) resolve from its node_modules.
  await mkdir(join(PROJECT_ROOT, 'node_modules', '.cache'), { recursive: true });
  dir = await mkdtemp(join(PROJECT_ROOT, 'node_modules', '.cache', 'openapi-client-'));
});
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a client generated from GET /openapi.json', () => {
  it('compiles under --strict and drives a case from start to completion', async () => {
    const response = await fetch(`${baseUrl}/openapi.json`);
    expect(response.status).toBe(200);
    await writeFile(join(dir, 'openapi.json'), await response.text());
    await run(bin('openapi-typescript'), [join(dir, 'openapi.json'), '--output', join(dir, 'openapi.ts')], { cwd: dir });
    await copyFile(join(PROJECT_ROOT, 'test', 'integration', 'api', 'openapi-client', 'drive-case.ts'), join(dir, 'drive-case.ts'));
    // An ES module like the repository (package scopes stop at node_modules, so it needs its own).
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');

    const tsc = ['--strict', '--noUncheckedIndexedAccess', '--noEmit', '--target', 'ES2022', '--module', 'ESNext', '--moduleResolution', 'Bundler', '--types', 'node', 'drive-case.ts'];
    await run(bin('tsc'), tsc, { cwd: dir }).catch((error: { stdout?: string }) => {
      throw new Error(`the generated client does not compile:\n${error.stdout}`);
    });

    await writeFile(join(dir, 'tokens.json'), JSON.stringify(stack.tokens), { mode: 0o600 });
    const application = join(PROJECT_ROOT, 'examples', 'open-restaurant.application.json');
    const { stdout } = await run(bin('tsx'), ['drive-case.ts', baseUrl, join(dir, 'tokens.json'), application], { cwd: dir, timeout: 90_000 }).catch(
      (error: { stderr?: string }) => {
        throw new Error(`the generated client failed:\n${error.stderr}`);
      },
    );
    const completed = JSON.parse(stdout);
    expect(completed.status).toBe('completed');
    const statuses = Object.fromEntries(completed.items.map((item: { id: string; status: string }) => [item.id, item.status]));
    expect(statuses).toEqual({
      'business-licence': 'approved',
      'food-permit': 'approved',
      'outdoor-sign': 'approved',
      'fire-check': 'approved',
      'tobacco-permit': 'skipped',
    });
    expect(completed.results).toHaveLength(4);
  });
});
