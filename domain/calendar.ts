/**
 * The working-day calendar (工作日历) and the deadline arithmetic of items' limits (DOMAIN rules 1–3).
 *
 * Pure functions over an in-memory {@link WorkingCalendar}; `calendar-data.ts` loads one from the data
 * files. Instants are ISO-8601 strings, in and out, so results travel as Temporal payloads unchanged;
 * local dates are `YYYY-MM-DD` in Asia/Shanghai.
 *
 * Time zone: mainland China has kept UTC+8 all year since 1991 (no daylight saving), so a fixed +08:00
 * offset is exact for every date the engine handles, and no time-zone database is needed.
 *
 * The clock: counting starts the day after the start's local date (行政许可法: 期限从次日起算). Each working
 * day after that holds 24 hours of clock time, from its local midnight to the next; other days hold none.
 * A limit of n working days ends at the end of the n-th working day, and a fraction f of it is reached at
 * the earliest instant the clock reads f × n days (so f = 1 is the deadline itself, never the start of a
 * later working day). A pause stops the clock for the working days in (local date it began, local date
 * it ended]: the clock resumes the working day after the supplement arrives.
 *
 * A year without holiday data is never guessed silently: it throws {@link CalendarYearMissingError}, or,
 * for a calendar made with `unknownYears: 'weekends-only'`, counts weekends only and flags every result
 * that depended on such a year with `estimated: true`.
 */

/** A local (Asia/Shanghai) calendar date, `YYYY-MM-DD`. */
export type LocalDate = string;
/** An instant, ISO-8601 with an explicit offset or `Z`; results are always `toISOString()` (UTC). */
export type Instant = string;

/** Days off announced together, both ends included. */
export interface Holiday {
  name: string;
  from: LocalDate;
  to: LocalDate;
}

/** One source of days off and make-up working days (a year's notice, or a region's local days). */
export interface CalendarLayer {
  holidays: readonly Holiday[];
  /** Make-up working days (调休上班日): weekend days that are worked. */
  workdays: readonly LocalDate[];
}

/** What to do with a year that has no data: refuse, or count weekends only and flag the result. */
export type UnknownYears = 'throw' | 'weekends-only';

/** A region's working days, ready for arithmetic. Build with {@link createCalendar} or `loadCalendar`. */
export interface WorkingCalendar {
  readonly region: string;
  /** Years whose holidays are known; any other year is an unknown year. */
  readonly years: ReadonlySet<number>;
  /** Days off by date, with the holiday's name. */
  readonly holidays: ReadonlyMap<LocalDate, string>;
  /** Make-up working days. */
  readonly workdays: ReadonlySet<LocalDate>;
  readonly unknownYears: UnknownYears;
}

/** A day as the calendar sees it. */
export interface DayInfo {
  date: LocalDate;
  working: boolean;
  kind: 'workday' | 'weekend' | 'holiday' | 'make-up';
  /** The holiday's name, for a holiday. */
  holiday?: string;
  /** True when the year has no data and only weekends were considered. */
  estimated: boolean;
}

/** An instant computed by the calendar; `estimated` when a year without data was counted weekends-only. */
export interface EstimatedInstant {
  instant: Instant;
  estimated: boolean;
}

/** A number of working days (fractional for clock time); `estimated` as in {@link EstimatedInstant}. */
export interface EstimatedDays {
  days: number;
  estimated: boolean;
}

/** A clock pause (补正, 听证, 检验, 检测, 鉴定, 专家评审); `to` is absent while the pause is still open. */
export interface Pause {
  from: Instant;
  to?: Instant;
}

export interface ItemClockInput {
  /** When the item was accepted. */
  start: Instant;
  /** The limit in working days. */
  days: number;
  /** In order, not overlapping, none before `start`; only the last may be open. */
  pauses?: readonly Pause[];
}

/** An item's deadline and warning instants (DOMAIN rule 3: yellow at 50%, red at 90% of the limit). */
export interface ItemClock {
  /** End of the last working day of the limit; undefined while an open pause holds the clock short of it. */
  deadline?: Instant;
  /** When 50% of the limit has elapsed; undefined while an open pause holds the clock short of it. */
  yellowAt?: Instant;
  /** When 90% of the limit has elapsed; undefined while an open pause holds the clock short of it. */
  redAt?: Instant;
  /** Working days the closed pauses moved the deadline by. */
  pausedDays: number;
  /** True when the last pause is still open: the clock is stopped. */
  paused: boolean;
  estimated: boolean;
}

