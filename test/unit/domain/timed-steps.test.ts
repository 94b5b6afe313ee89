import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../../domain/calendar';
import { periodEnd } from '../../../domain/periods';
import { currentTimedStep, endTimedStep, startTimedStep, timedStepsPending } from '../../../domain/timed-steps';
import { claim, complete, startWork, workStepsOf } from '../../../domain/work-steps';

// 2025: 1–8 October off, 28 September and 11 October worked (DOMAIN.md).
const cal = createCalendar({
  region: 'cn',
  years: [2025],
  layers: [{ holidays: [{ name: '国庆节、中秋节', from: '2025-10-01', to: '2025-10-08' }], workdays: ['2025-09-28', '2025-10-11'] }],
});

describe('periodEnd', () => {
  it('ends a calendar-day period at the end of its last day, not counting the start\'s own day', () => {
    // From Monday 1 September: 20 days later is Sunday 21 September, not a working day → Monday 22.
    expect(periodEnd(cal, '2025-09-01T02:00:00Z', 20, 'calendar-days')).toEqual({ instant: '2025-09-22T16:00:00.000Z', estimated: false });
    // Ending on a Tuesday: that day.
    expect(periodEnd(cal, '2025-09-01T02:00:00Z', 22, 'calendar-days').instant).toBe('2025-09-23T16:00:00.000Z');
  });

  it('moves a calendar-day period ending in a holiday to the end of the next working day (Civil Code art. 203)', () => {
    // 12 September + 20 days = 2 October, in the National Day holiday → Thursday 9 October.
    expect(periodEnd(cal, '2025-09-12T01:00:00Z', 20, 'calendar-days').instant).toBe('2025-10-09T16:00:00.000Z');
  });

  it('counts working days like a limit, make-up days included', () => {
    // From Friday 26 September: Sunday 28 (make-up), 29 and 30 September, then 9 and 10 October.
    expect(periodEnd(cal, '2025-09-26T01:00:00Z', 5, 'working-days').instant).toBe('2025-10-10T16:00:00.000Z');
  });

  it('says when a year without holiday data was counted as weekends only', () => {
    const lenient = createCalendar({ region: 'cn', years: [2025], layers: [], unknownYears: 'weekends-only' });
    expect(periodEnd(lenient, '2027-03-01T01:00:00Z', 20, 'calendar-days').estimated).toBe(true);
  });
});

describe('timed steps in an item\'s work', () => {
  const steps = workStepsOf([
    { id: 'notice', kind: 'public-notice', countsTowardLimit: false, duration: { days: 20, unit: 'calendar-days' } },
    { id: 'accept', kind: 'accept', countsTowardLimit: true },
    { id: 'decide', kind: 'decide', countsTowardLimit: true },
  ]);
  const handler = { department: 'dept', officer: 'h', role: 'handler' as const };

  it('keeps an uncounted timed step among the steps, marked timed', () => {
    expect(steps.map((s) => [s.id, s.timed?.counted])).toEqual([
      ['notice', false],
      ['accept', undefined],
      ['decide', undefined],
    ]);
  });

  it('lets nobody work a timed step, and moves on by itself when it ends', () => {
    let work = startWork(steps, '2025-09-01T02:00:00Z');
    expect(currentTimedStep(work)?.id).toBe('notice');
    expect(timedStepsPending(work)).toBe(true);
    expect(() => claim(work, handler, 'notice', 'dept', '2025-09-01T03:00:00Z')).toThrow(/timed step/);
    expect(() => complete(work, handler, 'notice', 'ok', undefined, 'dept', '2025-09-01T03:00:00Z')).toThrow(/timed step/);
    work = startTimedStep(work, 'dept', '2025-09-01T02:00:00Z', '2025-09-22T16:00:00.000Z');
    work = endTimedStep(work, 'dept', '2025-09-22T16:00:01.000Z');
    expect(currentTimedStep(work)).toBeUndefined();
    expect(timedStepsPending(work)).toBe(false);
    expect(work.trail.map((t) => [t.act, t.step, t.by.department])).toEqual([
      ['timer-start', 'notice', 'dept'],
      ['timer-end', 'notice', 'dept'],
    ]);
    expect(claim(work, handler, 'accept', 'dept', '2025-09-23T01:00:00Z').holder).toEqual(handler);
  });
});
