/**
 * Every expected instant below is worked out by hand from the State Council notices (see each table's
 * comments), never by the code under test. Shanghai is UTC+8: the end of local day D is D 16:00Z.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  CalendarYearMissingError,
  dayInfo,
  instantAtFraction,
  isWorkingDay,
  itemClock,
  localDateOf,
  pausedWorkingDays,
  workingDaysElapsed,
  type WorkingCalendar,
} from '../../../domain/calendar';
import { CalendarDataError, loadCalendar } from '../../../adapters/calendar-data';

let cn: WorkingCalendar;
beforeAll(async () => {
  cn = await loadCalendar();
});

/** Every date from `from` to `to`, both included: a test helper, independent of the code under test. */
function datesFrom(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += 86_400_000) {
    dates.push(new Date(ms).toISOString().slice(0, 10));
  }
  return dates;
}

describe('isWorkingDay', () => {
  const makeUpDays = [
    '2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11',
    '2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10',
  ];
  const holidays: Array<[string, string]> = [
    ['2025-01-01', '2025-01-01'], ['2025-01-28', '2025-02-04'], ['2025-04-04', '2025-04-06'],
    ['2025-05-01', '2025-05-05'], ['2025-05-31', '2025-06-02'], ['2025-10-01', '2025-10-08'],
    ['2026-01-01', '2026-01-03'], ['2026-02-15', '2026-02-23'], ['2026-04-04', '2026-04-06'],
    ['2026-05-01', '2026-05-05'], ['2026-06-19', '2026-06-21'], ['2026-09-25', '2026-09-27'],
    ['2026-10-01', '2026-10-07'],
  ];

  it.each(makeUpDays)('counts make-up day %s (a weekend) as working', (date) => {
    expect(isWorkingDay(cn, date)).toBe(true);
    expect(dayInfo(cn, date)).toMatchObject({ kind: 'make-up', estimated: false });
  });

  it.each(holidays)('counts every day from %s to %s as off', (from, to) => {
    for (const date of datesFrom(from, to)) expect(isWorkingDay(cn, date), date).toBe(false);
  });

  it('counts ordinary weekdays and weekends as usual', () => {
    expect(isWorkingDay(cn, '2026-03-06')).toBe(true); // Friday
    expect(isWorkingDay(cn, '2026-03-07')).toBe(false); // Saturday
    expect(isWorkingDay(cn, '2026-03-08')).toBe(false); // Sunday
  });

  it('names the holiday a day belongs to', () => {
    expect(dayInfo(cn, '2026-02-15')).toEqual({ date: '2026-02-15', working: false, kind: 'holiday', holiday: '春节', estimated: false });
  });

  it('refuses a malformed date', () => {
    expect(() => isWorkingDay(cn, '2026-02-30')).toThrow(RangeError);
  });
});

