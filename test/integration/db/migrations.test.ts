/**
 * The migrations, on PGlite and on a PostgreSQL server: a new database gets every table the stores
 * and the next issues use, a second run does nothing, and 0002 (the empty tables of the next issues),
 * 0003 (the read model's columns), 0004 (reviews and rectifications), 0005 (webhook and
 * notification delivery) and 0006 (case number counters) go down and up again.
 */
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateTo, migrateToLatest } from '../../../adapters/db/migrate';
import { MIGRATIONS } from '../../../adapters/db/migrations';
import type { Database } from '../../../adapters/db/schema';
import { openDatabase } from '../../../runtime/database';
import { postgresUnavailable, startPostgres, type PostgresServer } from '../../helpers/postgres';

const STORES = ['api_keys', 'broken_commitments', 'definition_versions', 'definitions', 'documents', 'outbox', 'uploads'];
const NEXT = [
  'case_number_sequences',
  'notices',
  'notification_deliveries',
  'persons',
  'read_cases',
  'read_items',
  'rectifications',
  'review_versions',
  'reviews',
  'webhook_deliveries',
  'webhook_subscriptions',
];

async function tables(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely_%' ORDER BY 1`.execute(db);
  return rows.map((r) => r.name);
}

let server: PostgresServer | undefined;
afterAll(() => server?.stop());

const backends: Array<[string, () => Promise<Kysely<Database>>]> = [
  ['pglite', async () => new Kysely<Database>({ dialect: new PGliteDialect({ pglite: new PGlite() }) })],
];
if (process.env.YJS_SKIP_POSTGRES !== '1') {
  backends.push([
    'postgres',
    async () => {
      if (postgresUnavailable()) throw new Error(postgresUnavailable());
      server ??= await startPostgres();
      const url = await server.createDatabase(`m${Math.random().toString(36).slice(2, 10)}`);
      return (await openDatabase({ url, pgliteDir: '/nonexistent', migrate: false })).db;
    },
  ]);
}

describe.each(backends)('migrations on %s', (_name, open) => {
  it('make every table on a new database, once; every migration after 0001 goes down and up again', async () => {
    const db = await open();
    try {
      expect(await tables(db)).toEqual([]);
      const first = await migrateToLatest(db);
      expect(first.applied).toEqual(Object.keys(MIGRATIONS));
      expect(await tables(db)).toEqual([...STORES, ...NEXT].sort());
      expect(await migrateToLatest(db)).toEqual({ applied: [], current: Object.keys(MIGRATIONS) });

      const down = await migrateTo(db, '0001-stores');
      expect(down.current).toEqual(['0001-stores']);
      expect(await tables(db)).toEqual(STORES);
      expect((await migrateToLatest(db)).applied).toEqual(Object.keys(MIGRATIONS).slice(1)); // every migration after 0001
      expect(await tables(db)).toEqual([...STORES, ...NEXT].sort());
    } finally {
      await db.destroy();
    }
  });
});
