/**
 * Loads working-day calendars from data files, validated with zod, for the arithmetic in `calendar.ts`.
 *
 * - `holidays/<year>.json`: the State Council's notice for one year (days off, make-up working days).
 *   The directory is scanned, so adding a year is adding a file.
 * - `calendars/<region>.json`: a region's local days off layered over its parent (`extends`, default
 *   "cn", the national calendar made of the year files). Definitions name a region in `calendar`.
 *
 * Files are read once per process (and per data directory and mode); restart the worker after adding one.
 * Every problem in every file is reported at once, each with its file and JSON path.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { LocalizedText, Slug } from '../definitions/schema';
import { parseJsonText } from './json-data';
import { createCalendar, isLocalDate, isWeekend, type CalendarLayer, type UnknownYears, type WorkingCalendar } from '../domain/calendar';

/** The national calendar: the year files, with no regional layer. */
export const NATIONAL_CALENDAR = 'cn';

/** `adapters/data`, beside this module. */
export const DEFAULT_CALENDAR_DATA_DIR = fileURLToPath(new URL('./data', import.meta.url));

const LocalDateField = z.string().refine(isLocalDate, 'use a real date written YYYY-MM-DD');

const HolidayEntry = z
  .object({
    name: z.string().min(1).meta({ description: 'Holiday name as announced, e.g. "春节".' }),
    from: LocalDateField.meta({ description: 'First day off.' }),
    to: LocalDateField.meta({ description: 'Last day off (included).' }),
  })
  .strict()
  .refine((h) => h.from <= h.to, { message: '"to" is before "from"', path: ['to'] });

const layerFields = {
  source: z.string().min(1).meta({ description: 'The notice the days come from.' }),
  holidays: z.array(HolidayEntry).meta({ description: 'Days off, including those falling on weekends.' }),
  workdays: z.array(LocalDateField).meta({ description: 'Make-up working days (调休上班日): weekend days that are worked.' }),
};

/** `holidays/<year>.json`. */
export const HolidayYearFile = z
  .object({ year: z.number().int().min(1990).max(2200), ...layerFields })
  .strict()
  .superRefine((file, ctx) => checkLayer(file, ctx, file.year));
export type HolidayYearFile = z.infer<typeof HolidayYearFile>;

/** `calendars/<region>.json`. */
export const RegionalCalendarFile = z
  .object({
    id: Slug,
    extends: Slug.default(NATIONAL_CALENDAR).meta({ description: 'The calendar this one adds local days to.' }),
    name: LocalizedText,
    ...layerFields,
  })
  .strict()
  .superRefine((file, ctx) => checkLayer(file, ctx));
export type RegionalCalendarFile = z.infer<typeof RegionalCalendarFile>;

/** One problem in one data file. `path` is a JSON path such as `$.workdays[2]`. */
export interface CalendarDataIssue {
  file: string;
  path: string;
  message: string;
}

/** Thrown by {@link loadCalendar} when data files are missing or invalid; lists every problem. */
export class CalendarDataError extends Error {
  override readonly name = 'CalendarDataError';

  constructor(readonly issues: readonly CalendarDataIssue[]) {
    super(`Invalid working-day calendar data:\n${issues.map((i) => `  ${i.file} ${i.path}: ${i.message}`).join('\n')}`);
  }
}

export interface LoadCalendarOptions {
  /** Directory holding `holidays/` and `calendars/`; {@link DEFAULT_CALENDAR_DATA_DIR} by default. */
  dataDir?: string;
  /** `'throw'` (default) refuses years without data; `'weekends-only'` estimates them, flagged. */
  unknownYears?: UnknownYears;
}

const cache = new Map<string, Promise<WorkingCalendar>>();

/**
 * The calendar of `region` ("cn" or a `calendars/<region>.json`), read once and cached per region, data
 * directory and mode. Rejects with {@link CalendarDataError} naming every bad file and JSON path.
 */
export function loadCalendar(region: string = NATIONAL_CALENDAR, options: LoadCalendarOptions = {}): Promise<WorkingCalendar> {
  const dataDir = options.dataDir ?? DEFAULT_CALENDAR_DATA_DIR;
  const unknownYears = options.unknownYears ?? 'throw';
  const key = JSON.stringify([dataDir, region, unknownYears]);
  let loading = cache.get(key);
  if (!loading) {
    loading = readCalendar(region, dataDir, unknownYears);
    cache.set(key, loading);
    loading.catch(() => cache.delete(key)); // a corrected file is read again on the next call
  }
  return loading;
}

