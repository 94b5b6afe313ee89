/**
 * 0007: inbox and supervision pages list open items (in review, supplementing, in a special step)
 * unless a status is asked for. With a year of decided items, an index over every dispatched item,
 * in deadline order, would walk past tens of thousands of decided ones (their deadlines are the
 * earliest) before the first open item: these partial indexes hold the open items only, in the
 * inbox's order.
 */
import { sql, type Kysely } from 'kysely';

const OPEN = sql.raw(`dispatched_at IS NOT NULL AND status IN ('in-review', 'supplementing', 'special-step')`);
const ORDER = sql.raw(`(coalesce(deadline, 'infinity'::timestamptz)), dispatched_at, workflow_id`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX read_items_open_department ON read_items (department, ${ORDER}) WHERE ${OPEN}`.execute(db);
  await sql`CREATE INDEX read_items_open_card ON read_items (card, ${ORDER}) WHERE ${OPEN}`.execute(db);
  await sql`CREATE INDEX read_items_open_department_card ON read_items (department, card, ${ORDER}) WHERE ${OPEN}`.execute(db);
  await sql`CREATE INDEX read_items_open_all ON read_items (${ORDER}) WHERE ${OPEN}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['read_items_open_all', 'read_items_open_department_card', 'read_items_open_card', 'read_items_open_department']) {
    await sql`DROP INDEX ${sql.id(index)}`.execute(db);
  }
}
