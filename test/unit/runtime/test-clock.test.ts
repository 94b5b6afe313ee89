import { describe, expect, it } from 'vitest';
import { testClockBanner, testClockFromEnv } from '../../../runtime/test-clock';

describe('testClockFromEnv', () => {
  it('changes nothing when YJS_TEST_CLOCK_DAY_SECONDS is unset', () => {
    expect(testClockFromEnv({})).toBeUndefined();
  });

  it('refuses the setting when YJS_TEST_CLOCK does not consent to fake deadlines', () => {
    expect(() => testClockFromEnv({ YJS_TEST_CLOCK_DAY_SECONDS: '5' })).toThrow(/YJS_TEST_CLOCK=fake-deadlines/);
    expect(() => testClockFromEnv({ YJS_TEST_CLOCK_DAY_SECONDS: '5', YJS_TEST_CLOCK: 'yes' })).toThrow(/drills only/);
  });

  it('refuses the setting when NODE_ENV is production, consent or not', () => {
    expect(() => testClockFromEnv({ YJS_TEST_CLOCK_DAY_SECONDS: '5', YJS_TEST_CLOCK: 'fake-deadlines', NODE_ENV: 'production' })).toThrow(/production/);
  });

  it('refuses a consent without a day length, and a day length out of range', () => {
    expect(() => testClockFromEnv({ YJS_TEST_CLOCK: 'fake-deadlines' })).toThrow(/without YJS_TEST_CLOCK_DAY_SECONDS/);
    expect(() => testClockFromEnv({ YJS_TEST_CLOCK_DAY_SECONDS: '0.5', YJS_TEST_CLOCK: 'fake-deadlines' })).toThrow(/from 1 to 86400/);
  });

  it('gives days of the set length, announced as fake, when both are set', () => {
    const clock = testClockFromEnv({ YJS_TEST_CLOCK_DAY_SECONDS: '4', YJS_TEST_CLOCK: 'fake-deadlines' });
    expect(clock).toEqual({ dayMs: 4000 });
    expect(testClockBanner(clock!)).toMatch(/TEST CLOCK: a working day lasts 4 s[\s\S]*FAKE/);
  });
});
