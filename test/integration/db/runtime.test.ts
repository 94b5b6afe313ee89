/**
 * How the processes open the database (`runtime/database.ts`): the embedded PGlite in a data folder,
 * migrated on the first start and kept across restarts, for one process only; `worker-main` and
 * `api-main` need DATABASE_URL and say so; a server that cannot be reached is named without its
 * password.
 */
import { MIGRATIONS } from '../../../adapters/db/migrations';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresApiKeyStore } from '../../../adapters/db/api-keys';
import { PROJECT_ROOT } from '../../../runtime/config';
import { DatabaseInUseError, describeUrl, openDatabase, serverDatabaseUrl } from '../../../runtime/database';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yjs-runtime-db-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('openDatabase with PGlite', () => {
  it('migrates a new folder on the first open, keeps what was written, and migrates nothing on the next', async () => {
    const pgliteDir = join(dir, 'first', 'pglite');
    let started = performance.now();
    const first = await openDatabase({ pgliteDir });
    const firstMs = performance.now() - started;
    expect(first).toMatchObject({ kind: 'pglite', location: pgliteDir, migrated: Object.keys(MIGRATIONS) });
    await new PostgresApiKeyStore(first.db).create({ roles: ['admin'] });
    await first.close();

    started = performance.now();
    const again = await openDatabase({ pgliteDir });
    const againMs = performance.now() - started;
    expect(again.migrated).toEqual([]);
    expect((await new PostgresApiKeyStore(again.db).list()).map((k) => k.id)).toEqual(['admin']);
    await again.close();
    console.log(`PGlite open: new folder (initdb + migrations) ${Math.round(firstMs)} ms, existing folder ${Math.round(againMs)} ms`);
  });

  it('serves one process: a second open of the folder fails, naming the process that has it', async () => {
    const pgliteDir = join(dir, 'locked', 'pglite');
    const open = await openDatabase({ pgliteDir });
    try {
      const second = openDatabase({ pgliteDir });
      await expect(second).rejects.toBeInstanceOf(DatabaseInUseError);
      await expect(second).rejects.toThrow(/open in this process already.*DATABASE_URL/s);
    } finally {
      await open.close();
    }
    // Closed: the folder opens again.
    await (await openDatabase({ pgliteDir, migrate: false })).close();
  });

  it('fails while another live process holds the folder, naming that process and what to do', async () => {
    const pgliteDir = join(dir, 'other', 'pglite');
    await (await openDatabase({ pgliteDir })).close();
    await writeFile(`${pgliteDir}.lock`, `${process.ppid}\n`); // a live process that is not this one
    await expect(openDatabase({ pgliteDir })).rejects.toThrow(new RegExp(`open in process ${process.ppid} .*stop that process, or .*DATABASE_URL`, 's'));
    await rm(`${pgliteDir}.lock`);
  });

  it('takes over the lock of a process that is gone', async () => {
    const pgliteDir = join(dir, 'stale', 'pglite');
    await (await openDatabase({ pgliteDir })).close();
    await writeFile(`${pgliteDir}.lock`, '2147483646\n'); // no such process
    await (await openDatabase({ pgliteDir, migrate: false })).close();
  });
});

describe('a server database', () => {
  it('is required by the processes that run apart, with the reason', () => {
    expect(() => serverDatabaseUrl('worker-main', {})).toThrow(/worker-main needs DATABASE_URL.*PGlite serves one process.*npm start/s);
    expect(serverDatabaseUrl('api-main', { DATABASE_URL: ' postgres://a@b/c ' })).toBe('postgres://a@b/c');
  });

  it('that cannot be reached is an error naming it without its password', async () => {
    const url = 'postgres://app:s3cret-password@127.0.0.1:1/yijianshi';
    expect(describeUrl(url)).toBe('app@127.0.0.1:1/yijianshi');
    const error = await openDatabase({ url, pgliteDir: '/nonexistent' }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/cannot reach the database at app@127\.0\.0\.1:1\/yijianshi/);
    expect((error as Error).message).not.toContain('s3cret');
  });
});

function runMain(entry: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, YJS_DATA_DIR: dir, ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
    execFile(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'runtime', entry)], { env: childEnv, timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stderr });
    });
  });
}

describe('worker-main and api-main', () => {
  for (const entry of ['worker-main.ts', 'api-main.ts']) {
    it(`${entry} without DATABASE_URL exits 1 saying it needs one, and why`, async () => {
      const { code, stderr } = await runMain(entry, { TEMPORAL_ADDRESS: '127.0.0.1:1', DATABASE_URL: undefined });
      expect(code).toBe(1);
      expect(stderr).toMatch(new RegExp(`${entry.replace('.ts', '')} needs DATABASE_URL.*PGlite serves one process`, 's'));
    });
  }

  describe.skipIf(process.env.YJS_SKIP_POSTGRES === '1')('with a PostgreSQL server', () => {
    let server: PostgresServer;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(() => server?.stop());

    it('api-main migrates the database and refuses to start while it holds no API key, saying how to mint one', async () => {
      const url = await server.createDatabase('api_main');
      const { code, stderr } = await runMain('api-main.ts', { TEMPORAL_ADDRESS: '127.0.0.1:1', DATABASE_URL: url, YJS_API_KEYS_FILE: undefined });
      expect(code).toBe(1);
      expect(stderr).toMatch(/no API key in the database \(postgres@127\.0\.0\.1:\d+\/api_main\).*yijianshi keys create --role admin/s);
      const migrated = await openDatabase({ url, pgliteDir: '/nonexistent' });
      expect(migrated.migrated).toEqual([]); // api-main migrated it
      await migrated.close();
    });
  });
});
