/**
 * A process on `DATABASE_URL` outlives its server's connections: a connection lost while it is checked
 * out (PostgreSQL restarted, or the backend terminated, in the middle of a transaction) fails that
 * transaction and nothing else; the next query gets a new connection. Before the fix the lost connection's 'error' event had no
 * listener and ended the process (found by `npm run drill -- postgres-restart`, which saw an API node
 * exit while PostgreSQL restarted).
 */
import Fastify from 'fastify';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { installProblemHandlers } from '../../../api/problems';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type AppDatabase } from '../../../runtime/database';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';

let server: PostgresServer;
let database: AppDatabase;
let admin: pg.Client;

beforeAll(async () => {
  server = await startPostgres();
  const url = await server.createDatabase('connection_loss');
  database = await openDatabase({ url, pgliteDir: '/nonexistent', migrate: false, poolSize: 2 });
  admin = new pg.Client({ connectionString: server.url() });
  await admin.connect();
}, 120_000);

afterAll(async () => {
  await admin?.end();
  await database?.close();
  await server?.stop();
});

describe('openDatabase on a server', () => {
  it('fails only the transaction under way when its connection is lost between statements, and answers the next query on a new connection', async () => {
    let terminated = false;
    const transaction = database.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
      // The connection is checked out, between two statements, when its backend goes.
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      terminated = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
      await sql`SELECT 1`.execute(trx);
    });
    await expect(transaction).rejects.toThrow(/terminat|not queryable/i);
    expect(terminated).toBe(true);
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(database.db);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('answers a request whose connection is lost with a 503 database-unavailable and Retry-After, never a 500; the next request answers', async () => {
    const app = Fastify();
    installProblemHandlers(app);
    app.get('/lost', async () =>
      database.db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await sql`SELECT 1`.execute(trx);
        return { reached: true };
      }),
    );
    app.get('/fine', async () => (await sql<{ one: number }>`SELECT 1 AS one`.execute(database.db)).rows[0]);
    try {
      const lost = await app.inject('/lost');
      expect(lost.statusCode, lost.body).toBe(503);
      expect(lost.json().type).toBe('/problems/database-unavailable');
      expect(lost.headers['retry-after']).toBe('5');
      const fine = await app.inject('/fine');
      expect(fine.json()).toEqual({ one: 1 });
    } finally {
      await app.close();
    }
  });

  it('answers a request with a 503 database-unavailable while nothing listens at the database address', async () => {
    const away = new Kysely<Record<string, never>>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ host: '127.0.0.1', port: 1, user: 'nobody', database: 'none', connectionTimeoutMillis: 2000 }) }),
    });
    const app = Fastify();
    installProblemHandlers(app);
    app.get('/away', async () => (await sql`SELECT 1`.execute(away)).rows);
    try {
      const answer = await app.inject('/away');
      expect(answer.statusCode, answer.body).toBe(503);
      expect(answer.json().type).toBe('/problems/database-unavailable');
    } finally {
      await app.close();
      await away.destroy();
    }
  });
});
