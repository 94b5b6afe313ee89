/**
 * 0008: the department role that acts on an item's current step, so that a person's inbox lists the
 * items at their role's steps or held by them (issue 12).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE read_items ADD COLUMN step_role text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE read_items DROP COLUMN step_role`.execute(db);
}
