/**
 * The item's working-day clock: cards at 50% and 90% of the promised limit and, at the deadline, the
 * item's timeout policy (超时默认 default approval with a sealed notice, escalation to a supervising
 * department, or none: overdue and still open). Pauses (supplements, special steps) move the deadline
 * by exactly their working days. Deadline and card instants come from an activity, recorded in
 * history, so replay never re-reads holiday data: for a lean item (dispatched with its clock) a local
 * one, and only when the clock changes.
 */
import { CancellationScope, condition, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { computeItemClockLocally } from '../clock-activity';
import type { Card } from '../contract';
import { CardKey, DeadlineKey, DepartmentKey } from '../search-attributes';
import { fileAtEndOfCheck } from './filing';
import type { ItemRun } from './state';

const { computeItemClock, issueTimeoutDefaultNotice } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

type ClockEvent = 'yellow' | 'red' | 'deadline';

/** Runs until the item settles: a decision, a default at the deadline, or cancellation by the case. */
export async function runClock(run: ItemRun): Promise<void> {
  if (!run.lean) {
    await refreshClock(run);
    await run.notifyCase();
  } // a lean item got its clock with its input, and its case knows it
  while (!run.settled()) {
    const seen = run.revision;
    if (run.paused()) {
      await condition(() => run.settled() || run.revision !== seen);
      if (!run.settled() && !run.paused()) {
        await refreshClock(run);
        await run.notifyCase();
      }
      continue;
    }
    const next = nextClockEvent(run);
    const wake = () => run.settled() || run.revision !== seen;
    if (!next) {
      await condition(wake); // overdue with no policy left: wait for a decision
      continue;
    }
    const woke = await condition(wake, Math.max(1, Date.parse(next.at) - Date.now()));
    if (woke || run.settled()) continue;
    if (next.event === 'deadline') {
      await onDeadline(run);
    } else {
      setCard(run, next.event);
      await run.notifyCase();
    }
  }
}

async function refreshClock(run: ItemRun): Promise<void> {
  const { limit } = run;
  const compute = run.lean ? computeItemClockLocally : computeItemClock;
  const computed = await compute({ calendar: run.input.calendar, start: limit.start, days: limit.days, pauses: limit.pauses });
  run.clock = { ...run.clock, ...computed, card: run.clock.card };
  if (run.clock.deadline) upsertSearchAttributes([{ key: DeadlineKey, value: new Date(run.clock.deadline) }]);
}

function nextClockEvent({ clock, filing }: ItemRun): { at: string; event: ClockEvent } | undefined {
  const order: Array<[ClockEvent, string | undefined, Card[]]> = [
    // A filing's check period is no department's limit to warn about: only its end matters.
    ...(filing ? [] : ([['yellow', clock.yellowAt, ['none']], ['red', clock.redAt, ['none', 'yellow']]] as Array<[ClockEvent, string | undefined, Card[]]>)),
    ['deadline', clock.deadline, ['none', 'yellow', 'red']],
  ];
  const next = order.find(([, at, from]) => at && from.includes(clock.card));
  return next ? { event: next[0], at: next[1]! } : undefined;
}

function setCard(run: ItemRun, card: Card): void {
  run.clock = { ...run.clock, card };
  upsertSearchAttributes([{ key: CardKey, value: card }]);
}

/**
 * At the deadline: the item's timeout policy decides (an escalated item only becomes overdue).
 * What happens is recorded at the deadline itself, the instant the law attaches it to (the timer
 * fires a few milliseconds later).
 */
async function onDeadline(run: ItemRun): Promise<void> {
  const { item } = run;
  const deadline = run.clock.deadline!;
  if (run.filing) return fileAtEndOfCheck(run, deadline); // the check period ended without objection
  setCard(run, 'overdue');
  const policy = run.escalated ? { policy: 'none' as const } : item.timeout;
  if (policy.policy === 'default-approve' && item.defaultable) {
    const notice = await defaultApprove(run, deadline);
    run.timeoutNoticeId = notice.documentId;
  } else if (policy.policy === 'escalate') {
    run.escalations.push({ at: deadline, from: run.department(), to: policy.to });
    run.apply({ type: 'ESCALATE', department: policy.to });
    run.escalated = true;
    run.limit = { start: deadline, days: policy.days, pauses: [] };
    upsertSearchAttributes([{ key: DepartmentKey, value: policy.to }]);
    setCard(run, 'none');
    await refreshClock(run);
  }
  await run.notifyCase();
}

/** 超时默认: deemed approved at the deadline; the department's sealed notice is issued. */
function defaultApprove(run: ItemRun, deadline: string): Promise<{ documentId: string }> {
  const { item, input } = run;
  run.apply({ type: 'TIMEOUT_DEFAULT' });
  const defaultedAt = deadline;
  run.decision = { at: defaultedAt, reason: '超时默认: the promised limit passed without a decision' };
  // Once deemed approved, the notice is owed even if the case is being cancelled meanwhile.
  return CancellationScope.nonCancellable(() =>
    issueTimeoutDefaultNotice({
      caseId: input.caseId,
      itemId: item.id,
      itemCode: item.code,
      itemTitle: item.title,
      department: run.department(),
      deadline,
      defaultedAt,
      holder: input.applicant,
    }),
  );
}
