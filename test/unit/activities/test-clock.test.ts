import { describe, expect, it } from 'vitest';
import { createActivities } from '../../../activities';
import { MemoryDocumentStore } from '../../../adapters/documents';
import { MemoryKeyStore } from '../../../adapters/keystore';
import { testCreditProvider } from '../../helpers/credit';

const start = '2026-11-26T01:00:00.000Z';
const later = (seconds: number) => new Date(Date.parse(start) + seconds * 1000).toISOString();
const activities = (testClock?: { dayMs: number }) =>
  createActivities({ documents: new MemoryDocumentStore(), keys: new MemoryKeyStore(), credit: testCreditProvider(), ...(testClock ? { testClock } : {}) });

describe('the clock activities on the test clock', () => {
  it('count days of the test length in every clock when a test clock is given', async () => {
    const a = activities({ dayMs: 5_000 });
    expect(await a.computeItemClock({ calendar: 'cn', start, days: 4, pauses: [] })).toMatchObject({ yellowAt: later(10), redAt: later(18), deadline: later(20) });
    expect(await a.workingDeadline({ calendar: 'cn', start, days: 3 })).toEqual({ deadline: later(15), estimated: false });
    expect(await a.periodEnd({ calendar: 'cn', start, days: 2, unit: 'calendar-days' })).toEqual({ endsAt: later(10), estimated: false });
  });

  it('count working days of the calendar when there is no test clock', async () => {
    const clock = await activities().computeItemClock({ calendar: 'cn', start, days: 4, pauses: [] });
    expect(Date.parse(clock.deadline!) - Date.parse(start)).toBeGreaterThan(4 * 86_400_000 - 86_400_000);
  });
});