/** Thrown when arithmetic reaches a year whose holidays were never loaded. */
export class CalendarYearMissingError extends Error {
  override readonly name = 'CalendarYearMissingError';

  constructor(
    readonly year: number,
    readonly region: string,
  ) {
    super(
      `No working-day data for ${year} (calendar "${region}"): add adapters/data/holidays/${year}.json from ` +
        `the State Council's holiday notice (published each November) and restart the worker. Until then, ` +
        `limits reaching ${year} cannot be computed without guessing.`,
    );
  }
}

const DAY_MS = 86_400_000;
/** Asia/Shanghai is UTC+8 all year (see the module comment). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const YELLOW = 0.5;
const RED = 0.9;

/** Builds a calendar from layers; a later layer overrides an earlier one (a region over the nation). */
export function createCalendar(input: {
  region: string;
  years: Iterable<number>;
  layers: readonly CalendarLayer[];
  unknownYears?: UnknownYears;
}): WorkingCalendar {
  const holidays = new Map<LocalDate, string>();
  const workdays = new Set<LocalDate>();
  for (const layer of input.layers) {
    for (const h of layer.holidays) {
      for (let day = toDay(h.from); day <= toDay(h.to); day++) {
        holidays.set(fromDay(day), h.name);
        workdays.delete(fromDay(day));
      }
    }
    for (const date of layer.workdays) {
      workdays.add(date);
      holidays.delete(date);
    }
  }
  return { region: input.region, years: new Set(input.years), holidays, workdays, unknownYears: input.unknownYears ?? 'throw' };
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isLocalDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && iso(ms).slice(0, 10) === value; // the round trip refuses 2026-02-30
}

