/**
 * The application database: a PostgreSQL server when `DATABASE_URL` is set, else the embedded PGlite
 * (PostgreSQL compiled to WebAssembly, in this process) with its data in `<data>/pglite`. The same
 * Kysely queries and the same migrations run on both; the migrations run whenever it is opened.
 *
 * PGlite serves one process: `npm start` (the API and the worker together) uses it, and a lock file
 * beside its folder (`pglite.lock`, with the owner's pid) makes a second process that opens it fail
 * with a clear message instead of corrupting it. Processes that run apart (`worker-main`, `api-main`)
 * need a server: {@link serverDatabaseUrl}.
 */
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../adapters/db/migrate';
import type { Database } from '../adapters/db/schema';
import { ensurePrivateDir } from '../adapters/private-files';

export interface AppDatabase {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  /** Where it is, for messages: `user@host:port/database` (never the password) or the PGlite folder. */
  location: string;
  /** The migrations applied by this open (none when the database was up to date). */
  migrated: string[];
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `DATABASE_URL` (`postgres://user:password@host:5432/database`): a server. Unset: PGlite in `pgliteDir`. */
  url?: string;
  /** The PGlite data folder (`<data>/pglite`); its lock file is `<pgliteDir>.lock`. */
  pgliteDir: string;
  /** Bring the schema to the latest migration (default true). */
  migrate?: boolean;
  /** Connections of the server pool (default 10). */
  poolSize?: number;
}

/** The PGlite folder is open in another live process. */
export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
}

/** Opens the database the options name, migrated unless `migrate: false`. */
export async function openDatabase(options: DatabaseOptions): Promise<AppDatabase> {
  const opened = options.url ? await openServer(options.url, options.poolSize ?? 10) : await openPglite(options.pgliteDir);
  try {
    const migrated = options.migrate === false ? [] : (await migrateToLatest(opened.db)).applied;
    if (opened.kind === 'pglite') return { ...opened, migrated, close: keepAnalyzed(opened) };
    return { ...opened, migrated };
  } catch (err) {
    await opened.close();
    throw err;
  }
}

/**
 * `DATABASE_URL` for a process that runs apart from the others (`worker-main`, `api-main`), or an
 * error that says why it is needed.
 */
export function serverDatabaseUrl(processName: string, env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL?.trim();
  if (!url) {
    throw new Error(
      `${processName} needs DATABASE_URL (postgres://user:password@host:5432/database). ` +
        'The embedded PGlite serves one process: a worker and an API that run apart share a PostgreSQL server. ' +
        'To run everything in one process on PGlite, use `npm start`.',
    );
  }
  return url;
}

/** `user@host:port/database` of a connection URL, without its password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(a DATABASE_URL that is not a URL)';
  }
}

async function openServer(url: string, poolSize: number): Promise<Omit<AppDatabase, 'migrated'>> {
  const location = describeUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its server (a restart) is dropped from the pool; without a listener the
  // error would end the process.
  pool.on('error', (err) => console.error(`database ${location}: idle connection lost: ${err.message}`));
  // So would one lost while checked out (a query or transaction under way): the pool listens to idle
  // clients only (brianc/node-postgres#2439). The query itself fails, and its client is dropped when
  // it is released; the process goes on (found by `npm run drill -- postgres-restart`).
  pool.on('connect', (client) => {
    client.on('error', (err) => console.error(`database ${location}: connection lost in use: ${err.message}`));
  });
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot reach the database at ${location} (DATABASE_URL): ${(err as Error).message}`, { cause: err });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', location, close: () => db.destroy() };
}

/** How often the embedded database refreshes its planner statistics. */
const PGLITE_ANALYZE_MS = 10 * 60_000;

/**
 * PGlite has no autovacuum: without planner statistics an inbox filtered by card scans every item of
 * that card (bench `read-model`: p95 160 ms at 100,000 open items, 17 ms analyzed). So the embedded
 * database is analyzed when it opens and every ten minutes; a PostgreSQL server does it itself.
 * Answers the database's `close`, which stops the timer first.
 */
function keepAnalyzed(opened: Omit<AppDatabase, 'migrated'>): () => Promise<void> {
  const analyze = () => sql`ANALYZE`.execute(opened.db).catch(() => undefined); // a closing database: nothing to do
  void analyze();
  const timer = setInterval(analyze, PGLITE_ANALYZE_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await opened.close();
  };
}

async function openPglite(dir: string): Promise<Omit<AppDatabase, 'migrated'>> {
  const unlock = await lockPglite(dir);
  try {
    // The folder holds personal data (documents with names and ID numbers): the owner's alone.
    await ensurePrivateDir(dir);
    const pglite = new PGlite(dir);
    await pglite.waitReady;
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    return {
      db,
      kind: 'pglite',
      location: dir,
      close: async () => {
        try {
          await db.destroy(); // closes PGlite, which writes what is pending to the folder
        } finally {
          await unlock();
        }
      },
    };
  } catch (err) {
    await unlock();
    throw new Error(`cannot open the embedded database (PGlite) in ${dir}: ${(err as Error).message}`, { cause: err });
  }
}

/** The lock files this process holds: a lock naming this process's pid but not in here is an earlier process's (pids are reused, in containers above all). */
const heldHere = new Set<string>();

/** Takes `<dir>.lock` for this process; one left by a process that is gone is taken over. Returns the release. */
async function lockPglite(dir: string): Promise<() => Promise<void>> {
  const lockFile = resolve(`${dir}.lock`);
  if (heldHere.has(lockFile)) {
    throw new DatabaseInUseError(`the embedded database (PGlite) in ${dir} is open in this process already (process ${process.pid}): PGlite serves one process, once. Use DATABASE_URL for more.`);
  }
  await ensurePrivateDir(dirname(lockFile));
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written whole, then linked into place (exclusive): a lock file never exists without its pid.
    const temporary = `${lockFile}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, `${process.pid}\n`, { mode: 0o600 });
      await link(temporary, lockFile);
      // Released on close; on an exit without close (a crash, process.exit) the file goes too, and a
      // kill -9 leaves it to be taken over by the next start (its pid is gone).
      const onExit = () => {
        try {
          unlinkSync(lockFile);
        } catch {
          // already gone
        }
      };
      process.once('exit', onExit);
      heldHere.add(lockFile);
      return async () => {
        process.off('exit', onExit);
        heldHere.delete(lockFile);
        await rm(lockFile, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await rm(temporary, { force: true });
    }
    const owner = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new DatabaseInUseError(
        `the embedded database (PGlite) in ${dir} is open in process ${owner} (an \`npm start\`?). ` +
          'PGlite serves one process: stop that process, or give every process a PostgreSQL server with DATABASE_URL.',
      );
    }
    await rm(lockFile, { force: true }); // its owner is gone (or it is unreadable): take it over
  }
  throw new DatabaseInUseError(`could not take the lock ${lockFile} of the embedded database`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