describe('addWorkingDays', () => {
  // 2026-02-13 Fri; 14 Sat make-up; 15–23 春节; 24 Tue … 27 Fri; 28 Sat make-up; 03-02 Mon.
  // 2025-09-26 Fri; 27 Sat; 28 Sun make-up; 29 Mon; 30 Tue; 10-01–08 off; 9 Thu; 10 Fri; 11 Sat make-up; 13 Mon.
  // 2026-03-05 Thu, 06 Fri, 07–08 weekend, 09 Mon.
  it.each([
    ['across a weekend', '2026-03-06T10:00:00+08:00', 1, '2026-03-09T16:00:00.000Z'],
    ['across a weekend', '2026-03-06T10:00:00+08:00', 3, '2026-03-11T16:00:00.000Z'],
    ['into the Spring Festival make-up Saturday', '2026-02-13T10:00:00+08:00', 1, '2026-02-14T16:00:00.000Z'],
    ['across the Spring Festival', '2026-02-13T10:00:00+08:00', 2, '2026-02-24T16:00:00.000Z'],
    ['across the Spring Festival', '2026-02-13T10:00:00+08:00', 5, '2026-02-27T16:00:00.000Z'],
    ['onto the second make-up Saturday', '2026-02-13T10:00:00+08:00', 6, '2026-02-28T16:00:00.000Z'],
    ['past the second make-up Saturday', '2026-02-13T10:00:00+08:00', 7, '2026-03-02T16:00:00.000Z'],
    ['from a make-up Saturday (first counted day is 02-24)', '2026-02-14T09:00:00+08:00', 1, '2026-02-24T16:00:00.000Z'],
    ['from a make-up Saturday', '2026-02-14T09:00:00+08:00', 5, '2026-02-28T16:00:00.000Z'],
    ['before National Day, through a make-up Sunday', '2025-09-26T10:00:00+08:00', 3, '2025-09-30T16:00:00.000Z'],
    ['across National Day', '2025-09-30T10:00:00+08:00', 1, '2025-10-09T16:00:00.000Z'],
    ['across National Day and a make-up Saturday', '2025-09-30T10:00:00+08:00', 5, '2025-10-14T16:00:00.000Z'],
    ['with n = 0 (end of the start day)', '2026-03-06T10:00:00+08:00', 0, '2026-03-06T16:00:00.000Z'],
    ['with n = 0 on a weekend', '2026-03-07T10:00:00+08:00', 0, '2026-03-07T16:00:00.000Z'],
    ['from Thu 23:30 local (15:30Z): the local date is Thursday', '2026-03-05T15:30:00Z', 1, '2026-03-06T16:00:00.000Z'],
    ['from Fri 00:30 local (Thu 16:30Z): the local date is Friday', '2026-03-05T16:30:00Z', 1, '2026-03-09T16:00:00.000Z'],
  ])('ends at the right local midnight %s: %s + %i', (_why, start, n, expected) => {
    expect(addWorkingDays(cn, start, n)).toEqual({ instant: expected, estimated: false });
  });

  it('refuses a negative or fractional limit and an instant without an offset', () => {
    expect(() => addWorkingDays(cn, '2026-03-06T10:00:00Z', -1)).toThrow(RangeError);
    expect(() => addWorkingDays(cn, '2026-03-06T10:00:00Z', 1.5)).toThrow(RangeError);
    expect(() => addWorkingDays(cn, '2026-03-06T10:00:00', 1)).toThrow(/offset/);
  });
});

describe('instantAtFraction', () => {
  // 5 days from Mon 2026-03-09 10:00: counted Tue 10, Wed 11, Thu 12, Fri 13, Mon 16.
  // 10 days from Mon 2026-03-09: counted 10, 11, 12, 13, 16, 17, 18, 19, 20, 23.
  // 5 days from Fri 2026-02-13: counted 02-14, 24, 25, 26, 27.
  // 10 days from Fri 2025-09-26: counted 09-28, 29, 30, 10-09, 10, 11, 13, 14, 15, 16.
  it.each([
    ['5-day yellow: 2.5 days in, Thu 12:00 local', '2026-03-09T10:00:00+08:00', 5, 0.5, '2026-03-12T04:00:00.000Z'],
    ['5-day red: 4.5 days in, Mon 12:00 local', '2026-03-09T10:00:00+08:00', 5, 0.9, '2026-03-16T04:00:00.000Z'],
    ['5-day deadline', '2026-03-09T10:00:00+08:00', 5, 1, '2026-03-16T16:00:00.000Z'],
    ['10-day yellow: end of the 5th day (Mon 16)', '2026-03-09T10:00:00+08:00', 10, 0.5, '2026-03-16T16:00:00.000Z'],
    ['10-day red: end of the 9th day (Fri 20)', '2026-03-09T10:00:00+08:00', 10, 0.9, '2026-03-20T16:00:00.000Z'],
    ['0%: start of the first counted day', '2026-03-06T10:00:00+08:00', 5, 0, '2026-03-08T16:00:00.000Z'],
    ['5-day yellow across the Spring Festival: 02-25 12:00 local', '2026-02-13T10:00:00+08:00', 5, 0.5, '2026-02-25T04:00:00.000Z'],
    ['5-day red across the Spring Festival: 02-27 12:00 local', '2026-02-13T10:00:00+08:00', 5, 0.9, '2026-02-27T04:00:00.000Z'],
    ['10-day yellow across National Day: end of 10-10', '2025-09-26T10:00:00+08:00', 10, 0.5, '2025-10-10T16:00:00.000Z'],
    ['10-day red across National Day: end of 10-15', '2025-09-26T10:00:00+08:00', 10, 0.9, '2025-10-15T16:00:00.000Z'],
    ['0-day limit: every fraction is the deadline', '2026-03-09T10:00:00+08:00', 0, 0.5, '2026-03-09T16:00:00.000Z'],
  ])('gives the %s', (_why, start, n, fraction, expected) => {
    expect(instantAtFraction(cn, start, n, fraction)).toEqual({ instant: expected, estimated: false });
  });

  it('refuses a fraction outside 0..1', () => {
    expect(() => instantAtFraction(cn, '2026-03-09T10:00:00Z', 5, 1.1)).toThrow(RangeError);
  });
});

