/**
 * inbox: a department's inbox page (`GET /departments/:d/inbox?pageSize=20`, with and without
 * `status=in-review`) as its open items grow, through the API on one in-memory dev server.
 *
 * Open items are item workflows started directly, as a case starts them (`itemWorkflow`, its input,
 * memo and search attributes, the deadline and card an item sets once its clock runs), all in the
 * measured department, on a task queue no worker polls: the inbox reads only Temporal visibility,
 * so they are indistinguishable from items in review there, and creating them costs the server alone.
 * How long creating them took, and until visibility counted them all, is reported.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { BenchContext, BenchOutput, Benchmark } from '../lib/bench';
import { bySize, roundsFor } from '../lib/bench';
import { startApi } from '../lib/api-stack';
import { BUNDLE_ID, enterpriseApplication, enterprisePlan, itemWorkflowIdOf, newCaseId } from '../lib/cases';
import { runPool, sleep } from '../lib/pool';
import type { Row } from '../lib/report';
import { startDevServer } from '../lib/server';
import { quantile, round } from '../lib/stats';

const UNPOLLED_QUEUE = 'bench-inbox-no-worker';
const CREATE_CONCURRENCY = 32;

const keys = {
  CaseId: defineSearchAttributeKey('CaseId', SearchAttributeType.KEYWORD),
  BundleId: defineSearchAttributeKey('BundleId', SearchAttributeType.KEYWORD),
  ItemId: defineSearchAttributeKey('ItemId', SearchAttributeType.KEYWORD),
  Department: defineSearchAttributeKey('Department', SearchAttributeType.KEYWORD),
  ItemStatus: defineSearchAttributeKey('ItemStatus', SearchAttributeType.KEYWORD),
  Card: defineSearchAttributeKey('Card', SearchAttributeType.KEYWORD),
  Deadline: defineSearchAttributeKey('Deadline', SearchAttributeType.DATETIME),
};

export const inboxBenchmark: Benchmark = {
  name: 'inbox',
  description: 'inbox page p50/p95 as a department\'s open items grow',
  async run(ctx: BenchContext): Promise<BenchOutput> {
    const sizes = bySize(ctx.size, { quick: [50, 200], default: [1_000, 10_000], large: [10_000, 100_000] });
    const requests = bySize(ctx.size, { quick: 10, default: 150, large: 400 });
    const rounds = roundsFor(ctx, { quick: 3, default: 3, large: 3 });
    const plan = await enterprisePlan();
    const item = plan.items.find((i) => i.dependsOn.length === 0)!;
    const application = enterpriseApplication();
    const server = await startDevServer({ dbFile: ctx.size === 'large' });
    const api = await startApi(server, UNPOLLED_QUEUE);
    const headers = { authorization: `Bearer ${api.tokens[`officer-${item.department}`]}` };
    const pages = {
      all: `${api.url}/departments/${item.department}/inbox?pageSize=20`,
      'in-review': `${api.url}/departments/${item.department}/inbox?pageSize=20&status=in-review`,
    };
    const query = `WorkflowType = 'itemWorkflow' AND Department = '${item.department}'`;
    try {
      const creation: Array<{ openItems: number; created: number; seconds: number; visibleAfterSeconds: number; errors: number }> = [];
      const measured: Array<{ openItems: number; round: number; page: keyof typeof pages; ms: number[] }> = [];
      let open = 0;
      for (const size of sizes) {
        const count = size - open;
        const t0 = performance.now();
        const run = await runPool(count, CREATE_CONCURRENCY, async () => {
          const caseId = newCaseId();
          const startedAt = new Date();
          await server.client.workflow.start('itemWorkflow', {
            taskQueue: UNPOLLED_QUEUE,
            workflowId: itemWorkflowIdOf('engine', caseId, item.id),
            args: [
              {
                caseId,
                bundleId: plan.bundleId,
                bundleVersion: plan.version,
                caseWorkflowId: `case-${caseId}`,
                item,
                calendar: plan.calendar,
                applicant: { subjectId: application.applicant.subjectId, name: application.applicant.name },
              },
            ],
            memo: { code: item.code, title: item.title, kind: item.kind, promisedDays: item.promisedDays, calendar: plan.calendar },
            typedSearchAttributes: [
              { key: keys.CaseId, value: caseId },
              { key: keys.BundleId, value: BUNDLE_ID },
              { key: keys.ItemId, value: item.id },
              { key: keys.Department, value: item.department },
              { key: keys.ItemStatus, value: 'in-review' },
              { key: keys.Card, value: 'none' },
              { key: keys.Deadline, value: new Date(startedAt.getTime() + 2 * 86_400_000) },
            ],
          });
        });
        const seconds = (performance.now() - t0) / 1000;
        if (run.errors.length > 0) throw new Error(`${run.errors.length} of ${count} items could not be started: ${run.errors[0]}`);
        // Visibility is eventually consistent: measure once it lists every item.
        for (;;) {
          const { count: visible } = await server.client.workflow.count(query);
          if (visible >= size) break;
          await sleep(200);
        }
        open = size;
        creation.push({ openItems: size, created: count, seconds, visibleAfterSeconds: (performance.now() - t0) / 1000, errors: run.errors.length });
        ctx.log(`${size} open items (${count} started in ${round(seconds)} s, ${round(count / seconds)}/s)`);

        for (let i = 0; i < 5; i++) await get(pages.all, headers); // warm
        for (let r = 0; r < rounds; r++) {
          const ms: Record<keyof typeof pages, number[]> = { all: [], 'in-review': [] };
          for (let i = 0; i < requests; i++) {
            for (const page of (i + r) % 2 === 0 ? (['all', 'in-review'] as const) : (['in-review', 'all'] as const)) {
              ms[page].push(await get(pages[page], headers));
            }
          }
          for (const page of ['all', 'in-review'] as const) measured.push({ openItems: size, round: r, page, ms: ms[page] });
        }
        ctx.log(`${size}: p50 ${round(quantile(measured.filter((m) => m.openItems === size && m.page === 'all').flatMap((m) => m.ms), 0.5))} ms`);
      }

      const stat = (size: number, page: keyof typeof pages, q: number) => quantile(measured.filter((m) => m.openItems === size && m.page === page).flatMap((m) => m.ms), q);
      const perRound = (size: number, page: keyof typeof pages) => measured.filter((m) => m.openItems === size && m.page === page).map((m) => quantile(m.ms, 0.5));
      const rows: Row[] = sizes.flatMap((size) =>
        (['all', 'in-review'] as const).map((page) => ({
          'open items': size,
          page: page === 'all' ? 'pageSize=20' : 'pageSize=20&status=in-review',
          'p50 ms': round(stat(size, page, 0.5)),
          'p95 ms': round(stat(size, page, 0.95)),
          'p50 min over rounds': round(Math.min(...perRound(size, page))),
        })),
      );
      const [smallest, largest] = [sizes[0]!, sizes[sizes.length - 1]!];
      const growth = stat(largest, 'all', 0.5) / stat(smallest, 'all', 0.5);
      const creationRows: Row[] = creation.map((c) => ({
        'open items': c.openItems,
        'started now': c.created,
        'start s': round(c.seconds),
        'starts/s': round(c.created / c.seconds),
        'all visible after s': round(c.visibleAfterSeconds),
      }));
      return {
        options: { sizes, requestsPerRoundAndPage: requests, rounds, department: item.department, createConcurrency: CREATE_CONCURRENCY },
        summary: {
          pages: Object.fromEntries(sizes.map((size) => [size, { p50: stat(size, 'all', 0.5), p95: stat(size, 'all', 0.95), inReviewP50: stat(size, 'in-review', 0.5), inReviewP95: stat(size, 'in-review', 0.95) }])),
          growthP50: growth,
          creation,
        },
        tables: [
          { title: `inbox of ${item.department}: ${rounds} rounds of ${requests} sequential requests a page, the two pages alternated`, rows },
          { title: 'how the open items were made (itemWorkflow started directly, no worker polling)', rows: creationRows },
        ],
        targets: [],
        samples: { creation, pages: measured },
        notes: [
          `Every open item is in the measured department (${item.department}), the worst case for its page: the listing filters and sorts them all.`,
          'Requests are sequential (one at a time) so each latency is the page\'s own.',
          'Issue 10 sets no number for the inbox: the table reports how the page grows with the open items.',
        ],
      };
    } finally {
      await api.close();
      await server.stop();
    }
  },
};

async function get(url: string, headers: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const response = await fetch(url, { headers });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${text.slice(0, 200)}`);
  return performance.now() - t0;
}

