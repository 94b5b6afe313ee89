/**
 * The drills' API client: the integrator, window and department calls of a restaurant case over HTTP
 * against the cluster's two API nodes, as a province's systems make them. Every request that changes
 * something carries an Idempotency-Key; on a network error (a node killed) or a 502/503/504 the same
 * request goes again with the same key, alternating nodes, until it has an answer or its deadline
 * passes; so does a 500, which is also kept for the verdict. Every status any node answered is counted, so a drill can say that none was a 500.
 */
import type { Cluster } from '../cluster';

export const RESTAURANT_ITEMS = {
  'business-licence': 'market-regulation',
  'food-permit': 'market-regulation',
  'outdoor-sign': 'urban-management',
  'fire-check': 'fire-rescue',
} as const;
export type RestaurantItem = keyof typeof RESTAURANT_ITEMS;
/** Items that wait for the business licence, dispatched together once it is approved. */
export const AFTER_LICENCE: RestaurantItem[] = ['food-permit', 'outdoor-sign', 'fire-check'];

export interface Answer {
  status: number;
  body: any; // JSON of many shapes
  node: number;
}

/** What the nodes answered, over the whole drill. */
export interface Tally {
  /** Count per status (`network` for a refused or broken connection). */
  statuses: Record<string, number>;
  /** Requests sent again with the same key after a network error or a 502/503/504. */
  retries: number;
  /** Requests that change something (not GET) whose connection broke off after it was made, before an answer (not refused). */
  cutWrites: number;
  /** The first few 500s, for the report. */
  errors: Array<{ method: string; path: string; status: number; body: unknown }>;
  /** 500s per route (`POST /cases/:caseId/accept`). */
  fiveHundredsByRoute: Record<string, number>;
  /** When the last 500 was answered (epoch ms), 0 if none. */
  lastFiveHundredAt: number;
  /** When the last 502/503/504 was answered or a connection was refused or cut (epoch ms), 0 if none: the end of an outage as clients saw it. */
  lastUnavailableAt: number;
}

export class DrillClient {
  readonly tally: Tally = { statuses: {}, retries: 0, cutWrites: 0, errors: [], fiveHundredsByRoute: {}, lastFiveHundredAt: 0, lastUnavailableAt: 0 };
  /** Requests that change something, in flight now, per node. */
  readonly writesInFlight = [0, 0];
  private readonly tokens: Record<string, string> = {};

  constructor(
    readonly cluster: Cluster,
    /** Distinguishes this run's keys (cases, updates) from every other run's on the same cluster. */
    readonly run: string,
  ) {}

  token(role: string): string {
    const token = this.tokens[role];
    if (!token) throw new Error(`no key for ${role}`);
    return token;
  }

