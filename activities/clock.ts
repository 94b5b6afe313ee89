/**
 * The item clock as an activity: working-day arithmetic needs the yearly holiday data, which changes
 * without a workflow deploy, so workflows ask here and the answer is recorded in their history.
 */
import { loadCalendar } from '../adapters/calendar-data';
import { itemClock, type ItemClock, type Pause } from '../domain/calendar';
import { testItemClock, type TestClock } from '../domain/test-clock';

export interface ItemClockRequest {
  /** Calendar (region) id from the plan, e.g. "cn". */
  calendar: string;
  /** When the item reached its department (or its supervising department, after escalation). */
  start: string;
  days: number;
  /** Closed pauses (supplements, special steps); they move the deadline by their working days. */
  pauses: Pause[];
}

/**
 * Deadline and card instants for an item. A year without holiday data is counted as weekends only
 * and flagged `estimated`, so a case never stalls on a missing file, and never silently guesses.
 * With a test clock (drills only), days of its length instead.
 */
export async function computeItemClock(request: ItemClockRequest, dataDir?: string, testClock?: TestClock): Promise<ItemClock> {
  if (testClock) return testItemClock(testClock, { start: request.start, days: request.days, pauses: request.pauses });
  const calendar = await loadCalendar(request.calendar, { unknownYears: 'weekends-only', ...(dataDir ? { dataDir } : {}) });
  return itemClock(calendar, { start: request.start, days: request.days, pauses: request.pauses });
}
