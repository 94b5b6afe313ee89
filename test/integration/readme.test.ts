/**
 * The README's walkthrough ("A case in five requests") runs as written: its bash block, taken from
 * README.md, runs with bash against a started app (a real Temporal dev server, a worker, the API on a
 * free port, every store in an embedded PGlite), with the development token file where `YJS_DATA_DIR`
 * puts it, as `npm start` would.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../adapters/db/schema';
import { PROJECT_ROOT } from '../../runtime/config';
import { openTestPglite } from '../helpers/databases';
import { createDevServerEnv } from '../helpers/temporal-env';
import { bashBlockAfter } from '../helpers/markdown';
import { startStack, type Stack } from '../helpers/stack';

let env: TestWorkflowEnvironment;
let stack: Stack;
let port: number;
let dataDir: string;
let database: Kysely<Database>;

beforeAll(async () => {
  env = await createDevServerEnv();
  database = await openTestPglite();
  stack = await startStack(env, { database });
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  port = (stack.app.server.address() as AddressInfo).port;
  dataDir = await mkdtemp(join(tmpdir(), 'yjs-readme-'));
  await writeFile(join(dataDir, 'dev-tokens.json'), JSON.stringify(stack.tokens, null, 2), { mode: 0o600 });
});
afterAll(async () => {
  await stack?.close();
  await database?.destroy();
  await env?.teardown();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('README: A case in five requests', () => {
  it('runs verbatim with bash and completes the case', async () => {
    const script = bashBlockAfter(await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8'), '### A case in five requests');
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) =>
      execFile(
        'bash',
        ['-e', '-o', 'pipefail', '-c', script],
        { cwd: PROJECT_ROOT, timeout: 120_000, env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), YJS_DATA_DIR: dataDir } },
        (error, out, err) => {
          if (error && typeof error.code !== 'number') return reject(error);
          resolve({ code: error ? (error.code as number) : 0, stdout: out, stderr: err });
        },
      ),
    );
    expect(code, `stdout:\n${stdout}\nstderr:\n${stderr}`).toBe(0);
    const caseId = /^case (\S+): submitted$/m.exec(stdout)?.[1];
    expect(caseId, stdout).toBeDefined();
    expect(stdout).toContain(`case ${caseId}: completed`);
    // Four approvals, one per item that applies; the tobacco permit was skipped.
    expect(stdout.match(/^approved$/gm)).toHaveLength(4);

    const progress = (await stack.as('supervisor', { method: 'GET', url: `/cases/${caseId}` })).json();
    expect(progress.status).toBe('completed');
    expect(progress.results).toHaveLength(4);
    // The sealed results are in the database.
    expect(await stack.documents.list(`${caseId}/`)).toHaveLength(4);
  });
});