  /** Mints the integrator's, the window's, each department's, a designer's and a supervisor's key with the admin key. */
  async mintKeys(departments: string[] = [...new Set(Object.values(RESTAURANT_ITEMS))]): Promise<void> {
    const principals = [
      { name: 'integrator', roles: ['integrator'] },
      { name: 'designer', roles: ['designer'] },
      { name: 'supervisor', roles: ['supervisor'] },
      { name: 'window:gov-service', roles: ['window'], department: 'gov-service' },
      ...departments.map((department) => ({ name: `department:${department}`, roles: ['department'], department })),
    ];
    for (const { name, ...principal } of principals) {
      const answer = await this.send(this.cluster.adminKey, 'POST', '/admin/api-keys', { json: principal, deadlineMs: 60_000 });
      if (answer.status !== 201) throw new Error(`minting a key for ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
      this.tokens[name] = answer.body.key;
    }
  }

  /**
   * One request, retried with the same key (and body) on a network error or a 502/503/504 until
   * `deadlineMs` passes, starting on node `node` and alternating.
   */
  async send(
    token: string,
    method: string,
    path: string,
    options: { json?: unknown; key?: string; node?: number; deadlineMs?: number; retryOn?: number[] } = {},
  ): Promise<Answer> {
    const deadline = Date.now() + (options.deadlineMs ?? 120_000);
    // A 500 is sent again too, as a client would after a while, so the drill goes on to its verdict;
    // it is counted, and the verdict fails on it.
    const retryOn = options.retryOn ?? [500, 502, 503, 504];
    let node = options.node ?? 0;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (options.key) headers['idempotency-key'] = options.key;
      if (options.json !== undefined) headers['content-type'] = 'application/json';
      let answer: Answer | undefined;
      const write = method !== 'GET';
      if (write) this.writesInFlight[node]!++;
      try {
        const response = await fetch(this.cluster.apiUrls[node]! + path, {
          method,
          headers,
          body: options.json === undefined ? undefined : JSON.stringify(options.json),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: kept as text
        }
        answer = { status: response.status, body, node };
        this.count(String(response.status));
        const unexpected = response.status === 500 || (response.status > 500 && !retryOn.includes(response.status));
        if ([502, 503, 504].includes(response.status)) this.tally.lastUnavailableAt = Date.now();
        if (response.status === 500) {
          this.tally.lastFiveHundredAt = Date.now();
          const route = `${method} ${path.replace(/\/[0-9a-f]{24}(?=\/|$)/g, '/:caseId')}`;
          this.tally.fiveHundredsByRoute[route] = (this.tally.fiveHundredsByRoute[route] ?? 0) + 1;
        }
        if (unexpected && this.tally.errors.length < 20) {
          this.tally.errors.push({ method, path, status: response.status, body });
        }
      } catch (err) {
        const refused = (err as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
        this.count(refused ? 'refused' : 'network');
        this.tally.lastUnavailableAt = Date.now();
        if (write && !refused) this.tally.cutWrites++;
      } finally {
        if (write) this.writesInFlight[node]!--;
      }
      if (answer && !retryOn.includes(answer.status)) return answer;
      if (Date.now() > deadline) {
        if (answer) return answer;
        throw new Error(`${method} ${path}: no node answered within ${options.deadlineMs ?? 120_000} ms`);
      }
      this.tally.retries++;
      // The same key on the other node, as an integrator with two addresses retries.
      node = (node + 1) % this.cluster.apiUrls.length;
      await sleep(Math.min(2_000, 200 * attempt));
    }
  }

  private count(status: string): void {
    this.tally.statuses[status] = (this.tally.statuses[status] ?? 0) + 1;
  }

  /** Starts case `i` of this run (its key names it); returns its id. */
  async startCase(i: number, bundleId = 'open-restaurant', node = i % 2): Promise<string> {
    const answer = await this.send(this.token('integrator'), 'POST', '/cases', { json: restaurantApplication(bundleId, i), key: `${this.run}-case-${i}`, node });
    if (answer.status !== 201 && answer.status !== 200) throw new Error(`case ${i}: POST /cases answered ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.caseId as string;
  }

  async accept(caseId: string, node = 0): Promise<void> {
    const answer = await this.send(this.token('window:gov-service'), 'POST', `/cases/${caseId}/accept`, { json: {}, key: `${this.run}-accept-${caseId}`, node });
    if (answer.status !== 200) throw new Error(`${caseId}: accept answered ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  async progress(caseId: string, node = 0): Promise<any> {
    const answer = await this.send(this.token('supervisor'), 'GET', `/cases/${caseId}`, { node, deadlineMs: 60_000 });
    return answer.status === 200 ? answer.body : undefined;
  }

  /** Waits until the item is in review (dispatched to its department), then approves it with its key. */
  async approve(caseId: string, item: RestaurantItem, node = 0): Promise<Answer> {
    await this.until(caseId, (p) => p.items.find((it: { id: string }) => it.id === item)?.status === 'in-review', `${item} in review`, 180_000, node);
    const answer = await this.send(this.token(`department:${RESTAURANT_ITEMS[item]}`), 'POST', `/cases/${caseId}/items/${item}/approve`, {
      json: {},
      key: `${this.run}-approve-${caseId}-${item}`,
      node,
      deadlineMs: 180_000,
    });
    if (answer.status !== 200) throw new Error(`${caseId} ${item}: approve answered ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  }

  /** Polls the case's progress (alternating nodes) until `done` holds; returns that progress. */
  async until(caseId: string, done: (progress: any) => boolean, what: string, timeoutMs = 180_000, node = 0): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    for (let n = node; Date.now() < deadline; n++) {
      last = await this.progress(caseId, n % 2).catch(() => undefined);
      if (last && done(last)) return last;
      await sleep(300);
    }
    throw new Error(`${caseId}: not ${what} within ${timeoutMs / 1000} s: ${JSON.stringify(last)?.slice(0, 1500)}`);
  }

  untilCompleted(caseId: string, timeoutMs = 300_000): Promise<any> {
    return this.until(caseId, (p) => p.status === 'completed', 'completed', timeoutMs);
  }

  /** A whole case: start, accept, the licence, then the other three items at once, until completed. */
  async wholeCase(i: number): Promise<{ caseId: string; progress: any }> {
    const caseId = await this.startCase(i);
    await this.accept(caseId, i % 2);
    await this.approve(caseId, 'business-licence', i % 2);
    await Promise.all(AFTER_LICENCE.map((item, j) => this.approve(caseId, item, (i + j) % 2)));
    return { caseId, progress: await this.untilCompleted(caseId) };
  }
}

/** A restaurant application (no tobacco) whose shop name differs by `i`. */
export function restaurantApplication(bundleId: string, i: number) {
  return {
    bundleId,
    applicant: { subjectId: '420104199003071234', kind: 'person', name: '王小明' },
    form: {
      applicantName: '王小明',
      applicantIdNumber: '420104199003071234',
      applicantPhone: '13800138000',
      shopName: `小明热干面馆${i}号店`,
      businessForm: 'individual',
      businessAddress: `武汉市江汉区解放大道${100 + i}号`,
      businessArea: 80,
      seatCount: 30,
      mainFoodCategory: 'hot-food',
      signText: '小明热干面',
      signWidthMeters: 3,
      signHeightMeters: 1,
      sellsTobacco: false,
    },
    materials: [
      { id: 'applicant-id-card' },
      { id: 'premises-proof' },
      { id: 'food-premises-layout' },
      { id: 'food-safety-rules' },
      { id: 'sign-design' },
      { id: 'fire-safety-plan' },
    ],
  };
}

/** Runs `task` over `inputs`, at most `limit` at a time; results in input order. */
export async function pool<T, R>(inputs: T[], limit: number, task: (input: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(inputs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, inputs.length) }, async () => {
      while (next < inputs.length) {
        const index = next++;
        results[index] = await task(inputs[index]!, index);
      }
    }),
  );
  return results;
}

/** The verdict's line on 5xx answers other than 502/503/504 (which say "try again"), or undefined when there were none. */
export function serverErrors(tally: Tally): string | undefined {
  const counted = Object.entries(tally.statuses).filter(([s]) => /^5/.test(s) && !['502', '503', '504'].includes(s));
  if (counted.length === 0) return undefined;
  const routes = Object.entries(tally.fiveHundredsByRoute).map(([route, n]) => `${n} × ${route}`).join(', ');
  return `nodes answered ${counted.map(([s, n]) => `${n} × ${s}`).join(', ')} (${routes}); the first: ${JSON.stringify(tally.errors[0]?.body)}`;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** p50, p95 and max of a list of milliseconds, rounded. */
export function percentiles(values: number[]): { n: number; p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!));
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted.length === 0 ? 0 : Math.round(sorted[sorted.length - 1]!) };
}
