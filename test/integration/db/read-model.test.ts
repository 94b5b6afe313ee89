/**
 * The read model's contract on the database, on PGlite and on a PostgreSQL server: a case and its
 * items written once per revision (older and equal revisions change nothing, a rebuild may rewrite
 * its own), inbox pages in the inbox's order with keyset tokens that neither skip nor repeat, filters,
 * a case's progress with its age, and statistics aggregated by the database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresReadModel } from '../../../adapters/db/read-model';
import { loadCalendar } from '../../../adapters/calendar-data';
import { measuresOf } from '../../../adapters/read-model';
import { workingDaysElapsed } from '../../../domain/calendar';
import type { CaseProjection, ItemProjection } from '../../../domain/read-model';
import { testDatabases } from '../../helpers/databases';

const title = { zh: '开办餐饮店一件事', en: 'Open a restaurant' };

function item(caseId: string, itemId: string, patch: Partial<ItemProjection> = {}): ItemProjection {
  return {
    workflowId: `case-${caseId}-item-${itemId}`,
    itemId,
    code: itemId.toUpperCase(),
    title: { zh: itemId, en: itemId },
    department: 'market-regulation',
    status: 'in-review',
    level: 0,
    promisedDays: 3,
    applicable: true,
    paused: false,
    escalatedFrom: [],
    dispatchedAt: '2026-03-02T01:00:00.000Z',
    deadline: '2026-03-04T16:00:00.000Z',
    ...patch,
  };
}

function projection(caseId: string, revision: number, items: ItemProjection[], patch: Partial<CaseProjection> = {}): CaseProjection {
  return {
    workflowId: `case-${caseId}`,
    revision,
    caseId,
    bundleId: 'open-restaurant',
    bundleVersion: 1,
    calendar: 'cn',
    status: 'processing',
    title,
    subjectId: '420104199003071234',
    applicantName: '王小明',
    windowDepartment: 'gov-service',
    submittedAt: '2026-03-02T00:30:00.000Z',
    acceptedAt: '2026-03-02T00:59:00.000Z',
    items,
    progress: { caseId, revision },
    ...patch,
  };
}

describe.each(testDatabases())('PostgresReadModel on %s', (_backend, database) => {
  let store: PostgresReadModel;
  beforeAll(async () => {
    store = new PostgresReadModel(await database.open());
  });
  beforeEach(() => database.reset());
  afterAll(() => database.close());

  const write = async (p: CaseProjection, options?: { replaceSameRevision?: boolean }) => store.write(p, await measuresOf(p), options);

  it('writes a case once per revision: an older or equal revision changes nothing, a rebuild rewrites its own', async () => {
    expect(await write(projection('c1', 2, [item('c1', 'licence', { status: 'approved', decidedAt: '2026-03-03T02:00:00.000Z' })], { status: 'completed' }))).toBe(true);
    // A retry of revision 2 with other content, and a late revision 1: neither lands.
    expect(await write(projection('c1', 2, [item('c1', 'licence')], { status: 'processing' }))).toBe(false);
    expect(await write(projection('c1', 1, [item('c1', 'licence')], { status: 'submitted' }))).toBe(false);
    expect((await store.caseProgress('c1'))?.progress).toEqual({ caseId: 'c1', revision: 2 });
    expect((await store.listItems({ pageSize: 10, status: 'approved' })).items[0]).toMatchObject({ itemId: 'licence', status: 'approved' });
    // A rebuild writes what the workflow answers at its revision.
    expect(await write(projection('c1', 2, [item('c1', 'licence', { status: 'approved', decidedAt: '2026-03-03T02:00:00.000Z' })], { status: 'completed', progress: { rebuilt: true } }), { replaceSameRevision: true })).toBe(true);
    expect((await store.caseProgress('c1'))?.progress).toEqual({ rebuilt: true });
    expect(await write(projection('c1', 3, [item('c1', 'licence', { status: 'approved', decidedAt: '2026-03-03T02:00:00.000Z' })], { status: 'completed' }))).toBe(true);
    expect((await store.caseProgress('c1'))?.revision).toBe(3);
  });

  it('keeps the newest of racing writes of one case', async () => {
    const revisions = Array.from({ length: 12 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    await Promise.all(revisions.map((r) => write(projection('c2', r, [item('c2', 'licence', { step: `step-${r}` })]))));
    expect((await store.caseProgress('c2'))?.revision).toBe(12);
    expect((await store.listItems({ pageSize: 5 })).items[0]?.step).toBe('step-12');
  });

  it('lists dispatched items nearest deadline first, then first come first served, in pages that neither skip nor repeat', async () => {
    const cases = Array.from({ length: 30 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    for (const [i, caseId] of cases.entries()) {
      await write(
        projection(caseId, 1, [
          item(caseId, 'licence', { deadline: `2026-03-${String(10 + (i % 5)).padStart(2, '0')}T16:00:00.000Z`, dispatchedAt: `2026-03-02T01:${String(59 - i).padStart(2, '0')}:00.000Z` }),
          item(caseId, 'fire', { department: 'fire-rescue', status: 'pending', dispatchedAt: undefined, deadline: undefined }),
          item(caseId, 'sign', { department: 'urban-management', deadline: undefined, card: i % 2 ? 'red' : undefined }),
        ]),
      );
    }
    const seen: Array<{ deadline?: string; startedAt?: string; caseId: string; department: string }> = [];
    let after;
    for (let pages = 0; pages < 20; pages++) {
      const page = await store.listItems({ pageSize: 7, ...(after ? { after } : {}) });
      seen.push(...page.items);
      if (!page.next) break;
      after = page.next;
    }
    // 30 licences and 30 signs (dispatched); the pending fire checks are in no inbox.
    expect(seen).toHaveLength(60);
    expect(new Set(seen.map((s) => `${s.caseId}/${s.department}`)).size).toBe(60);
    const keys = seen.map((s) => `${s.deadline ?? '9999'} ${s.startedAt}`);
    expect(keys).toEqual([...keys].sort());
    expect(seen.slice(-30).every((s) => s.deadline === undefined)).toBe(true);

    const market = await store.listItems({ department: 'market-regulation', pageSize: 100 });
    expect(market.items).toHaveLength(30);
    expect((await store.listItems({ card: 'red', pageSize: 100 })).items).toHaveLength(15);
    const none = await store.listItems({ card: 'none', department: 'urban-management', pageSize: 100 });
    expect(none.items).toHaveLength(15);
    expect(none.items.every((i) => i.card === 'none')).toBe(true);
    expect((await store.listItems({ status: 'pending', pageSize: 100 })).items).toHaveLength(0);
  });

  it('lists open items unless a status is asked for: decided ones, with the earliest deadlines, do not fill the pages', async () => {
    for (let i = 0; i < 30; i++) {
      await write(projection(`d${i}`, 1, [item(`d${i}`, 'licence', { status: 'approved', deadline: '2026-01-05T16:00:00.000Z', decidedAt: '2026-01-04T02:00:00.000Z' })]));
    }
    await write(projection('open', 1, [item('open', 'licence', { status: 'supplementing', deadline: '2026-03-20T16:00:00.000Z', card: 'red' })]));
    expect((await store.listItems({ pageSize: 5 })).items.map((i) => i.caseId)).toEqual(['open']);
    expect((await store.listItems({ card: 'red', pageSize: 5 })).items.map((i) => i.caseId)).toEqual(['open']);
    expect((await store.listItems({ department: 'market-regulation', pageSize: 5 })).items.map((i) => i.caseId)).toEqual(['open']);
    expect((await store.listItems({ status: 'approved', pageSize: 100 })).items).toHaveLength(30);
  });

  it('counts what the inbox lists on every page, per card, with the same filters (department, person, status, escalated)', async () => {
    const cards = ['red', 'red', 'yellow', 'overdue', undefined, undefined, undefined] as const;
    for (const [i, card] of cards.entries()) {
      await write(projection(`c${i}`, 1, [item(`c${i}`, 'licence', { ...(card ? { card } : {}), ...(i === 0 ? { holder: 'officer-li', stepRole: 'handler' } : { stepRole: i % 2 ? 'handler' : 'reviewer' }) })]));
    }
    await write(projection('fire', 1, [item('fire', 'fire-check', { department: 'fire-rescue', card: 'red', escalatedFrom: ['district-fire'] })]));
    await write(projection('done', 1, [item('done', 'licence', { status: 'approved', card: 'overdue', decidedAt: '2026-03-03T02:00:00.000Z' })]));
    expect(await store.countItems({ department: 'market-regulation' })).toEqual({ total: 7, none: 3, yellow: 1, red: 2, overdue: 1 });
    expect(await store.countItems({})).toEqual({ total: 8, none: 3, yellow: 1, red: 3, overdue: 1 });
    expect(await store.countItems({ status: 'approved' })).toEqual({ total: 1, none: 0, yellow: 0, red: 0, overdue: 1 });
    expect(await store.countItems({ escalated: true })).toEqual({ total: 1, none: 0, yellow: 0, red: 1, overdue: 0 });
    // A person's inbox: what they hold, and what nobody holds at their role's step.
    const mine = await store.countItems({ department: 'market-regulation', person: { id: 'officer-li', role: 'reviewer' } });
    const listed = await store.listItems({ department: 'market-regulation', person: { id: 'officer-li', role: 'reviewer' }, pageSize: 100 });
    expect(mine.total).toBe(listed.items.length);
    expect(mine).toEqual({ total: 4, none: 2, yellow: 1, red: 1, overdue: 0 });
  });

  it('aggregates statistics over every decided item: counts, working days (nearest rank), on time, same day, instant', async () => {
    // Mon 2 March 2026, 09:00 Beijing time: decided the same day, after 1, 2 … working days.
    const decided = (caseId: string, itemId: string, decidedAt: string, patch: Partial<ItemProjection> = {}) =>
      item(caseId, itemId, { status: 'approved', dispatchedAt: '2026-03-02T01:00:00.000Z', decidedAt, deadline: '2026-03-04T16:00:00.000Z', ...patch });
    await write(
      projection('s1', 5, [
        decided('s1', 'a', '2026-03-02T03:00:00.000Z', { kind: 'instant' }),
        decided('s1', 'b', '2026-03-03T03:00:00.000Z', { status: 'defaulted' }),
        decided('s1', 'c', '2026-03-06T03:00:00.000Z', { status: 'rejected' }),
        item('s1', 'd', { status: 'cancelled' }),
      ], { status: 'rejected', bundleId: 'open-restaurant' }),
    );
    await write(projection('s2', 2, [decided('s2', 'a', '2026-03-04T03:00:00.000Z')], { status: 'completed', bundleId: 'newborn' }));
    await write(projection('s3', 1, [item('s3', 'a')], { status: 'processing', bundleId: 'newborn' }));

    const all = await store.aggregates();
    expect(all.cases).toEqual({ rejected: 1, completed: 1, processing: 1 });
    expect(all.decided.count).toBe(4);
    expect(all.decided.byStatus).toEqual({ approved: 2, rejected: 1, defaulted: 1 });
    expect(all.decided.onTime).toBe(3); // the one decided on the 6th is late
    expect(all.decided.sameDay).toBe(1);
    expect(all.decided.declaredInstant).toBe(1);
    // The calendar's own count of each (its arithmetic is the calendar's tests'); sorted: 2nd, 3rd, 4th, 6th.
    const calendar = await loadCalendar('cn', { unknownYears: 'weekends-only' });
    const days = ['2026-03-02T03:00:00.000Z', '2026-03-03T03:00:00.000Z', '2026-03-04T03:00:00.000Z', '2026-03-06T03:00:00.000Z'].map(
      (at) => workingDaysElapsed(calendar, '2026-03-02T01:00:00.000Z', at).days,
    );
    expect(all.decided.meanWorkingDays).toBeCloseTo(days.reduce((a, b) => a + b) / 4, 2);
    expect(all.decided.medianWorkingDays).toBeCloseTo(days[1]!, 2);
    expect(all.decided.p90WorkingDays).toBeCloseTo(days[3]!, 2);

    const newborn = await store.aggregates({ bundleId: 'newborn' });
    expect(newborn.cases).toEqual({ completed: 1, processing: 1 });
    expect(newborn.decided.count).toBe(1);
  });

  it("answers a case's progress with its revision, its age and whether each item applies", async () => {
    expect(await store.caseProgress('nothing')).toBeUndefined();
    await write(projection('a1', 4, [item('a1', 'licence'), item('a1', 'tobacco', { applicable: false, status: 'pending', dispatchedAt: undefined })]));
    const stored = await store.caseProgress('a1');
    expect(stored).toMatchObject({ revision: 4, applicable: { licence: true, tobacco: false }, progress: { caseId: 'a1' } });
    expect(Date.now() - Date.parse(stored!.asOf)).toBeLessThan(60_000);
  });
});
