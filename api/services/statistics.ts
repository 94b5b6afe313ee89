/**
 * Statistics from real cases (四减 as achieved, not as designed): how long departments actually took
 * in working days against their limits, the on-time rate, how many items defaulted, how many were
 * handled on the spot. Aggregated by the database over the read model (every case, no cap), or read
 * from Temporal visibility over closed item workflows when the app has no read model (at most
 * `limit` items, `truncated` beyond). With the review store, the 好差评 figures besides: ratings per
 * level, the satisfaction rate, and the rectification, on-time and call-back rates, in all and by
 * department. Decorated as `app.statistics`.
 */
import type { Client } from '@temporalio/client';
import fp from 'fastify-plugin';
import { localDateOf, workingDaysElapsed } from '../../domain/calendar';
import { loadCalendar } from '../../adapters/calendar-data';
import type { ReadModelStore } from '../../adapters/read-model';
import type { ReviewStore } from '../../adapters/reviews';
import { reviewRates, type ReviewCounts } from '../../domain/reviews';

export interface Statistics {
  bundleId?: string;
  cases: Record<'submitted' | 'processing' | 'completed' | 'refused' | 'rejected' | 'terminated', number>;
  items: {
    /** Items decided by a department or by default (cancelled ones are not counted). */
    decided: number;
    approved: number;
    rejected: number;
    /** Deemed approved at the deadline (超时默认). */
    defaulted: number;
  };
  /** Working days from dispatch to decision, against the promised limits of the same items. */
  handlingWorkingDays: { mean: number; median: number; p90: number; meanPromisedLimit: number };
  /** Decided at or before the deadline (pauses for supplements move the deadline, so they are fair). */
  onTime: { count: number; rate: number };
  /** 即办: items decided on the day they reached their department, and items declared instant. */
  instant: { sameDay: number; sameDayRatio: number; declared: number };
  /** True when more closed items exist than were read (`limit`). */
  truncated: boolean;
  /** 催办: urges in all, and the items urged at least once (read model only: zeros from visibility). */
  urges: { count: number; items: number };
  /** 好差评: ratings and the rectifications of bad ones, in all and by department (zeros without a review store). */
  reviews: ReviewStatistics;
}

/** The published 好差评 figures of a set of ratings (`domain/reviews.ts` `reviewRates` defines the rates). */
export interface ReviewFigures {
  count: number;
  byLevel: ReviewCounts['byLevel'];
  meanLevel: number;
  satisfactionRate: number;
  /** 差评: 不满意 and 非常不满意. */
  bad: number;
  rectifications: ReviewCounts['rectifications'] & { rectificationRate: number; onTimeRate: number; callbackRate: number };
}

export interface ReviewStatistics extends ReviewFigures {
  byDepartment: Array<ReviewFigures & { department: string }>;
}

const CASE_STATES = ['submitted', 'processing', 'completed', 'refused', 'rejected', 'terminated'] as const;

interface ClosedItem {
  status: string;
  startedAt: string;
  closedAt: string;
  deadline?: string;
  kind?: string;
  promisedDays?: number;
  calendar: string;
}

export async function computeStatistics(
  client: Client,
  namespace: string,
  options: { bundleId?: string; limit?: number; reviews?: ReviewStore } = {},
): Promise<Statistics> {
  const limit = options.limit ?? 10_000;
  const bundle = options.bundleId ? ` AND BundleId = '${options.bundleId}'` : '';
  const cases = Object.fromEntries(
    await Promise.all(
      CASE_STATES.map(async (state) => {
        const { count } = await client.workflow.count(`WorkflowType = 'caseWorkflow' AND CaseStatus = '${state}'${bundle}`);
        return [state, count] as const;
      }),
    ),
  ) as Statistics['cases'];

  const items: ClosedItem[] = [];
  let truncated = false;
  const query = `WorkflowType = 'itemWorkflow' AND ExecutionStatus = 'Completed'${bundle}`;
  for await (const execution of client.workflow.list({ query })) {
    if (items.length >= limit) {
      truncated = true;
      break;
    }
    const attributes = execution.searchAttributes as Record<string, unknown[] | undefined>;
    const memo = (execution.memo ?? {}) as { kind?: string; promisedDays?: number; calendar?: string };
    items.push({
      status: String(attributes.ItemStatus?.[0] ?? ''),
      startedAt: execution.startTime.toISOString(),
      closedAt: (execution.closeTime ?? execution.startTime).toISOString(),
      deadline: attributes.Deadline?.[0] ? new Date(String(attributes.Deadline[0])).toISOString() : undefined,
      kind: memo.kind,
      promisedDays: memo.promisedDays,
      calendar: memo.calendar ?? 'cn',
    });
  }
  const summary = await summarize(cases, items.filter((i) => ['approved', 'rejected', 'defaulted'].includes(i.status)), truncated, options.bundleId);
  return { ...summary, reviews: await reviewStatistics(options.reviews, options.bundleId) };
}

