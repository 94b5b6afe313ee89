/**
 * 0009: how many times each item was urged (催办), for the supervision figures (issue 12).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE read_items ADD COLUMN urges integer NOT NULL DEFAULT 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE read_items DROP COLUMN urges`.execute(db);
}
