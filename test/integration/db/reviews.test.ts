/**
 * The 好差评 store's contract on the database, on PGlite and on a PostgreSQL server: one rating per
 * case and per item whatever the retries and races (一次一评, 一事一评), a bad rating's rectification
 * in the same transaction, the workflow's writes idempotent (clock once, cards only forward, closed
 * once), keyset pages, and the counts statistics publish; amendments within the window by the
 * database's clock, every version kept, retries by key, and what they do to rectifications.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresReviewStore } from '../../../adapters/db/reviews';
import type { NewReview, RectificationClosing, ReviewAmendment } from '../../../adapters/reviews';
import type { ReviewLevel } from '../../../domain/reviews';
import { testDatabases } from '../../helpers/databases';

let ids = 0;
const review = (caseId: string, level: ReviewLevel, extra: Partial<NewReview> = {}): NewReview => ({
  id: `rv${++ids}`,
  caseId,
  bundleId: 'open-restaurant',
  department: 'gov-service',
  subjectId: '420104199003071234',
  ratedBy: 'wang-xiaoming',
  level,
  indicators: { efficiency: level },
  amendWithinHours: 24,
  ...extra,
});
const amendment = (reviewId: string, level: ReviewLevel, extra: Partial<ReviewAmendment> = {}): ReviewAmendment => ({
  reviewId,
  level,
  indicators: { efficiency: level },
  ratedBy: 'wang-xiaoming',
  rectification: { id: `ra${++ids}`, calendar: 'cn', days: 15 },
  ...extra,
});
const clock = { openedAt: '2026-12-01T02:00:00.000Z', deadline: '2026-12-22T16:00:00.000Z', yellowAt: '2026-12-10T04:00:00.000Z', redAt: '2026-12-19T16:00:00.000Z', estimated: false };
const closing = (closedAt: string, outcome: RectificationClosing['callback']['outcome'] = 'satisfied'): RectificationClosing => ({
  closedAt,
  closedBy: 'officer-market-regulation',
  measures: '已约谈窗口人员，优化指引',
  callback: { at: closedAt, outcome, note: '申请人表示认可', by: 'officer-market-regulation' },
});

describe.each(testDatabases())('PostgresReviewStore on %s', (backend, database) => {
  let store: PostgresReviewStore;
  beforeAll(async () => {
    store = new PostgresReviewStore(await database.open());
  });
  beforeEach(() => database.reset());
  afterAll(() => database.close());

  it('keeps one rating of a case and one of each item, the first, and opens a rectification with a bad one only', async () => {
    const first = await store.rate(review('c1', 1, { comment: '等太久' }), { id: 'rc1', calendar: 'cn', days: 15 });
    expect(first.created).toBe(true);
    expect(first.review).toMatchObject({ caseId: 'c1', level: 1, comment: '等太久', rectificationId: 'rc1', indicators: { efficiency: 1 } });
    expect(first.rectification).toMatchObject({ id: 'rc1', reviewId: first.review.id, status: 'open', card: 'none', days: 15, calendar: 'cn', level: 1 });
    expect(first.rectification!.deadline).toBeUndefined();

    const again = await store.rate(review('c1', 5), { id: 'rc2', calendar: 'cn', days: 15 });
    expect(again.created).toBe(false);
    expect(again.review).toEqual(first.review);
    expect(await store.rectification('rc2')).toBeUndefined();

    const item = await store.rate(review('c1', 4, { itemId: 'food-permit', department: 'market-regulation' }));
    expect(item.created).toBe(true);
    expect(item.rectification).toBeUndefined();
    expect((await store.rate(review('c1', 2, { itemId: 'food-permit', department: 'market-regulation' }))).created).toBe(false);
    expect((await store.reviewsOfCase('c1')).map((r) => r.itemId ?? 'case')).toEqual(['case', 'food-permit']);
  });

  it('keeps one of racing ratings of a case, and at most one rectification', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => store.rate(review('c2', 1), { id: `race${i}`, calendar: 'cn', days: 15 })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect((await store.listRectifications({ pageSize: 50 })).items).toHaveLength(1);
  });

  it.runIf(backend === 'postgres')('keeps one when two processes (two connection pools) rate the same case', async () => {
    const other = new PostgresReviewStore(await database.openAnother());
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? store : other).rate(review('c3', 2), { id: `p${i}`, calendar: 'cn', days: 15 })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await store.reviewsOfCase('c3')).toHaveLength(1);
  });

  it('records the clock once, moves cards only forward, and closes once', async () => {
    await store.rate(review('c4', 1), { id: 'rc4', calendar: 'cn', days: 15 });
    await store.startClock('rc4', clock);
    await store.startClock('rc4', { ...clock, deadline: '2030-01-01T00:00:00.000Z' }); // a retry after a replay: ignored
    expect(await store.rectification('rc4')).toMatchObject(clock);

    expect(await store.markCard('rc4', 'red')).toBe(true);
    expect(await store.markCard('rc4', 'yellow')).toBe(false); // late and out of order: ignored
    expect(await store.markCard('rc4', 'red')).toBe(false);
    expect((await store.rectification('rc4'))!.card).toBe('red');

    const closed = await store.close('rc4', closing('2026-12-18T03:00:00.000Z'));
    expect(closed).toMatchObject({
      status: 'closed',
      closedAt: '2026-12-18T03:00:00.000Z',
      measures: '已约谈窗口人员，优化指引',
      callback: { at: '2026-12-18T03:00:00.000Z', outcome: 'satisfied', note: '申请人表示认可', by: 'officer-market-regulation' },
    });
    expect(await store.close('rc4', closing('2027-01-05T03:00:00.000Z', 'unsatisfied'))).toEqual(closed);
    expect(await store.markCard('rc4', 'overdue')).toBe(false); // closed: no more cards
    expect(await store.close('no-such', closing('2026-12-18T03:00:00.000Z'))).toBeUndefined();
  });

  it('lists reviews newest first and rectifications nearest deadline first, in keyset pages, with filters', async () => {
    for (let i = 0; i < 5; i++) await store.rate(review(`l${i}`, i % 2 ? 5 : 1, { department: i < 3 ? 'market-regulation' : 'gov-service' }), i % 2 ? undefined : { id: `rl${i}`, calendar: 'cn', days: 15 });
    // Clocks in reverse order of creation; rl4 gets none yet.
    await store.startClock('rl0', { ...clock, deadline: '2026-12-30T16:00:00.000Z' });
    await store.startClock('rl2', { ...clock, deadline: '2026-12-20T16:00:00.000Z' });

    const reviews: string[] = [];
    let after;
    do {
      const page = await store.listReviews({ pageSize: 2, ...(after ? { after } : {}) });
      reviews.push(...page.items.map((r) => r.caseId));
      after = page.next;
    } while (after);
    expect(reviews).toEqual(['l4', 'l3', 'l2', 'l1', 'l0']);
    expect((await store.listReviews({ pageSize: 10, level: 1, department: 'market-regulation' })).items.map((r) => r.caseId)).toEqual(['l2', 'l0']);
    expect((await store.listReviews({ pageSize: 10, bundleId: 'newborn' })).items).toEqual([]);

    const rectifications: string[] = [];
    let next;
    do {
      const page = await store.listRectifications({ pageSize: 1, ...(next ? { after: next } : {}) });
      rectifications.push(...page.items.map((r) => r.id));
      next = page.next;
    } while (next);
    expect(rectifications).toEqual(['rl2', 'rl0', 'rl4']);
    expect((await store.listRectifications({ pageSize: 10, department: 'gov-service' })).items.map((r) => r.id)).toEqual(['rl4']);
    await store.markCard('rl2', 'overdue');
    expect((await store.listRectifications({ pageSize: 10, card: 'overdue' })).items.map((r) => r.id)).toEqual(['rl2']);
    expect((await store.listRectifications({ pageSize: 10, card: 'none', status: 'open' })).items.map((r) => r.id)).toEqual(['rl0', 'rl4']);
  });

  it('counts ratings by level and rectifications (open, overdue, closed on time, called back), in all and by department', async () => {
    const dept = (department: string) => ({ department });
    await store.rate(review('s1', 5, dept('market-regulation')));
    await store.rate(review('s2', 3, dept('market-regulation')));
    await store.rate(review('s3', 1, dept('market-regulation')), { id: 'rs3', calendar: 'cn', days: 15 });
    await store.rate(review('s4', 2, dept('fire-rescue')), { id: 'rs4', calendar: 'cn', days: 15 });
    await store.rate(review('s5', 1, dept('fire-rescue')), { id: 'rs5', calendar: 'cn', days: 15 });
    await store.rate(review('s6', 1, { ...dept('fire-rescue'), bundleId: 'newborn' }), { id: 'rs6', calendar: 'cn', days: 15 });
    for (const id of ['rs3', 'rs4', 'rs5', 'rs6']) await store.startClock(id, clock);
    await store.close('rs3', closing('2026-12-10T00:00:00.000Z')); // on time
    await store.markCard('rs4', 'overdue');
    await store.close('rs4', closing('2026-12-28T00:00:00.000Z', 'unreachable')); // late, applicant not reached
    await store.markCard('rs5', 'overdue'); // open and overdue

    const { all, byDepartment } = await store.counts({ bundleId: 'open-restaurant' });
    expect(all).toEqual({
      total: 5,
      byLevel: { 1: 2, 2: 1, 3: 1, 4: 0, 5: 1 },
      rectifications: { opened: 3, withdrawn: 0, open: 1, overdue: 1, closed: 2, closedOnTime: 1, calledBack: 1 },
    });
    expect(byDepartment.map((d) => [d.department, d.total, d.rectifications.opened])).toEqual([
      ['fire-rescue', 2, 2],
      ['market-regulation', 3, 1],
    ]);
    expect((await store.counts()).all.total).toBe(6);
  });
  it('amends a rating within its window: a new version each time, every version kept, the current one counted', async () => {
    const rated = await store.rate(review('a1', 4, { comment: '还行' }));
    expect(rated.review).toMatchObject({ version: 1, level: 4 });
    expect(Date.parse(rated.review.amendableUntil!) - Date.parse(rated.review.createdAt)).toBe(24 * 3_600_000);
    expect(rated.review.amendedAt).toBeUndefined();

    const first = await store.amend(amendment(rated.review.id, 5, { comment: '其实很好' }));
    expect(first.outcome).toBe('amended');
    if (first.outcome !== 'amended') throw new Error('not amended');
    expect(first.review).toMatchObject({ version: 2, level: 5, comment: '其实很好', amendableUntil: rated.review.amendableUntil, createdAt: rated.review.createdAt });
    expect(first.previous).toMatchObject({ version: 1, level: 4, comment: '还行' });
    expect(first.withdrawn ?? first.opened).toBeUndefined();
    expect((await store.amend(amendment(rated.review.id, 3))).outcome).toBe('amended');

    const versions = await store.versions(rated.review.id);
    expect(versions.map((v) => [v.version, v.level, v.comment ?? null])).toEqual([[1, 4, '还行'], [2, 5, '其实很好'], [3, 3, null]]);
    expect(versions[0]!.createdAt).toBe(rated.review.createdAt);
    for (let i = 1; i < versions.length; i++) expect(Date.parse(versions[i]!.createdAt)).toBeGreaterThanOrEqual(Date.parse(versions[i - 1]!.createdAt));
    expect((await store.review(rated.review.id))).toMatchObject({ version: 3, level: 3, amendedAt: versions[2]!.createdAt });
    expect((await store.counts()).all.byLevel).toEqual({ 1: 0, 2: 0, 3: 1, 4: 0, 5: 0 });

    // The current content again writes nothing.
    expect((await store.amend(amendment(rated.review.id, 3))).outcome).toBe('unchanged');
    expect(await store.versions(rated.review.id)).toHaveLength(3);
    expect((await store.amend(amendment('no-such', 3))).outcome).toBe('not-found');
  });

  it('refuses an amendment once the window has closed, by the database clock', async () => {
    const closed = await store.rate(review('a2', 2, { amendWithinHours: 0 }), { id: 'ra2', calendar: 'cn', days: 15 });
    const refused = await store.amend(amendment(closed.review.id, 5));
    expect(refused).toMatchObject({ outcome: 'window-closed', review: { version: 1, level: 2, amendableUntil: closed.review.createdAt } });
    expect(await store.versions(closed.review.id)).toHaveLength(1);
    expect((await store.rectification('ra2'))!.status).toBe('open');

    const short = await store.rate(review('a3', 4, { amendWithinHours: 1 / 3_600 })); // one second
    expect((await store.amend(amendment(short.review.id, 5))).outcome).toBe('amended');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect((await store.amend(amendment(short.review.id, 1))).outcome).toBe('window-closed');
    expect((await store.review(short.review.id))!.level).toBe(5);
  });

  it('is idempotent by key: the same request again is replayed, another under the same key refused', async () => {
    const rated = await store.rate(review('a4', 3));
    const first = await store.amend(amendment(rated.review.id, 4, { idempotencyKey: 'k1' }));
    expect(first.outcome).toBe('amended');
    await store.amend(amendment(rated.review.id, 5)); // a later amendment without a key
    const retry = await store.amend(amendment(rated.review.id, 4, { idempotencyKey: 'k1' }));
    expect(retry).toMatchObject({ outcome: 'replayed', review: { version: 3, level: 5 } });
    expect((await store.amend(amendment(rated.review.id, 1, { idempotencyKey: 'k1' }))).outcome).toBe('key-reused');
    expect(await store.versions(rated.review.id)).toHaveLength(3);
  });

  it('withdraws the open rectification when amended from bad to good, opens one from good to bad, at most one open; statistics count them apart', async () => {
    const rated = await store.rate(review('a5', 1, { department: 'market-regulation' }), { id: 'ra5', calendar: 'cn', days: 15 });
    await store.startClock('ra5', clock);
    await store.markCard('ra5', 'yellow');

    const better = await store.amend(amendment(rated.review.id, 4));
    if (better.outcome !== 'amended') throw new Error(better.outcome);
    expect(better.withdrawn).toMatchObject({ id: 'ra5', status: 'withdrawn', reviewVersion: 1, card: 'yellow' });
    expect(better.withdrawn!.withdrawnAt).toBeDefined();
    expect(await store.markCard('ra5', 'red')).toBe(false); // withdrawn: no more cards
    expect((await store.close('ra5', closing('2026-12-10T00:00:00.000Z')))!.status).toBe('withdrawn'); // nor a closing

    let counts = (await store.counts()).all;
    expect(counts.byLevel).toEqual({ 1: 0, 2: 0, 3: 0, 4: 1, 5: 0 });
    expect(counts.rectifications).toEqual({ opened: 1, withdrawn: 1, open: 0, overdue: 0, closed: 0, closedOnTime: 0, calledBack: 0 });

    const worse = await store.amend(amendment(rated.review.id, 2, { rectification: { id: 'ra5b', calendar: 'cn', days: 15 } }));
    if (worse.outcome !== 'amended') throw new Error(worse.outcome);
    expect(worse.opened).toMatchObject({ id: 'ra5b', status: 'open', reviewVersion: 3, level: 2, department: 'market-regulation' });
    expect(worse.review).toMatchObject({ version: 3, rectificationId: 'ra5b' });
    // Bad to bad: the open one goes on; nothing new opens.
    const stillBad = await store.amend(amendment(rated.review.id, 1, { rectification: { id: 'ra5c', calendar: 'cn', days: 15 } }));
    expect(stillBad).toMatchObject({ outcome: 'amended', review: { level: 1, rectificationId: 'ra5b' } });
    expect(await store.rectification('ra5c')).toBeUndefined();
    expect((await store.rectification('ra5b'))!.level).toBe(1);

    counts = (await store.counts()).all;
    expect(counts.total).toBe(1);
    expect(counts.rectifications).toMatchObject({ opened: 2, withdrawn: 1, open: 1 });
    expect((await store.listRectifications({ pageSize: 10, status: 'withdrawn' })).items.map((r) => r.id)).toEqual(['ra5']);
  });

  it('orders racing amendments of one rating: each writes its own version', async () => {
    const rated = await store.rate(review('a6', 3));
    const levels: ReviewLevel[] = [1, 2, 4, 5, 1, 2, 4, 5];
    const results = await Promise.all(levels.map((level, i) => store.amend(amendment(rated.review.id, level, { idempotencyKey: `race${i}` }))));
    expect(results.every((r) => r.outcome === 'amended' || r.outcome === 'unchanged')).toBe(true);
    const versions = await store.versions(rated.review.id);
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
    expect((await store.review(rated.review.id))!.version).toBe(versions.length);
    // Never two open rectifications of one rating.
    expect((await store.listRectifications({ pageSize: 50, status: 'open' })).items.length).toBeLessThanOrEqual(1);
  });
});
