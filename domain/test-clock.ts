/**
 * The test clock (`YJS_TEST_CLOCK_DAY_SECONDS`, enabled only with `YJS_TEST_CLOCK=fake-deadlines`;
 * runtime/test-clock.ts): a working day lasts a few seconds and every day is a working day, so that
 * drills and demonstrations see cards turn yellow and red and deadlines pass within a minute. It only
 * changes what the clock activities answer: the workflows wait for those instants with real Temporal
 * timers, so a drill that stops the server exercises exactly the timers production has, only sooner.
 * Never for a real deployment: every deadline it computes is wrong on purpose.
 */
import type { ItemClock, ItemClockInput } from './calendar';

export interface TestClock {
  /** How long one working day lasts, in milliseconds. */
  dayMs: number;
}

/** The instant `ms` of clock time after `start`, the pauses' time not counted; undefined when an open pause stops it short. */
function clockInstant(startMs: number, ms: number, pauses: readonly { fromMs: number; toMs?: number }[]): number | undefined {
  let at = startMs;
  let remaining = ms;
  for (const pause of pauses) {
    if (pause.fromMs > at) {
      const running = pause.fromMs - at;
      if (remaining <= running) return at + remaining;
      remaining -= running;
    }
    if (pause.toMs === undefined) return undefined;
    at = Math.max(at, pause.toMs);
  }
  return at + remaining;
}

/** {@link ItemClock} with days of {@link TestClock.dayMs}: yellow at 50%, red at 90%, the deadline at 100%. */
export function testItemClock(clock: TestClock, input: ItemClockInput): ItemClock {
  const startMs = Date.parse(input.start);
  const pauses = (input.pauses ?? []).map((p) => ({ fromMs: Date.parse(p.from), toMs: p.to === undefined ? undefined : Date.parse(p.to) }));
  const total = input.days * clock.dayMs;
  const at = (fraction: number) => {
    const ms = clockInstant(startMs, fraction * total, pauses);
    return ms === undefined ? undefined : new Date(ms).toISOString();
  };
  const deadline = at(1);
  const deadlineMs = deadline === undefined ? Infinity : Date.parse(deadline);
  const pausedMs = pauses.filter((p) => p.toMs !== undefined && p.fromMs < deadlineMs).reduce((sum, p) => sum + (p.toMs! - Math.max(p.fromMs, startMs)), 0);
  return {
    deadline,
    yellowAt: at(0.5),
    redAt: at(0.9),
    pausedDays: Math.round((pausedMs / clock.dayMs) * 100) / 100,
    paused: pauses.length > 0 && pauses[pauses.length - 1]!.toMs === undefined,
    estimated: false,
  };
}

/** The end of the `days`th test-clock day after `start`. */
export function testDeadline(clock: TestClock, start: string, days: number): string {
  return new Date(Date.parse(start) + days * clock.dayMs).toISOString();
}