/** The same statistics, aggregated by the database over every case of the read model. */
export async function statisticsFromReadModel(readModel: ReadModelStore, options: { bundleId?: string; reviews?: ReviewStore } = {}): Promise<Statistics> {
  const [{ cases: counts, decided, urges }, reviews] = await Promise.all([
    readModel.aggregates(options.bundleId ? { bundleId: options.bundleId } : {}),
    reviewStatistics(options.reviews, options.bundleId),
  ]);
  const cases = Object.fromEntries(CASE_STATES.map((state) => [state, counts[state] ?? 0])) as Statistics['cases'];
  // A case passing through `accepted` or `issuing` is counted as processing, as visibility counted it.
  cases.processing += (counts.accepted ?? 0) + (counts.issuing ?? 0);
  const by = (status: string) => decided.byStatus[status] ?? 0;
  return {
    ...(options.bundleId ? { bundleId: options.bundleId } : {}),
    cases,
    items: { decided: decided.count, approved: by('approved'), rejected: by('rejected'), defaulted: by('defaulted') },
    handlingWorkingDays: {
      mean: round(decided.meanWorkingDays),
      median: round(decided.medianWorkingDays),
      p90: round(decided.p90WorkingDays),
      meanPromisedLimit: round(decided.meanPromisedDays),
    },
    onTime: { count: decided.onTime, rate: ratio(decided.onTime, decided.count) },
    instant: { sameDay: decided.sameDay, sameDayRatio: ratio(decided.sameDay, decided.count), declared: decided.declaredInstant },
    truncated: false,
    urges,
    reviews,
  };
}

/** The 好差评 figures of every rating (of the bundle), counted by the review store. */
export async function reviewStatistics(store: ReviewStore | undefined, bundleId?: string): Promise<ReviewStatistics> {
  const { all, byDepartment } = store ? await store.counts(bundleId ? { bundleId } : {}) : { all: NO_REVIEWS, byDepartment: [] };
  return { ...reviewFigures(all), byDepartment: byDepartment.map(({ department, ...counts }) => ({ department, ...reviewFigures(counts) })) };
}

const NO_REVIEWS: ReviewCounts = {
  total: 0,
  byLevel: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
  rectifications: { opened: 0, withdrawn: 0, open: 0, overdue: 0, closed: 0, closedOnTime: 0, calledBack: 0 },
};

function reviewFigures(counts: ReviewCounts): ReviewFigures {
  const { satisfactionRate, meanLevel, rectificationRate, onTimeRate, callbackRate } = reviewRates(counts);
  return {
    count: counts.total,
    byLevel: counts.byLevel,
    meanLevel,
    satisfactionRate,
    bad: counts.byLevel[1] + counts.byLevel[2],
    rectifications: { ...counts.rectifications, rectificationRate, onTimeRate, callbackRate },
  };
}

async function summarize(cases: Statistics['cases'], decided: ClosedItem[], truncated: boolean, bundleId?: string): Promise<Omit<Statistics, 'reviews'>> {
  const durations: number[] = [];
  for (const item of decided) {
    const calendar = await loadCalendar(item.calendar, { unknownYears: 'weekends-only' });
    durations.push(workingDaysElapsed(calendar, item.startedAt, item.closedAt).days);
  }
  const limits = decided.map((i) => i.promisedDays ?? 0);
  const onTime = decided.filter((i) => !i.deadline || Date.parse(i.closedAt) <= Date.parse(i.deadline)).length;
  const sameDay = decided.filter((i) => localDateOf(i.startedAt) === localDateOf(i.closedAt)).length;
  const count = (status: string) => decided.filter((i) => i.status === status).length;
  return {
    ...(bundleId ? { bundleId } : {}),
    cases,
    items: { decided: decided.length, approved: count('approved'), rejected: count('rejected'), defaulted: count('defaulted') },
    handlingWorkingDays: { mean: round(mean(durations)), median: round(percentile(durations, 0.5)), p90: round(percentile(durations, 0.9)), meanPromisedLimit: round(mean(limits)) },
    onTime: { count: onTime, rate: ratio(onTime, decided.length) },
    instant: { sameDay, sameDayRatio: ratio(sameDay, decided.length), declared: decided.filter((i) => i.kind === 'instant').length },
    truncated,
    urges: { count: 0, items: 0 }, // visibility does not count urges; the read model does
  };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const round = (x: number) => Math.round(x * 100) / 100;
const ratio = (a: number, b: number) => (b ? round(a / b) : 0);

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

declare module 'fastify' {
  interface FastifyInstance {
    statistics: { compute(options?: { bundleId?: string }): Promise<Statistics> };
  }
}

/**
 * Decorates `app.statistics`: over the read model when given, else over the shared Temporal client;
 * the 好差评 figures from the review store when given.
 */
export const statistics = fp<{ readModel?: ReadModelStore; reviews?: ReviewStore }>(
  async (app, { readModel, reviews }) => {
    const { client, namespace } = app.temporal;
    app.decorate('statistics', {
      compute: (options: { bundleId?: string } = {}) =>
        readModel ? statisticsFromReadModel(readModel, { ...options, reviews }) : computeStatistics(client, namespace, { ...options, reviews }),
    });
  },
  { name: 'statistics', fastify: '5.x', dependencies: ['temporal'] },
);