async function readCalendar(region: string, dataDir: string, unknownYears: UnknownYears): Promise<WorkingCalendar> {
  const issues: CalendarDataIssue[] = [];
  const national = await readYears(join(dataDir, 'holidays'), issues);
  const regional = await readRegionChain(region, join(dataDir, 'calendars'), issues);
  if (issues.length > 0) throw new CalendarDataError(issues);
  return createCalendar({ region, years: national.map((f) => f.year), layers: [...national, ...regional], unknownYears });
}

async function readYears(dir: string, issues: CalendarDataIssue[]): Promise<HolidayYearFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    issues.push({ file: dir, path: '$', message: `cannot read the holiday directory: ${(err as Error).message}` });
    return [];
  }
  const years: HolidayYearFile[] = [];
  for (const name of names) {
    const file = join(dir, name);
    if (!/^\d{4}\.json$/.test(name)) {
      issues.push({ file, path: '$', message: 'name holiday files after their year, e.g. 2027.json' });
      continue;
    }
    const data = await readJson(file, HolidayYearFile, issues);
    if (data && data.year !== Number(name.slice(0, 4))) {
      issues.push({ file, path: '$.year', message: `is ${data.year}, but the file is named ${name}` });
    } else if (data) {
      years.push(data);
    }
  }
  return years;
}

/** The region's layers, parent first, following `extends` down to the national calendar. */
async function readRegionChain(region: string, dir: string, issues: CalendarDataIssue[]): Promise<RegionalCalendarFile[]> {
  const chain: RegionalCalendarFile[] = [];
  for (let id = region; id !== NATIONAL_CALENDAR; ) {
    const file = join(dir, `${id}.json`);
    // The id becomes a file name: refuse anything that could point outside the directory.
    if (!Slug.safeParse(id).success) {
      issues.push({ file: dir, path: '$', message: `${JSON.stringify(id)} is not a calendar id (lower-case letters, digits, dashes)` });
      break;
    }
    if (chain.some((c) => c.id === id)) {
      issues.push({ file, path: '$.extends', message: `calendars extend each other in a cycle: ${[...chain.map((c) => c.id), id].join(' → ')}` });
      break;
    }
    const data = await readJson(file, RegionalCalendarFile, issues);
    if (!data) break;
    if (data.id !== id) {
      issues.push({ file, path: '$.id', message: `is "${data.id}", but the file is named ${id}.json` });
      break;
    }
    chain.push(data);
    id = data.extends;
  }
  return chain.reverse();
}

async function readJson<T>(file: string, schema: z.ZodType<T>, issues: CalendarDataIssue[]): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    issues.push({ file, path: '$', message: missing ? 'no such calendar: add this file' : (err as Error).message });
    return undefined;
  }
  const parsed = parseJsonText(text, schema);
  if ('data' in parsed) return parsed.data;
  for (const issue of parsed.issues) issues.push({ file, ...issue });
  return undefined;
}

/** Rules zod's shapes cannot say: make-up days are weekends, a day is not both, a year file keeps to its year. */
function checkLayer(layer: CalendarLayer, ctx: z.RefinementCtx, year?: number): void {
  const outside = (date: string) => year !== undefined && isLocalDate(date) && !date.startsWith(`${year}-`);
  layer.holidays.forEach((h, i) => {
    for (const end of ['from', 'to'] as const) {
      if (outside(h[end])) ctx.addIssue({ code: 'custom', path: ['holidays', i, end], message: `${h[end]} is outside ${year}` });
    }
  });
  layer.workdays.forEach((date, i) => {
    if (!isLocalDate(date)) return;
    const path = ['workdays', i];
    if (outside(date)) ctx.addIssue({ code: 'custom', path, message: `${date} is outside ${year}` });
    if (!isWeekend(date)) ctx.addIssue({ code: 'custom', path, message: `${date} is not a Saturday or Sunday, so it cannot be a make-up working day` });
    // YYYY-MM-DD strings compare like the dates they name.
    const off = layer.holidays.find((h) => h.from <= date && date <= h.to);
    if (off) ctx.addIssue({ code: 'custom', path, message: `${date} is also a day off (${off.name})` });
  });
}

