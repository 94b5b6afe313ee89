/**
 * A bound on the time a request may wait for Temporal. Every Temporal call a route handler makes
 * (queries, Updates, describe, list, start, raw service calls) runs under one deadline for the whole
 * request, from its first Temporal call, set through the client's call context (what
 * `Connection.withDeadline` sets), so no call in the service layer escapes it. When Temporal or the worker is down the client gets a 503 naming which, with
 * `Retry-After`, within the bound — instead of the client library's retries (18–30 s) or a 500.
 *
 * Why also a timer: the client retries UNAVAILABLE with back-off and a deadline is only checked when a
 * retry starts, so a call can outlive its deadline by one back-off step (up to seconds). The timer
 * answers at the bound whatever the call does; the call is cancelled and its late outcome ignored.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import type { CallContext, Client, ConnectionLike } from '@temporalio/client';
import type { FastifyPluginAsync, RouteHandlerMethod } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem, temporalOutage, type ProblemSlug } from './problems';

/** The default bound: a request answers within this many milliseconds of its first Temporal call. */
export const DEFAULT_TEMPORAL_TIMEOUT_MS = 5000;
/** Kept back from the bound to ask Temporal whether it answers at all (which 503 it is). */
const PROBE_MS = 500;

export interface TemporalDeadlineOptions {
  /** The bound in milliseconds (`YJS_TEMPORAL_TIMEOUT_MS`); at least 1000. */
  timeoutMs?: number;
}

const EXPIRED = Symbol('expired');

/**
 * The Temporal time of one request. Its `context` is the client's call context: the client reads
 * `deadline` at each call it makes, so the clock starts at the request's first Temporal call, and
 * time spent before it (parsing, a licence library) is neither charged to Temporal nor reported as
 * its outage. The getters are own, enumerable properties because the client copies the context
 * (`{ ...context, metadata }`) before each call.
 */
class RequestBudget {
  readonly expired: Promise<typeof EXPIRED>;
  readonly context: CallContext;
  private readonly cancel = new AbortController();
  private expire: () => void = () => undefined;
  private deadlineMs?: number;
  private timer?: NodeJS.Timeout;

  constructor(private readonly ms: number) {
    this.expired = new Promise((resolve) => {
      this.expire = () => resolve(EXPIRED);
    });
    this.context = Object.defineProperties({} as CallContext, {
      deadline: { enumerable: true, get: () => this.start() },
      abortSignal: { enumerable: true, get: () => this.cancel.signal },
    });
  }

  /** The deadline, starting the clock on the first call. */
  start(): number {
    if (this.deadlineMs === undefined) {
      this.deadlineMs = Date.now() + this.ms;
      this.timer = setTimeout(this.expire, this.ms);
    }
    return this.deadlineMs;
  }

  /** Ends the budget: the time is up (calls in flight are cancelled) or the work is done. */
  end(cancelCalls: boolean): void {
    clearTimeout(this.timer);
    if (cancelCalls) this.cancel.abort();
  }
}

/**
 * Runs `work` with every Temporal call in it bounded; turns Temporal outages into 503 problems.
 * `acting` says whether the request may have changed something (an Update, a start): its answer then
 * tells the client how to retry safely.
 */
export async function withTemporalDeadline<T>(client: Client, timeoutMs: number, acting: boolean, work: () => Promise<T>): Promise<T> {
  const budget = new RequestBudget(Math.max(timeoutMs, 2 * PROBE_MS) - PROBE_MS);
  const running = runWithin(client, budget, work);
  let outcome: T | typeof EXPIRED;
  try {
    outcome = await Promise.race([running, budget.expired]);
  } catch (err) {
    const outage = temporalOutage(err);
    if (!outage) throw err;
    throw await unavailable(client, outage, timeoutMs, acting);
  } finally {
    budget.end(false);
  }
  if (outcome !== EXPIRED) return outcome;
  // A call in flight ends now; a retry waiting out its back-off fails on the deadline when it starts.
  budget.end(true);
  running.catch(() => undefined);
  throw await unavailable(client, 'no-answer', timeoutMs, acting);
}

/** Runs `work` in the budget's call context: every Temporal call in it gets its deadline and signal. */
function runWithin<T>(client: Client, budget: RequestBudget, work: () => Promise<T>): Promise<T> {
  const connection = client.connection as ConnectionLike & { callContextStorage?: AsyncLocalStorage<CallContext> };
  if (connection.callContextStorage) return connection.callContextStorage.run(budget.context, work);
  // Another kind of connection: only the public setters, so the clock starts now.
  return connection.withDeadline(budget.start(), () => connection.withAbortSignal(budget.context.abortSignal!, work));
}

async function unavailable(client: Client, outage: NonNullable<ReturnType<typeof temporalOutage>>, timeoutMs: number, acting: boolean): Promise<HttpProblem> {
  // Silence is ambiguous: if Temporal answers a trivial call, it is the worker that is missing.
  const slug: ProblemSlug =
    outage === 'no-worker' || (outage === 'no-answer' && (await temporalAnswers(client))) ? 'worker-unavailable' : 'temporal-unavailable';
  const what =
    slug === 'worker-unavailable'
      ? `Temporal answers, but no workflow worker answered within ${timeoutMs / 1000} s.`
      : `The workflow service (Temporal) did not answer within ${timeoutMs / 1000} s.`;
  const retry = acting
    ? ' The request may still take effect: retry it with the same Idempotency-Key, which returns its outcome and never acts twice.'
    : ' Retry later.';
  return new HttpProblem(slug, what + retry);
}

/** Whether Temporal answers a trivial call within the probe time. */
async function temporalAnswers(client: Client): Promise<boolean> {
  const cancel = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const probe = client.connection
    .withDeadline(Date.now() + PROBE_MS, () => client.connection.withAbortSignal(cancel.signal, () => client.workflowService.getSystemInfo({})))
    .then(
      () => true,
      () => false,
    );
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_MS);
  });
  try {
    return await Promise.race([probe, late]);
  } finally {
    clearTimeout(timer);
    cancel.abort();
  }
}

const deadlinePlugin: FastifyPluginAsync<TemporalDeadlineOptions> = async (app, { timeoutMs = DEFAULT_TEMPORAL_TIMEOUT_MS }) => {
  const { client } = app.temporal;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1000) throw new Error(`the Temporal timeout must be at least 1000 ms, not ${timeoutMs}`);
  // Every route registered after this in the same scope runs its handler under the deadline.
  app.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    const bounded: RouteHandlerMethod = function (this: ThisParameterType<RouteHandlerMethod>, request, reply) {
      const acting = request.method !== 'GET' && request.method !== 'HEAD';
      return withTemporalDeadline(client, timeoutMs, acting, async () => handler.call(this, request, reply));
    };
    route.handler = bounded as typeof route.handler;
  });
};

/** Bounds the Temporal calls (through `app.temporal`) of every route registered after it in the same scope. */
export const temporalDeadlines = fp(deadlinePlugin, { name: 'temporal-deadlines', fastify: '5.x', dependencies: ['temporal'] });

/**
 * Starts `work` outside the request's bound: a job the request only starts (a rebuild that may take
 * minutes) must not inherit its deadline or be cancelled when it answers.
 */
export function outsideRequestDeadline<T>(client: Client, work: () => Promise<T>): Promise<T> {
  const connection = client.connection as ConnectionLike & { callContextStorage?: AsyncLocalStorage<CallContext> };
  return connection.callContextStorage ? connection.callContextStorage.exit(work) : work();
}
