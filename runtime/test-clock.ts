/**
 * The test clock's switch (domain/test-clock.ts): `YJS_TEST_CLOCK_DAY_SECONDS=<n>` makes a working day
 * last n seconds in the clock activities of this worker, so drills see timers due within a minute.
 * It is refused unless `YJS_TEST_CLOCK=fake-deadlines` says, in so many words, that every deadline is
 * to be wrong, and refused with `NODE_ENV=production` whatever else is set; a worker that uses it says
 * so loudly on stderr at start. Without `YJS_TEST_CLOCK_DAY_SECONDS` nothing changes.
 */
import type { TestClock } from '../domain/test-clock';

export const TEST_CLOCK_CONSENT = 'fake-deadlines';

/** The test clock the environment asks for, undefined when it asks for none; throws when it is not allowed. */
export function testClockFromEnv(env: NodeJS.ProcessEnv = process.env): TestClock | undefined {
  const value = env.YJS_TEST_CLOCK_DAY_SECONDS?.trim();
  if (!value) {
    if (env.YJS_TEST_CLOCK) throw new Error(`YJS_TEST_CLOCK is set without YJS_TEST_CLOCK_DAY_SECONDS: set both (drills only) or neither`);
    return undefined;
  }
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 86_400) throw new Error(`YJS_TEST_CLOCK_DAY_SECONDS must be a number of seconds from 1 to 86400, not ${JSON.stringify(value)}`);
  if (env.YJS_TEST_CLOCK !== TEST_CLOCK_CONSENT) {
    throw new Error(
      `YJS_TEST_CLOCK_DAY_SECONDS=${value} makes every deadline wrong (a working day of ${seconds} s): it is for drills only, ` +
        `and needs YJS_TEST_CLOCK=${TEST_CLOCK_CONSENT} beside it. Unset it for a real deployment.`,
    );
  }
  if (env.NODE_ENV === 'production') throw new Error('YJS_TEST_CLOCK_DAY_SECONDS is refused with NODE_ENV=production');
  return { dayMs: seconds * 1000 };
}

/** The banner a worker prints when it runs on the test clock. */
export function testClockBanner(clock: TestClock): string {
  const line = '!'.repeat(78);
  return [
    line,
    `!!! TEST CLOCK: a working day lasts ${clock.dayMs / 1000} s and every day is a working day.`,
    '!!! Every deadline, card and commitment this worker computes is FAKE (YJS_TEST_CLOCK_DAY_SECONDS).',
    '!!! For drills only: never run a real deployment like this.',
    line,
  ].join('\n');
}
