/**
 * The database backends every store contract runs against, for `describe.each(testDatabases())`:
 *
 * - `pglite`: the embedded PGlite, in memory, migrated;
 * - `postgres`: a real PostgreSQL server (`postgres.ts`: Debian's, started for the test file as the
 *   `postgres` user), a fresh database on it, migrated by the same code.
 *
 * One database per backend and test file, opened by `open()` in a `beforeAll`, emptied by `reset()`
 * before each test and closed by `close()`. When PostgreSQL is not installed the `postgres` variant
 * fails loudly (its `open()` throws, saying what to install); only `YJS_SKIP_POSTGRES=1` leaves it
 * out, and says so.
 *
 * A fresh PGlite runs initdb in WebAssembly (4–5 s on 2 busy cores); loading a dump of a migrated one
 * takes well under a second. The dump is kept in the temporary folder, named by a hash of the
 * migrations and PGlite's version, so the first test file makes it and the others load it.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, sql } from 'kysely';
import { migrateToLatest } from '../../adapters/db/migrate';
import type { Database } from '../../adapters/db/schema';
import { PROJECT_ROOT } from '../../runtime/config';
import { openDatabase, type AppDatabase } from '../../runtime/database';
import { startPostgres, type PostgresServer } from './postgres';

export type BackendName = 'pglite' | 'postgres';

export interface TestDatabase {
  readonly name: BackendName;
  /** The migrated database of this test file (opened on the first call). */
  open(): Promise<Kysely<Database>>;
  /**
   * Another connection to the same database, as a second process has (postgres only: PGlite serves
   * one process). Closed by `close()`.
   */
  openAnother(): Promise<Kysely<Database>>;
  /** Empties every table (migrations stay). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

let skipWarned = false;

/** `[name, database]` for each backend, for `describe.each`. */
export function testDatabases(): Array<[BackendName, TestDatabase]> {
  const all: Array<[BackendName, TestDatabase]> = [
    ['pglite', pgliteDatabase()],
    ['postgres', postgresDatabase()],
  ];
  if (process.env.YJS_SKIP_POSTGRES === '1') {
    if (!skipWarned) console.warn('YJS_SKIP_POSTGRES=1: the database suites run on PGlite only, not against a PostgreSQL server');
    skipWarned = true;
    return all.filter(([name]) => name !== 'postgres');
  }
  return all;
}

/** A migrated PGlite in memory, as `npm start` has on disk. Destroy it when done. */
export async function openTestPglite(): Promise<Kysely<Database>> {
  const pglite = new PGlite({ loadDataDir: await pgliteTemplate() });
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  await migrateToLatest(db); // a no-op on the template; keeps the contract honest if it is stale
  return db;
}

function pgliteDatabase(): TestDatabase {
  let db: Promise<Kysely<Database>> | undefined;
  return {
    name: 'pglite',
    open() {
      db ??= openTestPglite();
      return db;
    },
    async openAnother() {
      throw new Error('PGlite serves one process: no second connection');
    },
    async reset() {
      await emptyTables(await this.open());
    },
    async close() {
      await (await db)?.destroy();
      db = undefined;
    },
  };
}

function postgresDatabase(): TestDatabase {
  let server: Promise<PostgresServer> | undefined;
  let main: Promise<AppDatabase> | undefined;
  const others: AppDatabase[] = [];
  const url = async () => {
    server ??= startPostgres();
    return (await server).url('yijianshi');
  };
  return {
    name: 'postgres',
    async open() {
      main ??= (async () => {
        server ??= startPostgres();
        const url = await (await server).createDatabase('yijianshi');
        return openDatabase({ url, pgliteDir: '/nonexistent', poolSize: 8 });
      })();
      return (await main).db;
    },
    async openAnother() {
      await this.open();
      const another = await openDatabase({ url: await url(), pgliteDir: '/nonexistent', poolSize: 4 });
      others.push(another);
      return another.db;
    },
    async reset() {
      await emptyTables(await this.open());
    },
    async close() {
      for (const other of others.splice(0)) await other.close();
      await (await main?.catch(() => undefined))?.close();
      await (await server?.catch(() => undefined))?.stop();
      main = undefined;
      server = undefined;
    },
  };
}

/**
 * Deletes every row of every table of the application (not the migrations' own), tables that refer to
 * others first. `DELETE` rather than `TRUNCATE`: on tables of a few rows it is far cheaper, on PGlite
 * above all (a truncate makes new files).
 */
async function emptyTables(db: Kysely<Database>): Promise<void> {
  const { rows: tables } = await sql<{ name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely_%'`.execute(db);
  const { rows: references } = await sql<{ child: string; parent: string }>`
    SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint WHERE contype = 'f'`.execute(db);
  const left = new Set(tables.map((t) => t.name));
  while (left.size > 0) {
    // A table no remaining table refers to can be emptied now.
    const free = [...left].filter((t) => !references.some((r) => r.parent === t && r.child !== t && left.has(r.child)));
    if (free.length === 0) throw new Error(`cannot order the tables for deletion: ${[...left].join(', ')}`);
    for (const table of free) {
      await sql`DELETE FROM ${sql.table(table)}`.execute(db);
      left.delete(table);
    }
  }
}

/** A dump of a fresh, migrated PGlite, made once per set of migrations and PGlite version. */
async function pgliteTemplate(): Promise<Blob> {
  const migrationsDir = join(PROJECT_ROOT, 'adapters', 'db', 'migrations');
  const hash = createHash('sha256');
  const pglitePackage = JSON.parse(await readFile(join(PROJECT_ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
  hash.update(pglitePackage.version);
  for (const name of (await readdir(migrationsDir)).sort()) hash.update(name).update(await readFile(join(migrationsDir, name)));
  const file = join(tmpdir(), `yjs-pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
  try {
    return new Blob([await readFile(file)]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const pglite = new PGlite();
  const kysely = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  try {
    await migrateToLatest(kysely);
    const dump = await pglite.dumpDataDir('none');
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, Buffer.from(await dump.arrayBuffer()));
    await rename(temporary, file); // whole or not at all, whichever test file made it first
    return dump;
  } finally {
    await kysely.destroy();
  }
}