describe('pausedWorkingDays', () => {
  it.each([
    ['Wed 15:00 to Tue 09:00: Thu, Fri, Mon, Tue', '2026-03-11T15:00:00+08:00', '2026-03-17T09:00:00+08:00', 4],
    ['the same local day', '2026-03-11T09:00:00+08:00', '2026-03-11T17:00:00+08:00', 0],
    ['across the Spring Festival: 02-14, 24, 25', '2026-02-13T10:00:00+08:00', '2026-02-25T10:00:00+08:00', 3],
    ['a weekend only', '2026-03-06T17:00:00+08:00', '2026-03-08T10:00:00+08:00', 0],
  ])('counts %s', (_why, from, to, days) => {
    expect(pausedWorkingDays(cn, from, to)).toEqual({ days, estimated: false });
  });

  it('refuses a pause that ends before it begins', () => {
    expect(() => pausedWorkingDays(cn, '2026-03-11T10:00:00Z', '2026-03-10T10:00:00Z')).toThrow(RangeError);
  });
});

describe('itemClock', () => {
  const start = '2026-03-09T10:00:00+08:00'; // Mon
  // A 4-working-day pause: Wed 11 15:00 → Tue 17 09:00 stops Thu 12, Fri 13, Mon 16, Tue 17.
  const pause = { from: '2026-03-11T15:00:00+08:00', to: '2026-03-17T09:00:00+08:00' };

  it('gives the deadline and cards of an unpaused 10-day item', () => {
    // counted 10, 11, 12, 13, 16, 17, 18, 19, 20, 23
    expect(itemClock(cn, { start, days: 10 })).toEqual({
      deadline: '2026-03-23T16:00:00.000Z',
      yellowAt: '2026-03-16T16:00:00.000Z',
      redAt: '2026-03-20T16:00:00.000Z',
      pausedDays: 0,
      paused: false,
      estimated: false,
    });
  });

  it('moves the deadline by exactly the 4 paused working days', () => {
    // counted 10, 11, (12, 13, 16, 17 paused), 18, 19, 20, 23, 24, 25, 26, 27: Mon 23 → Fri 27.
    expect(itemClock(cn, { start, days: 10, pauses: [pause] })).toEqual({
      deadline: '2026-03-27T16:00:00.000Z',
      yellowAt: '2026-03-20T16:00:00.000Z', // 5th counted day: Fri 20
      redAt: '2026-03-26T16:00:00.000Z', // 9th counted day: Thu 26
      pausedDays: 4,
      paused: false,
      estimated: false,
    });
  });

  it('stops the clock on an open pause: no deadline and no card the clock has not reached', () => {
    expect(itemClock(cn, { start, days: 10, pauses: [{ from: pause.from }] })).toEqual({
      deadline: undefined,
      yellowAt: undefined,
      redAt: undefined,
      pausedDays: 0,
      paused: true,
      estimated: false,
    });
  });

  it('keeps a card already reached when an open pause begins later', () => {
    // 5 days: yellow Thu 12 12:00 local; paused from Fri 13 09:00, so Mon 16 onwards is stopped.
    const clock = itemClock(cn, { start, days: 5, pauses: [{ from: '2026-03-13T09:00:00+08:00' }] });
    expect(clock).toMatchObject({ deadline: undefined, yellowAt: '2026-03-12T04:00:00.000Z', redAt: undefined, paused: true });
  });

  it('adds up several pauses', () => {
    // 5 days from Mon 9: pauses stop Wed 11 (Tue 10 → Wed 11) and Mon 16 (Fri 13 → Mon 16):
    // counted 10, 12, 13, 17, 18 → deadline Wed 18, i.e. 5 + 2 working days.
    const pauses = [
      { from: '2026-03-10T10:00:00+08:00', to: '2026-03-11T10:00:00+08:00' },
      { from: '2026-03-13T10:00:00+08:00', to: '2026-03-16T10:00:00+08:00' },
    ];
    expect(itemClock(cn, { start, days: 5, pauses })).toMatchObject({ deadline: '2026-03-18T16:00:00.000Z', pausedDays: 2 });
  });

  it('does not move a deadline that had passed before the pause began', () => {
    const late = { from: '2026-03-17T10:00:00+08:00', to: '2026-03-20T10:00:00+08:00' };
    expect(itemClock(cn, { start, days: 5, pauses: [late] })).toMatchObject({ deadline: '2026-03-16T16:00:00.000Z', pausedDays: 0 });
  });

  it('refuses overlapping pauses, a pause before the start, and an open pause that is not the last', () => {
    const open = { from: '2026-03-10T10:00:00+08:00' };
    expect(() => itemClock(cn, { start, days: 5, pauses: [pause, { from: '2026-03-12T10:00:00+08:00', to: '2026-03-18T10:00:00+08:00' }] })).toThrow(RangeError);
    expect(() => itemClock(cn, { start, days: 5, pauses: [{ from: '2026-03-08T10:00:00+08:00', to: '2026-03-10T10:00:00+08:00' }] })).toThrow(RangeError);
    expect(() => itemClock(cn, { start, days: 5, pauses: [open, pause] })).toThrow(/only the last/);
  });
});

