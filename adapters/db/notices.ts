/**
 * Notification delivery in PostgreSQL (a server or PGlite): `notification_deliveries`, one row per
 * (notification, channel, recipient), and `notices`, the applicants' in-app notices, one per
 * (case, key, applicant). Every write is keyed, so retries and repeated workflows add nothing.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { CaseFacts, NoticeChannel, NoticeText, PlannedDelivery } from '../../domain/notices';
import { inAppNoticeId, notificationId, type InAppNotice, type NoticeDelivery, type NoticeStore } from '../notices';
import type { Database, NoticesTable, NotificationDeliveriesTable } from './schema';

export class PostgresNoticeStore implements NoticeStore {
  constructor(private readonly db: Kysely<Database>) {}

  async notification(caseId: string, key: string): Promise<NoticeText | undefined> {
    const row = await this.db.selectFrom('outbox').select('notification').where('case_id', '=', caseId).where('key', '=', key).executeTakeFirst();
    return row?.notification as NoticeText | undefined;
  }

  async caseFacts(caseId: string): Promise<CaseFacts> {
    const row = await this.db.selectFrom('read_cases').select(['title', 'applicant_name']).where('case_id', '=', caseId).executeTakeFirst();
    return { caseId, ...(row ? { title: row.title as { zh: string; en: string }, applicantName: row.applicant_name } : {}) };
  }

  async plan(caseId: string, key: string, planned: readonly PlannedDelivery[]): Promise<NoticeDelivery[]> {
    const id = notificationId(caseId, key);
    if (planned.length > 0) {
      await this.db
        .insertInto('notification_deliveries')
        .values(planned.map((p) => ({ notification_id: id, case_id: caseId, key, channel: p.channel, recipient: p.recipient, address: p.address })))
        .onConflict((oc) => oc.columns(['notification_id', 'channel', 'recipient']).doNothing())
        .execute();
    }
    const rows = await this.db.selectFrom('notification_deliveries').selectAll().where('notification_id', '=', id).orderBy('created_at').orderBy('channel').orderBy('recipient').execute();
    return rows.map(deliveryOf);
  }

  async delivery(caseId: string, key: string, channel: NoticeChannel, recipient: string): Promise<NoticeDelivery | undefined> {
    const row = await this.db
      .selectFrom('notification_deliveries')
      .selectAll()
      .where('notification_id', '=', notificationId(caseId, key))
      .where('channel', '=', channel)
      .where('recipient', '=', recipient)
      .executeTakeFirst();
    return row && deliveryOf(row);
  }

  async recordAttempt(caseId: string, key: string, channel: NoticeChannel, recipient: string, outcome: { ok: boolean; at: string; error?: string }): Promise<void> {
    await this.db
      .updateTable('notification_deliveries')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_attempt_at: outcome.at,
        last_error: outcome.ok ? null : (outcome.error ?? 'failed'),
        ...(outcome.ok ? { status: 'delivered' as const, delivered_at: outcome.at, failed_at: null } : {}),
      }))
      .where('notification_id', '=', notificationId(caseId, key))
      .where('channel', '=', channel)
      .where('recipient', '=', recipient)
      .where('status', '!=', 'delivered')
      .execute();
  }

  async markFailed(caseId: string, key: string, channel: NoticeChannel, recipient: string, error: string): Promise<void> {
    await this.db
      .updateTable('notification_deliveries')
      .set({ status: 'failed', failed_at: sql`now()`, last_error: sql`coalesce(last_error, ${error})` })
      .where('notification_id', '=', notificationId(caseId, key))
      .where('channel', '=', channel)
      .where('recipient', '=', recipient)
      .where('status', '=', 'pending')
      .execute();
  }

  async settle(caseId: string, key: string): Promise<boolean> {
    const updated = await this.db
      .updateTable('outbox')
      .set({ delivered_at: sql`now()` })
      .where('case_id', '=', caseId)
      .where('key', '=', key)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('notification_deliveries').select('channel').where('notification_id', '=', notificationId(caseId, key)).where('status', '!=', 'delivered'))),
      )
      .returning('key')
      .executeTakeFirst();
    if (updated) return true;
    const row = await this.db.selectFrom('outbox').select('delivered_at').where('case_id', '=', caseId).where('key', '=', key).executeTakeFirst();
    return Boolean(row?.delivered_at);
  }

  async addInApp(caseId: string, key: string, subjectId: string, notice: NoticeText): Promise<void> {
    await this.db
      .insertInto('notices')
      .values({
        id: inAppNoticeId(caseId, key, subjectId),
        subject_id: subjectId,
        case_id: caseId,
        key,
        subject: JSON.stringify(notice.subject),
        body: JSON.stringify(notice.body),
        at: notice.at,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async inApp(subjectId: string, limit: number): Promise<{ notices: InAppNotice[]; unread: number }> {
    const rows = await this.db.selectFrom('notices').selectAll().where('subject_id', '=', subjectId).orderBy('at', 'desc').orderBy('id').limit(limit).execute();
    const { unread } = await this.db
      .selectFrom('notices')
      .select((eb) => eb.fn.countAll<string | number>().as('unread'))
      .where('subject_id', '=', subjectId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return { notices: rows.map(noticeOf), unread: Number(unread) };
  }

  async markRead(subjectId: string, id: string): Promise<InAppNotice | undefined> {
    const row = await this.db
      .updateTable('notices')
      .set({ read_at: sql`coalesce(read_at, now())` })
      .where('id', '=', id)
      .where('subject_id', '=', subjectId)
      .returningAll()
      .executeTakeFirst();
    return row && noticeOf(row);
  }

  async failures(limit: number): Promise<NoticeDelivery[]> {
    const rows = await this.db.selectFrom('notification_deliveries').selectAll().where('status', '=', 'failed').orderBy('failed_at', 'desc').limit(limit).execute();
    return rows.map(deliveryOf);
  }

  async resetFailed(id: string): Promise<{ caseId: string; key: string } | undefined> {
    await this.db.updateTable('notification_deliveries').set({ status: 'pending', failed_at: null }).where('notification_id', '=', id).where('status', '=', 'failed').execute();
    // Pending ones too: a retry whose workflow did not start is repeated.
    const row = await this.db.selectFrom('notification_deliveries').select(['case_id', 'key']).where('notification_id', '=', id).where('status', '=', 'pending').executeTakeFirst();
    return row && { caseId: row.case_id, key: row.key };
  }
}

function deliveryOf(row: Selectable<NotificationDeliveriesTable>): NoticeDelivery {
  return {
    notificationId: row.notification_id,
    caseId: row.case_id,
    key: row.key,
    channel: row.channel,
    recipient: row.recipient,
    address: row.address,
    status: row.status,
    attempts: row.attempts,
    ...(row.last_attempt_at ? { lastAttemptAt: row.last_attempt_at.toISOString() } : {}),
    ...(row.last_error ? { lastError: row.last_error } : {}),
    ...(row.delivered_at ? { deliveredAt: row.delivered_at.toISOString() } : {}),
    ...(row.failed_at ? { failedAt: row.failed_at.toISOString() } : {}),
  };
}

function noticeOf(row: Selectable<NoticesTable>): InAppNotice {
  return {
    id: row.id,
    caseId: row.case_id,
    subject: row.subject,
    body: row.body,
    at: row.at.toISOString(),
    ...(row.read_at ? { readAt: row.read_at.toISOString() } : {}),
  };
}
