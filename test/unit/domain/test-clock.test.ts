import { describe, expect, it } from 'vitest';
import { testDeadline, testItemClock } from '../../../domain/test-clock';

const clock = { dayMs: 10_000 };
const start = '2026-11-26T01:00:00.000Z';
const plus = (ms: number) => new Date(Date.parse(start) + ms).toISOString();

describe('testItemClock', () => {
  it('puts yellow at 50%, red at 90% and the deadline at 100% of days of the test length when nothing paused', () => {
    expect(testItemClock(clock, { start, days: 3 })).toEqual({
      deadline: plus(30_000),
      yellowAt: plus(15_000),
      redAt: plus(27_000),
      pausedDays: 0,
      paused: false,
      estimated: false,
    });
  });

  it('moves every instant after a closed pause by its length when the item was paused', () => {
    const computed = testItemClock(clock, { start, days: 3, pauses: [{ from: plus(5_000), to: plus(25_000) }] });
    expect(computed).toMatchObject({ yellowAt: plus(35_000), redAt: plus(47_000), deadline: plus(50_000), pausedDays: 2, paused: false });
  });

  it('keeps the instants reached before an open pause and stops the rest when the pause is open', () => {
    const computed = testItemClock(clock, { start, days: 3, pauses: [{ from: plus(20_000) }] });
    expect(computed).toMatchObject({ yellowAt: plus(15_000), redAt: undefined, deadline: undefined, paused: true });
  });

  it('ends a commitment of n days n test days after its start', () => {
    expect(testDeadline(clock, start, 5)).toBe(plus(50_000));
  });
});
