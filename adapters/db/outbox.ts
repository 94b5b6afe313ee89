/**
 * The notification outbox in PostgreSQL (a server or PGlite): table `outbox`, one row per (case, key),
 * with `delivered_at` for the delivery channel that drains it (issue 14).
 */
import type { Kysely } from 'kysely';
import type { Notification, Outbox, OutboxEntry } from '../outbox';
import type { Database } from './schema';

export class PostgresOutbox implements Outbox {
  constructor(private readonly db: Kysely<Database>) {}

  async put(key: string, notification: Notification): Promise<void> {
    await this.db
      .insertInto('outbox')
      .values({ case_id: notification.caseId, key, notification: JSON.stringify(notification) })
      .onConflict((oc) => oc.columns(['case_id', 'key']).doNothing())
      .execute();
  }

  async list(caseId: string): Promise<OutboxEntry[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .select(['key', 'notification', 'created_at'])
      .where('case_id', '=', caseId)
      .orderBy('seq')
      .execute();
    return rows.map((row) => ({ key: row.key, notification: row.notification as Notification, createdAt: row.created_at.toISOString() }));
  }

  /**
   * Adds an entry as it was stored elsewhere (the file layout's `notifications/…` documents), keeping
   * its time; once per (case, key). Whether it was added.
   */
  async importEntry(entry: OutboxEntry): Promise<boolean> {
    const inserted = await this.db
      .insertInto('outbox')
      .values({ case_id: entry.notification.caseId, key: entry.key, notification: JSON.stringify(entry.notification), created_at: entry.createdAt })
      .onConflict((oc) => oc.columns(['case_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    return inserted !== undefined;
  }
}
