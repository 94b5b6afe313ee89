/**
 * The cluster's PostgreSQL server: Debian's binaries (scripts/ensure-postgres.sh installs them;
 * `PGBINDIR`, else the highest `/usr/lib/postgresql/<version>/bin`), a data folder of the cluster's
 * own kept between runs, run by `pg_ctl` as the `postgres` user when we are root (PostgreSQL refuses
 * root), on 127.0.0.1 only. Unlike the tests' throw-away servers (test/helpers/postgres.ts), this one
 * is durable (fsync on) and authenticates TCP clients by password (scram-sha-256); only the local
 * socket, in the data folder's parent (0700, the server user's), is trusted, for the set-up done here.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function findPgBinDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  if (env.PGBINDIR) candidates.push(env.PGBINDIR);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    candidates.push(
      ...readdirSync(debian)
        .filter((v) => /^\d+(\.\d+)?$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join(debian, v, 'bin')),
    );
  }
  return candidates.find((dir) => ['initdb', 'pg_ctl', 'postgres', 'psql'].every((bin) => existsSync(join(dir, bin))));
}

export interface ClusterPostgres {
  binDir: string;
  /** `<cluster>/postgres`: the socket folder; `data/` inside it. */
  home: string;
  dataDir: string;
  port: number;
  /** `[command, args]` running `bin` as the server's user. */
  as(bin: string, args: string[]): [string, string[]];
  /** Runs SQL as the superuser over the local socket; returns psql's output (unaligned, tuples only). */
  psql(sql: string, database?: string): Promise<string>;
  /** Makes a role with a password (or sets it) and a database it owns, when missing. */
  ensureRoleAndDatabase(role: string, password: string, database: string): Promise<void>;
  /** `pg_ctl start`, waiting until it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl stop -m <mode>`: `fast` for a clean stop, `immediate` for a crash (recovery at the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  running(): Promise<boolean>;
  version(): Promise<string>;
}

/** Opens (and on the first call initialises) the server in `<clusterDir>/postgres`; does not start it. */
export async function openClusterPostgres(clusterDir: string, port: number): Promise<ClusterPostgres> {
  const binDir = findPgBinDir();
  if (!binDir) throw new Error('PostgreSQL server binaries (initdb, pg_ctl, psql) not found: run `bash scripts/ensure-postgres.sh` as root (Debian\'s postgresql) or set PGBINDIR');
  const home = join(clusterDir, 'postgres');
  const dataDir = join(home, 'data');
  let as = (command: string, args: string[]): [string, string[]] => [command, args];
  if (process.getuid?.() === 0) {
    const uid = Number((await run('id', ['-u', 'postgres']).catch(() => ({ stdout: '' }))).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres']).catch(() => ({ stdout: '' }))).stdout.trim());
    if (!uid) throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as (Debian\'s postgresql package makes it)');
    await mkdir(home, { recursive: true, mode: 0o700 });
    await chown(home, uid, gid);
    as = (command, args) => ['runuser', ['-u', 'postgres', '--', command, ...args]];
  } else {
    await mkdir(home, { recursive: true, mode: 0o700 });
  }
  const bin = (name: string, args: string[]) => as(join(binDir, name), args);
  const exec = async (name: string, args: string[], timeout = 120_000) => {
    const [command, argv] = bin(name, args);
    return run(command, argv, { timeout, maxBuffer: 16 * 1024 * 1024 });
  };

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    // Trust on the socket only (its folder is the server user's, 0700); passwords on TCP.
    await exec('initdb', ['-D', dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--locale=C']);
    await writeFile(
      join(home, 'cluster.conf'),
      [
        '# Written by scripts/cluster/postgres.ts, included from postgresql.conf.',
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${home}'`,
        // Temporal's four services and the four app processes keep pools: 20 + 20 + 10 per process.
        'max_connections = 300',
        "password_encryption = 'scram-sha-256'",
        '',
      ].join('\n'),
    );
    const conf = join(dataDir, 'postgresql.conf');
    await writeFile(conf, `${await readFile(conf, 'utf8')}\ninclude '${join(home, 'cluster.conf')}'\n`);
    if (process.getuid?.() === 0) await run('chown', ['-R', 'postgres:postgres', home]);
  }

  const psql = async (sql: string, database = 'postgres') =>
    (await exec('psql', ['-h', home, '-p', String(port), '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-X', '-q', '-A', '-t', '-c', sql])).stdout.trim();
  const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
  const ident = (value: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(value)) throw new TypeError(`not a plain name: ${value}`);
    return value;
  };

  const pg: ClusterPostgres = {
    binDir,
    home,
    dataDir,
    port,
    as: bin,
    psql,
    async ensureRoleAndDatabase(role, password, database) {
      const exists = await psql(`SELECT 1 FROM pg_roles WHERE rolname = ${literal(role)}`);
      await psql(`${exists ? 'ALTER' : 'CREATE'} ROLE ${ident(role)} WITH LOGIN PASSWORD ${literal(password)}`);
      if (!(await psql(`SELECT 1 FROM pg_database WHERE datname = ${literal(database)}`))) {
        await psql(`CREATE DATABASE ${ident(database)} OWNER ${ident(role)}`);
      }
    },
    async start() {
      await exec('pg_ctl', ['start', '-D', dataDir, '-l', join(home, 'server.log'), '-w', '-t', '120', '-o', `-p ${port}`], 180_000).catch(async (err: Error) => {
        throw new Error(`pg_ctl start failed: ${err.message}\n${(await readFile(join(home, 'server.log'), 'utf8').catch(() => '')).slice(-3000)}`);
      });
    },
    async stop(mode = 'fast') {
      if (await pg.running()) await exec('pg_ctl', ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '120'], 180_000);
    },
    async running() {
      return exec('pg_ctl', ['status', '-D', dataDir]).then(
        () => true,
        () => false,
      );
    },
    async version() {
      return (await exec('postgres', ['--version'])).stdout.trim().replace(/^postgres \(PostgreSQL\) /, 'PostgreSQL ');
    },
  };
  return pg;
}
