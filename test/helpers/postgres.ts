/**
 * A throw-away PostgreSQL server for a test file: `initdb` into a temporary folder under /tmp, started
 * with `pg_ctl` on a free port of 127.0.0.1 (trust authentication, no fsync: nothing here needs to
 * survive), stopped and removed by `stop()` (and, should the test process end without it, on exit).
 * As root it runs as the `postgres` user, since PostgreSQL refuses to run as root; the folder is then
 * that user's. The binaries are Debian's (`scripts/ensure-postgres.sh` installs them): `PGBINDIR`, else
 * the highest `/usr/lib/postgresql/<version>/bin`, else `initdb` on the PATH.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresServer {
  port: number;
  /** The server's version, e.g. `PostgreSQL 15.18`. */
  version: string;
  /** Milliseconds from `initdb` to a server that accepts connections. */
  startedInMs: number;
  /** A connection URL for a database of this server (`postgres` by default), as the superuser. */
  url(database?: string): string;
  /** Makes a database (as the superuser) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** Why no server can be started here, or undefined when the binaries are there. */
export function postgresUnavailable(): string | undefined {
  return findBinDir() ? undefined : 'PostgreSQL server binaries (initdb, pg_ctl) not found: run `bash scripts/ensure-postgres.sh` as root (it installs Debian\'s postgresql) or set PGBINDIR';
}

function findBinDir(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PGBINDIR) candidates.push(process.env.PGBINDIR);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) candidates.push(dirname(onPath));
  return candidates.find((dir) => ['initdb', 'pg_ctl', 'postgres'].every((bin) => existsSync(join(dir, bin))));
}

/** Starts a server; throws with what to do when PostgreSQL is not installed. */
export async function startPostgres(): Promise<PostgresServer> {
  const binDir = findBinDir();
  if (!binDir) throw new Error(postgresUnavailable());
  const started = performance.now();
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp('/tmp/yjs-pg-');
  const dataDir = join(dir, 'data');
  // PostgreSQL refuses to run as root: as root, the folder and the server are the postgres user's.
  let as: (command: string, args: string[]) => [string, string[]] = (command, args) => [command, args];
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres']).catch(() => ({ stdout: '' }))).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres']).catch(() => ({ stdout: '' }))).stdout.trim());
    if (!uid) throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as (Debian\'s postgresql package makes it)');
    await chown(dir, uid, gid);
    as = (command, args) => ['runuser', ['-u', 'postgres', '--', command, ...args]];
  }
  const exec = (bin: string, args: string[]) => {
    const [command, argv] = as(join(binDir, bin), args);
    return run(command, argv, { timeout: 60_000 });
  };
  const stopNow = () => {
    const [command, argv] = as(join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
    spawnSync(command, argv, { stdio: 'ignore', timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  // A test process that ends without stop() (a crash, a timeout) leaves no server behind.
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
        // Another process may have taken the port between the look and the start: another port.
        if (attempt >= 3) throw new Error(`pg_ctl start failed: ${(err as Error).message}\n${await readFile(join(dir, 'server.log'), 'utf8').catch(() => '')}`);
      }
    }
    const version = (await exec('postgres', ['--version'])).stdout.trim().replace(/^postgres \(PostgreSQL\) /, 'PostgreSQL ');
    const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
    return {
      port,
      version,
      startedInMs: Math.round(performance.now() - started),
      url,
      async createDatabase(name) {
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new TypeError(`not a plain database name: ${name}`);
        const [command, argv] = as(join(binDir, 'createdb'), ['-h', dir, '-p', String(port), '-U', 'postgres', name]);
        await run(command, argv, { timeout: 30_000 });
        return url(name);
      },
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
