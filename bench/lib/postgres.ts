/**
 * A throw-away PostgreSQL server for a benchmark, as test/helpers/postgres.ts starts one for the tests
 * (benchmarks do not import tests, so the logic is here again, shortened): Debian's binaries
 * (`scripts/ensure-postgres.sh`; `PGBINDIR`, else the highest `/usr/lib/postgresql/<version>/bin`),
 * `initdb` into a temporary folder, `pg_ctl start` on a free port of 127.0.0.1, as the `postgres` user
 * when run as root. Durability is off (fsync, synchronous commit, full-page writes): a benchmark's data
 * need not survive, and reads, which is what is measured, do not depend on it. Stopped and removed by
 * `stop()`, or on exit.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BenchPostgres {
  /** `PostgreSQL 15.x`. */
  version: string;
  /** The URL of database `postgres`, as the superuser. */
  url: string;
  stop(): Promise<void>;
}

function findBinDir(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PGBINDIR) candidates.push(process.env.PGBINDIR);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    candidates.push(
      ...readdirSync(debian)
        .filter((v) => /^\d+(\.\d+)?$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join(debian, v, 'bin')),
    );
  }
  return candidates.find((dir) => ['initdb', 'pg_ctl', 'postgres'].every((bin) => existsSync(join(dir, bin))));
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const binDir = findBinDir();
  if (!binDir) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: run `bash scripts/ensure-postgres.sh` as root or set PGBINDIR');
  const dir = await mkdtemp('/tmp/yjs-bench-pg-');
  const dataDir = join(dir, 'data');
  let as = (command: string, args: string[]): [string, string[]] => [command, args];
  if (process.getuid?.() === 0) {
    // PostgreSQL refuses to run as root.
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    await chown(dir, uid, gid);
    as = (command, args) => ['runuser', ['-u', 'postgres', '--', command, ...args]];
  }
  const exec = (bin: string, args: string[]) => {
    const [command, argv] = as(join(binDir, bin), args);
    return run(command, argv, { timeout: 120_000 });
  };
  const stopNow = () => {
    const [command, argv] = as(join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
    spawnSync(command, argv, { stdio: 'ignore', timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopNow);
  try {
    await exec('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
      try {
        await exec('pg_ctl', ['start', '-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', options]);
        break;
      } catch (err) {
        // Another process may have taken the port between the look and the start.
        if (attempt >= 3) throw new Error(`pg_ctl start failed: ${(err as Error).message}\n${await readFile(join(dir, 'server.log'), 'utf8').catch(() => '')}`);
      }
    }
    const version = (await exec('postgres', ['--version'])).stdout.trim().replace(/^postgres \(PostgreSQL\) /, 'PostgreSQL ');
    return {
      version,
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      async stop() {
        process.off('exit', stopNow);
        await exec('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w']).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    process.off('exit', stopNow);
    stopNow();
    throw err;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