describe('workingDaysElapsed', () => {
  const start = '2026-03-09T10:00:00+08:00'; // Mon; counting starts Tue 10
  const pause = { from: '2026-03-11T15:00:00+08:00', to: '2026-03-17T09:00:00+08:00' };

  it.each([
    ['on the start day', '2026-03-09T18:00:00+08:00', [], 0],
    ['Wed 12:00: Tue and half of Wed', '2026-03-11T12:00:00+08:00', [], 1.5],
    ['over a weekend: Tue–Fri', '2026-03-15T12:00:00+08:00', [], 4],
    ['during a pause: Tue and Wed only', '2026-03-16T12:00:00+08:00', [pause], 2],
    ['after a pause: Tue, Wed and 6 h of Wed 18', '2026-03-18T06:00:00+08:00', [pause], 2.25],
    ['during an open pause, long after', '2026-04-20T12:00:00+08:00', [{ from: pause.from }], 2],
  ])('counts %s', (_why, at, pauses, days) => {
    expect(workingDaysElapsed(cn, start, at, pauses)).toEqual({ days, estimated: false });
  });
});

describe('a year without data', () => {
  it('throws CalendarYearMissingError telling the operator which file to add', () => {
    let error: unknown;
    try {
      addWorkingDays(cn, '2026-12-30T10:00:00+08:00', 5);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CalendarYearMissingError);
    expect(error).toMatchObject({ year: 2027, region: 'cn' });
    expect((error as Error).message).toContain('adapters/data/holidays/2027.json');
    expect(() => isWorkingDay(cn, '2027-01-04')).toThrow(CalendarYearMissingError);
  });

  it('is counted weekends-only and flagged in weekends-only mode', async () => {
    const estimating = await loadCalendar('cn', { unknownYears: 'weekends-only' });
    // 2026-12-30 Wed; counted Thu 31, then (2027, weekends only) Fri 1, Mon 4, Tue 5, Wed 6.
    expect(addWorkingDays(estimating, '2026-12-30T10:00:00+08:00', 5)).toEqual({ instant: '2027-01-06T16:00:00.000Z', estimated: true });
    expect(dayInfo(estimating, '2027-01-01')).toEqual({ date: '2027-01-01', working: true, kind: 'workday', estimated: true });
    expect(itemClock(estimating, { start: '2026-12-30T10:00:00+08:00', days: 5 }).estimated).toBe(true);
    expect(() => isWorkingDay(estimating, '2027-01-01')).toThrow(CalendarYearMissingError);
  });

  it('leaves results inside known years unflagged in weekends-only mode', async () => {
    const estimating = await loadCalendar('cn', { unknownYears: 'weekends-only' });
    expect(addWorkingDays(estimating, '2026-02-13T10:00:00+08:00', 2)).toEqual({ instant: '2026-02-24T16:00:00.000Z', estimated: false });
  });
});

