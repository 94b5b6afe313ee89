/**
 * When a fixed period ends (a timed step's duration): in working days, the end of the n-th working day
 * after the start's date (as limits count, `calendar.ts`); in calendar days, the end of the n-th day
 * after the start's date (the start's own day does not count, Civil Code art. 201), and when that day
 * is not a working day, the end of the next working day (art. 203: a period whose last day is a
 * statutory holiday ends the day after the holiday). Pure.
 */
import { addWorkingDays, dayInfo, localDateOf, type EstimatedInstant, type WorkingCalendar } from './calendar';

export type PeriodUnit = 'working-days' | 'calendar-days';

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

export function periodEnd(cal: WorkingCalendar, start: string, days: number, unit: PeriodUnit): EstimatedInstant {
  if (unit === 'working-days') return addWorkingDays(cal, start, days);
  let date = addDays(localDateOf(start), days);
  let estimated = false;
  for (;;) {
    const info = dayInfo(cal, date);
    estimated ||= info.estimated;
    if (info.working) break;
    date = addDays(date, 1);
  }
  return { instant: new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS - SHANGHAI_OFFSET_MS).toISOString(), estimated };
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}
