/**
 * Webhook subscriptions and deliveries in PostgreSQL (a server or PGlite). A delivery is one row per
 * (subscription, message id): queuing the same event again inserts nothing, and an attempt's outcome
 * changes only a row still pending, so a retried or repeated activity never delivers a message twice
 * in the record. `seq` is the queue's order.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { WebhookEvent, WebhookEventType } from '../../domain/webhooks';
import { webhookPayload } from '../../domain/webhooks';
import {
  generateWebhookSecret,
  type AttemptOutcome,
  type DeliveryQuery,
  type DeliveryTarget,
  type NewSubscription,
  type WebhookDelivery,
  type WebhookStore,
  type WebhookSubscription,
} from '../webhooks';
import type { Database, WebhookDeliveriesTable, WebhookSubscriptionsTable } from './schema';

const iso = (d: Date | null | undefined): string | undefined => (d ? d.toISOString() : undefined);
const textArray = (values: readonly string[]) => sql<string[]>`ARRAY[${sql.join(values.map((v) => sql`${v}`))}]::text[]`;

export class PostgresWebhookStore implements WebhookStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createSubscription(input: NewSubscription): Promise<{ subscription: WebhookSubscription; secret: string }> {
    const secret = generateWebhookSecret();
    const row = await this.db
      .insertInto('webhook_subscriptions')
      .values({
        id: `sub_${randomBytes(8).toString('hex')}`,
        owner: input.owner,
        url: input.url,
        event_types: [...new Set(input.eventTypes)],
        secret,
        description: input.description ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { subscription: subscriptionOf(row), secret };
  }

  async listSubscriptions(owner?: string): Promise<WebhookSubscription[]> {
    let select = this.db.selectFrom('webhook_subscriptions').selectAll().where('disabled_at', 'is', null);
    if (owner !== undefined) select = select.where('owner', '=', owner);
    return (await select.orderBy('created_at').orderBy('id').execute()).map(subscriptionOf);
  }

  async getSubscription(id: string): Promise<WebhookSubscription | undefined> {
    const row = await this.db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).where('disabled_at', 'is', null).executeTakeFirst();
    return row && subscriptionOf(row);
  }

  async deleteSubscription(id: string): Promise<boolean> {
    return (await this.db.deleteFrom('webhook_subscriptions').where('id', '=', id).returning('id').executeTakeFirst()) !== undefined;
  }

  async rotateSecret(id: string, overlapMs: number): Promise<{ subscription: WebhookSubscription; secret: string } | undefined> {
    const secret = generateWebhookSecret();
    const row = await this.db
      .updateTable('webhook_subscriptions')
      .set((eb) => ({
        previous_secret: eb.ref('secret'),
        previous_secret_expires_at: new Date(Date.now() + overlapMs),
        secret,
        updated_at: sql`now()`,
      }))
      .where('id', '=', id)
      .where('disabled_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row && { subscription: subscriptionOf(row), secret };
  }

  async anyWants(types: readonly WebhookEventType[]): Promise<boolean> {
    if (types.length === 0) return false;
    const row = await this.db
      .selectFrom('webhook_subscriptions')
      .select('id')
      .where('disabled_at', 'is', null)
      .where(sql<boolean>`event_types && ${textArray(types)}`)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async enqueue(owner: string, events: readonly WebhookEvent[]): Promise<string[]> {
    const types = [...new Set(events.map((e) => e.type))];
    if (types.length === 0) return [];
    const subscriptions = await this.db
      .selectFrom('webhook_subscriptions')
      .select(['id', 'event_types', 'created_at'])
      .where('owner', '=', owner)
      .where('disabled_at', 'is', null)
      .where(sql<boolean>`event_types && ${textArray(types)}`)
      .orderBy('id')
      .execute();
    // A subscription hears of what happens after it was made, not of a case's earlier history.
    const rows = events.flatMap((event) =>
      subscriptions
        .filter((s) => s.event_types.includes(event.type) && Date.parse(event.at) >= s.created_at.getTime())
        .map((s) => ({
          subscription_id: s.id,
          message_id: event.messageId,
          event_type: event.type,
          case_id: event.caseId,
          payload: JSON.stringify(webhookPayload(event)),
        })),
    );
    if (rows.length === 0) return [];
    await this.db
      .insertInto('webhook_deliveries')
      .values(rows)
      .onConflict((oc) => oc.columns(['subscription_id', 'message_id']).doNothing())
      .execute();
    return [...new Set(rows.map((r) => r.subscription_id))];
  }

  async nextPending(subscriptionId: string, caseId: string): Promise<{ messageId: string } | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const queue = trx.selectFrom('webhook_deliveries').select('message_id').where('subscription_id', '=', subscriptionId).where('case_id', '=', caseId);
      const dead = await queue.where('status', '=', 'dead').orderBy('seq').limit(1).executeTakeFirst();
      if (dead) {
        // Per-case order: nothing of this case overtakes a message waiting in the dead-letter list.
        await trx
          .updateTable('webhook_deliveries')
          .set({ status: 'dead', dead_at: sql`now()`, next_attempt_at: null, last_error: sql`coalesce(last_error, ${`held behind ${dead.message_id}, in the dead-letter list`})` })
          .where('subscription_id', '=', subscriptionId)
          .where('case_id', '=', caseId)
          .where('status', '=', 'pending')
          .execute();
        return undefined;
      }
      const next = await queue.where('status', '=', 'pending').orderBy('seq').limit(1).executeTakeFirst();
      return next && { messageId: next.message_id };
    });
  }

  async target(subscriptionId: string, messageId: string): Promise<DeliveryTarget | undefined> {
    const row = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
      .selectAll('d')
      .select(['s.url', 's.secret', 's.previous_secret', 's.previous_secret_expires_at'])
      .where('d.subscription_id', '=', subscriptionId)
      .where('d.message_id', '=', messageId)
      .where('s.disabled_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    const previousValid = row.previous_secret && row.previous_secret_expires_at && row.previous_secret_expires_at.getTime() > Date.now();
    return { delivery: deliveryOf(row), url: row.url, secrets: previousValid ? [row.secret, row.previous_secret!] : [row.secret] };
  }

  async recordAttempt(subscriptionId: string, messageId: string, outcome: AttemptOutcome): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_attempt_at: outcome.at,
        last_status: outcome.status ?? null,
        last_error: outcome.ok ? null : (outcome.error ?? 'failed'),
        next_attempt_at: outcome.ok ? null : (outcome.nextAttemptAt ?? null),
        ...(outcome.ok ? { status: 'delivered' as const, delivered_at: outcome.at } : {}),
      }))
      .where('subscription_id', '=', subscriptionId)
      .where('message_id', '=', messageId)
      .where('status', '=', 'pending')
      .execute();
  }

  async deadLetter(subscriptionId: string, caseId: string, messageId: string, reason: string): Promise<number> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: 'dead',
        dead_at: sql`now()`,
        next_attempt_at: null,
        // The message keeps its last failure (what the receiver answered); those behind it say why they wait.
        last_error: sql`CASE WHEN message_id = ${messageId} THEN coalesce(last_error, ${reason}) ELSE ${`held behind ${messageId}, in the dead-letter list`} END`,
      })
      .where('subscription_id', '=', subscriptionId)
      .where('case_id', '=', caseId)
      .where('status', '=', 'pending')
      .where(
        'seq',
        '>=',
        this.db.selectFrom('webhook_deliveries').select('seq').where('subscription_id', '=', subscriptionId).where('message_id', '=', messageId),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async listDeliveries(subscriptionId: string, query: DeliveryQuery): Promise<Array<WebhookDelivery & { seq: number }>> {
    let select = this.db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', subscriptionId);
    if (query.status) select = select.where('status', '=', query.status);
    if (query.before !== undefined) select = select.where('seq', '<', query.before);
    const rows = await select.orderBy('seq', 'desc').limit(query.limit).execute();
    return rows.map((row) => ({ ...deliveryOf(row), seq: Number(row.seq) }));
  }

  async replay(subscriptionId: string, caseId?: string): Promise<{ cases: string[]; messages: number }> {
    let update = this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({ status: 'pending', dead_at: null, replays: eb('replays', '+', 1), next_attempt_at: sql`now()` }))
      .where('subscription_id', '=', subscriptionId)
      .where('status', '=', 'dead');
    if (caseId !== undefined) update = update.where('case_id', '=', caseId);
    const rows = await update.returning('case_id').execute();
    // Every case with messages waiting, so that a replay whose wake-up failed wakes them when repeated.
    let waiting = this.db.selectFrom('webhook_deliveries').select('case_id').distinct().where('subscription_id', '=', subscriptionId).where('status', '=', 'pending');
    if (caseId !== undefined) waiting = waiting.where('case_id', '=', caseId);
    const cases = (await waiting.execute()).map((r) => r.case_id!).sort();
    return { cases, messages: rows.length };
  }
}

function subscriptionOf(row: Selectable<WebhookSubscriptionsTable>): WebhookSubscription {
  const overlap = row.previous_secret_expires_at && row.previous_secret_expires_at.getTime() > Date.now() ? row.previous_secret_expires_at : undefined;
  return {
    id: row.id,
    owner: row.owner,
    url: row.url,
    eventTypes: row.event_types as WebhookEventType[],
    ...(row.description ? { description: row.description } : {}),
    createdAt: row.created_at.toISOString(),
    ...(overlap ? { previousSecretExpiresAt: overlap.toISOString() } : {}),
  };
}

function deliveryOf(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    messageId: row.message_id,
    eventType: row.event_type as WebhookEventType,
    caseId: row.case_id ?? '',
    status: row.status,
    attempts: row.attempts,
    ...(row.last_attempt_at ? { lastAttemptAt: iso(row.last_attempt_at) } : {}),
    ...(row.last_status !== null ? { lastStatus: row.last_status } : {}),
    ...(row.last_error ? { lastError: row.last_error } : {}),
    ...(row.next_attempt_at ? { nextAttemptAt: iso(row.next_attempt_at) } : {}),
    ...(row.delivered_at ? { deliveredAt: iso(row.delivered_at) } : {}),
    ...(row.dead_at ? { deadAt: iso(row.dead_at) } : {}),
    replays: row.replays,
    createdAt: row.created_at.toISOString(),
    payload: row.payload,
  };
}