describe('regional calendars', () => {
  it('adds the sample Enshi day off (Mon 2026-08-24) to the national days', async () => {
    const enshi = await loadCalendar('hubei-enshi');
    expect(isWorkingDay(enshi, '2026-08-24')).toBe(false);
    expect(isWorkingDay(cn, '2026-08-24')).toBe(true);
    expect(isWorkingDay(enshi, '2026-02-16')).toBe(false); // 春节 still applies
    // From Fri 08-21: Mon 24 is off in Enshi, so + 1 is Tue 25; nationally it is Mon 24.
    expect(addWorkingDays(enshi, '2026-08-21T10:00:00+08:00', 1).instant).toBe('2026-08-25T16:00:00.000Z');
    expect(addWorkingDays(cn, '2026-08-21T10:00:00+08:00', 1).instant).toBe('2026-08-24T16:00:00.000Z');
  });

  it('caches a calendar per region, directory and mode', async () => {
    expect(await loadCalendar('hubei-enshi')).toBe(await loadCalendar('hubei-enshi'));
    expect(await loadCalendar('cn')).not.toBe(await loadCalendar('cn', { unknownYears: 'weekends-only' }));
  });
});

describe('loadCalendar with invalid data', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'yjs-calendar-'));
    await mkdir(join(dir, 'holidays'));
    await mkdir(join(dir, 'calendars'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = (path: string, data: unknown) => writeFile(join(dir, path), typeof data === 'string' ? data : JSON.stringify(data));
  const year2026 = { year: 2026, source: 'test', holidays: [{ name: '春节', from: '2026-02-15', to: '2026-02-23' }], workdays: ['2026-02-14'] };

  async function issuesOf(region = 'cn'): Promise<Array<{ file: string; path: string; message: string }>> {
    const error = await loadCalendar(region, { dataDir: dir }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CalendarDataError);
    return [...(error as CalendarDataError).issues];
  }

  it('loads a valid directory, scanning every year file', async () => {
    await write('holidays/2026.json', year2026);
    await write('holidays/2030.json', { year: 2030, source: 'test', holidays: [], workdays: [] });
    const cal = await loadCalendar('cn', { dataDir: dir });
    expect([...cal.years].sort()).toEqual([2026, 2030]);
    expect(isWorkingDay(cal, '2026-02-14')).toBe(true);
  });

  it('names the file and JSON path of every problem at once', async () => {
    await write('holidays/2026.json', {
      ...year2026,
      holidays: [{ name: '春节', from: '2026-02-15', to: '2027-01-02' }, { name: '', from: '2026-02-30', to: '2026-03-01' }],
      workdays: ['2026-02-16', '2025-12-27'],
    });
    await write('holidays/2025.json', '{ not json');
    const issues = await issuesOf();
    const f2026 = join(dir, 'holidays', '2026.json');
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: join(dir, 'holidays', '2025.json'), path: '$', message: expect.stringMatching(/not valid JSON/) }),
        expect.objectContaining({ file: f2026, path: '$.holidays[1].name' }),
        expect.objectContaining({ file: f2026, path: '$.holidays[1].from', message: expect.stringMatching(/YYYY-MM-DD/) }),
      ]),
    );
    // Semantic rules run once the shapes are right.
    await write('holidays/2025.json', { year: 2025, source: 'test', holidays: [], workdays: [] });
    await write('holidays/2026.json', { ...year2026, holidays: [{ name: '春节', from: '2026-02-15', to: '2027-01-02' }], workdays: ['2026-02-16', '2025-12-27'] });
    expect(await issuesOf()).toEqual([
      { file: f2026, path: '$.holidays[0].to', message: '2027-01-02 is outside 2026' },
      { file: f2026, path: '$.workdays[0]', message: '2026-02-16 is not a Saturday or Sunday, so it cannot be a make-up working day' },
      { file: f2026, path: '$.workdays[0]', message: '2026-02-16 is also a day off (春节)' },
      { file: f2026, path: '$.workdays[1]', message: '2025-12-27 is outside 2026' },
    ]);
  });

  it('refuses a year file whose year differs from its name, and a misnamed file', async () => {
    await write('holidays/2027.json', year2026);
    await write('holidays/holidays-2028.json', year2026);
    expect(await issuesOf()).toEqual([
      { file: join(dir, 'holidays', '2027.json'), path: '$.year', message: 'is 2026, but the file is named 2027.json' },
      { file: join(dir, 'holidays', 'holidays-2028.json'), path: '$', message: 'name holiday files after their year, e.g. 2027.json' },
    ]);
  });

  it('refuses a holiday that ends before it begins', async () => {
    await write('holidays/2026.json', { ...year2026, holidays: [{ name: '春节', from: '2026-02-23', to: '2026-02-15' }] });
    expect(await issuesOf()).toEqual([{ file: join(dir, 'holidays', '2026.json'), path: '$.holidays[0].to', message: '"to" is before "from"' }]);
  });

  it('reports a missing region, a region extending itself in a cycle, and an unsafe region id', async () => {
    await write('holidays/2026.json', year2026);
    expect(await issuesOf('nowhere')).toEqual([{ file: join(dir, 'calendars', 'nowhere.json'), path: '$', message: 'no such calendar: add this file' }]);
    const region = (id: string, parent: string) => ({ id, extends: parent, name: { zh: id, en: id }, source: 'test', holidays: [], workdays: [] });
    await write('calendars/a.json', region('a', 'b'));
    await write('calendars/b.json', region('b', 'a'));
    expect(await issuesOf('a')).toEqual([expect.objectContaining({ path: '$.extends', message: 'calendars extend each other in a cycle: a → b → a' })]);
    expect((await issuesOf('../holidays/2026'))[0]?.message).toMatch(/not a calendar id/);
  });

  it('refuses a regional make-up day that is not a weekend', async () => {
    await write('holidays/2026.json', year2026);
    await write('calendars/x.json', { id: 'x', name: { zh: 'x', en: 'x' }, source: 'test', holidays: [], workdays: ['2026-03-09'] });
    expect(await issuesOf('x')).toEqual([
      { file: join(dir, 'calendars', 'x.json'), path: '$.workdays[0]', message: '2026-03-09 is not a Saturday or Sunday, so it cannot be a make-up working day' },
    ]);
  });

  it('reads a corrected file on the next call', async () => {
    await write('holidays/2026.json', '{');
    await issuesOf();
    await write('holidays/2026.json', year2026);
    expect((await loadCalendar('cn', { dataDir: dir })).years.has(2026)).toBe(true);
  });
});