/** True for a Saturday or a Sunday. */
export function isWeekend(date: LocalDate): boolean {
  const weekday = new Date(toDay(date) * DAY_MS).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** The local (Asia/Shanghai) date of an instant. */
export function localDateOf(instant: Instant): LocalDate {
  return fromDay(localDay(parseInstant(instant)));
}

/**
 * What kind of day `date` is. For a year without data: throws {@link CalendarYearMissingError}, or in
 * weekends-only mode answers from the weekday alone with `estimated: true`.
 */
export function dayInfo(cal: WorkingCalendar, date: LocalDate): DayInfo {
  const day = toDay(date);
  const year = new Date(day * DAY_MS).getUTCFullYear();
  const weekend = isWeekend(date);
  if (!cal.years.has(year)) {
    if (cal.unknownYears === 'throw') throw new CalendarYearMissingError(year, cal.region);
    return { date, working: !weekend, kind: weekend ? 'weekend' : 'workday', estimated: true };
  }
  const holiday = cal.holidays.get(date);
  if (holiday !== undefined) return { date, working: false, kind: 'holiday', holiday, estimated: false };
  if (cal.workdays.has(date)) return { date, working: true, kind: 'make-up', estimated: false };
  return { date, working: !weekend, kind: weekend ? 'weekend' : 'workday', estimated: false };
}

/**
 * Whether `date` is a working day. Strict in every mode: a year without data throws
 * {@link CalendarYearMissingError}, because a bare boolean cannot carry a flag; use {@link dayInfo} for
 * a flagged estimate.
 */
export function isWorkingDay(cal: WorkingCalendar, date: LocalDate): boolean {
  const info = dayInfo(cal, date);
  if (info.estimated) throw new CalendarYearMissingError(Number(date.slice(0, 4)), cal.region);
  return info.working;
}

/**
 * The deadline of an `n`-working-day limit started at `start`: the end (next local midnight) of the n-th
 * working day after the start's local date. `n = 0` gives the end of the start's own local day.
 */
export function addWorkingDays(cal: WorkingCalendar, start: Instant, n: number): EstimatedInstant {
  assertDays(n);
  const probe = new Probe(cal);
  const last = nthWorkingDay(probe, localDay(parseInstant(start)), n);
  return { instant: iso(endOfDay(last)), estimated: probe.estimated };
}

/**
 * The earliest instant at which `fraction` (0..1) of an `n`-working-day limit started at `start` has
 * elapsed on the clock (module comment). `fraction = 1` is {@link addWorkingDays}; `fraction = 0` is the
 * start of the first counted working day. A limit of 0 days has no clock time: every fraction is its
 * deadline.
 */
export function instantAtFraction(cal: WorkingCalendar, start: Instant, n: number, fraction: number): EstimatedInstant {
  assertDays(n);
  assertFraction(fraction);
  if (n === 0) return addWorkingDays(cal, start, 0);
  const probe = new Probe(cal);
  const at = clockInstant(probe, localDay(parseInstant(start)), fraction * n * DAY_MS, []);
  return { instant: iso(at!), estimated: probe.estimated }; // without pauses the clock always gets there
}

/**
 * The working days a pause stops the clock for: those in (local date of `pauseStart`, local date of
 * `resumeAt`]. The deadline moves by exactly this many working days.
 */
export function pausedWorkingDays(cal: WorkingCalendar, pauseStart: Instant, resumeAt: Instant): EstimatedDays {
  const [from, to] = [parseInstant(pauseStart), parseInstant(resumeAt)];
  if (to < from) throw new RangeError(`A pause cannot end (${resumeAt}) before it begins (${pauseStart}).`);
  const probe = new Probe(cal);
  return { days: countWorkingDays(probe, localDay(from), localDay(to)), estimated: probe.estimated };
}

/**
 * An item's deadline and yellow/red instants after its pauses.
 *
 * Deadline: each closed pause that began before the deadline moves it by its {@link pausedWorkingDays},
 * so with pauses inside the limit it is `addWorkingDays(start, days + pausedDays)`. A pause that began
 * after the deadline had passed moves nothing: the item was already overdue. Cards: the clock with every
 * paused working day removed. An open pause stops the clock: any instant the clock has not reached by the
 * end of the pause's first day is undefined, never a guess at when the pause will end.
 */
export function itemClock(cal: WorkingCalendar, input: ItemClockInput): ItemClock {
  assertDays(input.days);
  const startMs = parseInstant(input.start);
  const startDay = localDay(startMs);
  const pauses = normalizePauses(startMs, input.pauses ?? []);
  const probe = new Probe(cal);

  let last = nthWorkingDay(probe, startDay, input.days);
  let pausedDays = 0;
  let stopped = false;
  for (const pause of pauses) {
    if (pause.fromMs >= endOfDay(last)) break;
    if (pause.toDay === undefined) {
      stopped = true;
      break;
    }
    const moved = countWorkingDays(probe, pause.fromDay, pause.toDay);
    pausedDays += moved;
    last = nthWorkingDay(probe, last, moved);
  }
  const deadline = stopped ? undefined : iso(endOfDay(last));
  const card = (fraction: number) => {
    if (input.days === 0) return deadline;
    const at = clockInstant(probe, startDay, fraction * input.days * DAY_MS, pauses);
    return at === undefined ? undefined : iso(at);
  };
  return {
    deadline,
    yellowAt: card(YELLOW),
    redAt: card(RED),
    pausedDays,
    paused: openPause(pauses) !== undefined,
    estimated: probe.estimated,
  };
}

/**
 * Working days of clock time (fractional) elapsed between `start` and `at`, paused working days excluded;
 * 0 before the first counted day.
 */
export function workingDaysElapsed(cal: WorkingCalendar, start: Instant, at: Instant, pauses: readonly Pause[] = []): EstimatedDays {
  const startMs = parseInstant(start);
  const atMs = parseInstant(at);
  const spans = normalizePauses(startMs, pauses);
  const probe = new Probe(cal);
  let elapsed = 0;
  for (let day = localDay(startMs) + 1; startOfDay(day) < atMs; day++) {
    if (isOpenPaused(spans, day)) break;
    if (isPaused(spans, day) || !probe.working(day)) continue;
    elapsed += Math.min(atMs, endOfDay(day)) - startOfDay(day);
  }
  return { days: elapsed / DAY_MS, estimated: probe.estimated };
}

/** Asks the calendar about days and remembers whether any answer was an estimate. */
class Probe {
  estimated = false;

  constructor(private readonly cal: WorkingCalendar) {}

  working(day: number): boolean {
    const info = dayInfo(this.cal, fromDay(day));
    this.estimated ||= info.estimated;
    return info.working;
  }
}

/** A pause in day numbers: working days in (fromDay, toDay] are paused; no toDay means still paused. */
interface PauseSpan {
  fromMs: number;
  fromDay: number;
  toDay?: number;
}

/** The n-th working day after `after` (day numbers); `after` itself for n = 0. */
function nthWorkingDay(probe: Probe, after: number, n: number): number {
  let day = after;
  for (let counted = 0; counted < n; ) {
    day += 1;
    if (probe.working(day)) counted += 1;
  }
  return day;
}

/** Working days in (from, to], day numbers. */
function countWorkingDays(probe: Probe, from: number, to: number): number {
  let count = 0;
  for (let day = from + 1; day <= to; day++) if (probe.working(day)) count += 1;
  return count;
}

/** The earliest instant (ms) the clock started on `startDay` reads `target` ms; undefined if a pause stops it first. */
function clockInstant(probe: Probe, startDay: number, target: number, pauses: readonly PauseSpan[]): number | undefined {
  let remaining = target;
  for (let day = startDay + 1; ; day++) {
    if (isOpenPaused(pauses, day)) return undefined;
    if (isPaused(pauses, day) || !probe.working(day)) continue;
    if (remaining <= DAY_MS) return startOfDay(day) + remaining;
    remaining -= DAY_MS;
  }
}

function isPaused(pauses: readonly PauseSpan[], day: number): boolean {
  return pauses.some((p) => day > p.fromDay && (p.toDay === undefined || day <= p.toDay));
}

/** True from the first paused day of an open pause on: the clock will not move again. */
function isOpenPaused(pauses: readonly PauseSpan[], day: number): boolean {
  const open = openPause(pauses);
  return open !== undefined && day > open.fromDay;
}

/** The open pause, which can only be the last one. */
function openPause(pauses: readonly PauseSpan[]): PauseSpan | undefined {
  const last = pauses.at(-1);
  return last?.toDay === undefined ? last : undefined;
}

function normalizePauses(startMs: number, pauses: readonly Pause[]): PauseSpan[] {
  let previousEnd = startMs;
  return pauses.map((pause, i) => {
    const fromMs = parseInstant(pause.from);
    if (fromMs < previousEnd) {
      throw new RangeError(`Pause ${i} begins (${pause.from}) before the item started or the previous pause ended.`);
    }
    if (pause.to === undefined) {
      if (i !== pauses.length - 1) throw new RangeError(`Pause ${i} is open, but only the last pause may be open.`);
      return { fromMs, fromDay: localDay(fromMs) };
    }
    const toMs = parseInstant(pause.to);
    if (toMs < fromMs) throw new RangeError(`Pause ${i} ends (${pause.to}) before it begins (${pause.from}).`);
    previousEnd = toMs;
    return { fromMs, fromDay: localDay(fromMs), toDay: localDay(toMs) };
  });
}

/** Requires an explicit offset: without one, `Date.parse` would use the host's zone. */
function parseInstant(value: Instant): number {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO-8601 instant with an offset: ${JSON.stringify(value)}`);
  return ms;
}

function assertDays(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`A limit is a whole number of working days ≥ 0, got ${n}.`);
}

function assertFraction(fraction: number): void {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`A fraction of a limit is between 0 and 1, got ${fraction}.`);
}

/** Days since 1970-01-01 of a local date. */
function toDay(date: LocalDate): number {
  if (!isLocalDate(date)) throw new RangeError(`Not a date written YYYY-MM-DD: ${JSON.stringify(date)}`);
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function fromDay(day: number): LocalDate {
  return iso(day * DAY_MS).slice(0, 10);
}

function localDay(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** The local midnight that begins `day`. */
function startOfDay(day: number): number {
  return day * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** The local midnight that ends `day`. */
function endOfDay(day: number): number {
  return startOfDay(day + 1);
}

function iso(ms: number): Instant {
  return new Date(ms).toISOString();
}
