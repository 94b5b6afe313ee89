/**
 * 0006: case numbers (办件编号, issue 15). `case_number_sequences` holds one counter per scope (the
 * number with its sequence left out); the API draws the next value when it starts a case.
 *
 * `down` drops the table: numbers already given stay on their cases, and a counter rebuilt from
 * nothing would give them again, so go down only on a database without cases.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE case_number_sequences (
      scope text PRIMARY KEY,
      last_value bigint NOT NULL CHECK (last_value > 0)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE case_number_sequences`.execute(db);
}