describe('properties', () => {
  // Starts from 2025-01-01 to 2026-10-31 local, limits up to 40 days: all inside the published years.
  const startArb = fc.integer({ min: Date.parse('2024-12-31T16:00:00Z'), max: Date.parse('2026-10-31T15:59:59Z') }).map((ms) => new Date(ms).toISOString());
  const daysArb = fc.integer({ min: 0, max: 40 });

  it('addWorkingDays is strictly increasing in n', () => {
    fc.assert(
      fc.property(startArb, daysArb, (start, n) => {
        expect(addWorkingDays(cn, start, n).instant < addWorkingDays(cn, start, n + 1).instant).toBe(true);
      }),
    );
  });

  it('addWorkingDays ends at the local midnight ending a working day', () => {
    fc.assert(
      fc.property(startArb, fc.integer({ min: 1, max: 40 }), (start, n) => {
        const { instant } = addWorkingDays(cn, start, n);
        expect(instant.endsWith('T16:00:00.000Z')).toBe(true);
        expect(isWorkingDay(cn, localDateOf(new Date(Date.parse(instant) - 1).toISOString()))).toBe(true);
      }),
    );
  });

  it('workingDaysElapsed at the deadline is the limit, and fraction 1 is the deadline', () => {
    fc.assert(
      fc.property(startArb, daysArb, (start, n) => {
        const { instant } = addWorkingDays(cn, start, n);
        expect(workingDaysElapsed(cn, start, instant).days).toBe(n);
        expect(instantAtFraction(cn, start, n, 1).instant).toBe(instant);
      }),
    );
  });

  it('a closed pause inside the limit moves the deadline by its paused working days, and keeps yellow ≤ red ≤ deadline', () => {
    const hour = 3_600_000;
    fc.assert(
      fc.property(startArb, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 400 }), (start, n, after, length) => {
        const from = new Date(Date.parse(start) + after * hour).toISOString();
        fc.pre(from < addWorkingDays(cn, start, n).instant);
        const pause = { from, to: new Date(Date.parse(from) + length * hour).toISOString() };
        const clock = itemClock(cn, { start, days: n, pauses: [pause] });
        const moved = pausedWorkingDays(cn, pause.from, pause.to).days;
        expect(clock.pausedDays).toBe(moved);
        expect(clock.deadline).toBe(addWorkingDays(cn, start, n + moved).instant);
        expect(workingDaysElapsed(cn, start, clock.deadline!, [pause]).days).toBe(n);
        expect(clock.yellowAt! <= clock.redAt! && clock.redAt! <= clock.deadline!).toBe(true);
      }),
    );
  });
});
