/**
 * The `projectCase` activity: writes a case's projection to the read model, once per revision (a
 * retry or a replay of the same revision changes nothing), with the measures statistics aggregate —
 * working days from dispatch to decision in the item's calendar, and whether it was decided the day
 * it arrived — computed here, where the holiday data is.
 */
import { loadCalendar } from '../adapters/calendar-data';
import type { ReadModelStore } from '../adapters/read-model';
import { localDateOf, workingDaysElapsed } from '../domain/calendar';
import { DECIDED_ITEM_STATUSES, type CaseProjection, type ItemMeasures } from '../domain/read-model';

export async function projectCase(store: ReadModelStore, projection: CaseProjection, calendarDataDir?: string): Promise<boolean> {
  return store.write(projection, await measuresOf(projection, calendarDataDir));
}

export async function measuresOf(projection: CaseProjection, calendarDataDir?: string): Promise<Map<string, ItemMeasures>> {
  const measures = new Map<string, ItemMeasures>();
  const decided = projection.items.filter((item) => (DECIDED_ITEM_STATUSES as readonly string[]).includes(item.status) && item.dispatchedAt && item.decidedAt);
  if (decided.length === 0) return measures;
  const calendar = await loadCalendar(projection.calendar, { unknownYears: 'weekends-only', ...(calendarDataDir ? { dataDir: calendarDataDir } : {}) });
  for (const item of decided) {
    measures.set(item.itemId, {
      workingDaysTaken: workingDaysElapsed(calendar, item.dispatchedAt!, item.decidedAt!).days,
      sameDay: localDateOf(item.dispatchedAt!) === localDateOf(item.decidedAt!),
    });
  }
  return measures;
}
