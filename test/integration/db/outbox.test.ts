/**
 * The notification outbox's contract on the database, on PGlite and on a PostgreSQL server: one
 * notification per case and key whatever the retries and races, a case's notifications oldest first,
 * and every one waiting for delivery.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresOutbox } from '../../../adapters/db/outbox';
import type { Notification } from '../../../adapters/outbox';
import { testDatabases } from '../../helpers/databases';

const notification = (caseId: string, subject: string): Notification => ({
  caseId,
  to: ['applicant:91350100M000100Y43', 'department:market-regulation'],
  subject: { zh: subject, en: subject },
  body: { zh: '正文', en: 'Body' },
  at: '2026-03-02T01:00:00.000Z',
});

describe.each(testDatabases())('PostgresOutbox on %s', (backend, database) => {
  let outbox: PostgresOutbox;
  beforeAll(async () => {
    outbox = new PostgresOutbox(await database.open());
  });
  beforeEach(() => database.reset());
  afterAll(() => database.close());

  it('keeps one notification per case and key, the first, whatever the retries', async () => {
    await outbox.put('commitment-broken', notification('c1', 'first'));
    await outbox.put('commitment-broken', notification('c1', 'retry'));
    const entries = await outbox.list('c1');
    expect(entries).toEqual([{ key: 'commitment-broken', notification: notification('c1', 'first'), createdAt: expect.any(String) }]);
  });

  it('keeps one of racing puts of a key', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => outbox.put('timeout-default/fire-check', notification('c2', `writer ${i}`))));
    expect(await outbox.list('c2')).toHaveLength(1);
  });

  it.runIf(backend === 'postgres')('keeps one when two processes (two connection pools) put the same key', async () => {
    const other = new PostgresOutbox(await database.openAnother());
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? outbox : other).put(`k${i % 3}`, notification('c3', `writer ${i}`))));
    expect((await outbox.list('c3')).map((e) => e.key)).toEqual(expect.arrayContaining(['k0', 'k1', 'k2']));
    expect(await outbox.list('c3')).toHaveLength(3);
  });

  it('lists a case\'s notifications oldest first, apart from other cases', async () => {
    await outbox.put('b-second', notification('c4', 'second'));
    await outbox.put('a-third', notification('c4', 'third'));
    await outbox.put('other', notification('c5', 'other case'));
    expect((await outbox.list('c4')).map((e) => e.notification.subject.en)).toEqual(['second', 'third']);
    expect((await outbox.list('c5')).map((e) => e.key)).toEqual(['other']);
    expect(await outbox.list('c6')).toEqual([]);
  });

  it('leaves every notification waiting for delivery', async () => {
    await outbox.put('k', notification('c7', 'waiting'));
    const db = await database.open();
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL`.execute(db);
    expect(rows[0]?.n).toBe(1);
  });
});
