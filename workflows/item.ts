/**
 * `itemWorkflow`: one item (事项) with its department, from dispatch to decision.
 *
 * Started by its case as a child workflow as soon as its dependencies are cleared. The department
 * decides through Updates whose validators refuse the wrong department and the wrong state; the
 * item's search attributes put it in the department's inbox.
 *
 * The item owns its working-day clock, so a decision and a timeout can never both win: cards at 50%
 * and 90% of the promised limit, and at the deadline its timeout policy (超时默认 default approval
 * with a sealed notice, escalation to a supervising department, or none: overdue and still open).
 * Supplements (补正) and special steps (hearings, inspections…) pause the clock; the deadline moves
 * by exactly the paused working days.
 */
import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CLOCK_PAUSING_STEP_KINDS, mayPauseClock } from '../definitions/special-steps';
import { invalidRequest, wrongDepartment } from './errors';
import { advanceItem, initialItemSnapshot, itemStatus, SETTLED_ITEM_STATUSES, type ItemEvent, type ItemSnapshot } from './lifecycle';
import {
  approveItem,
  endSpecialStep,
  getItem,
  itemChanged,
  provideSupplement,
  rejectItem,
  requestSupplement,
  startSpecialStep,
  type Actor,
  type Card,
  type ClockView,
  type EscalationRecord,
  type ItemInput,
  type ItemOutcome,
  type ItemView,
  type SupplementRecord,
} from './messages';
import { CardKey, DeadlineKey, DepartmentKey, ItemStatusKey } from './search-attributes';

const { computeItemClock, issueTimeoutDefaultNotice } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

interface Pause {
  from: string;
  to?: string;
}

type ClockEvent = 'yellow' | 'red' | 'deadline';

export async function itemWorkflow(input: ItemInput): Promise<ItemOutcome> {
  const { item } = input;
  const startedAt = now();
  let snapshot: ItemSnapshot = advanceItem(initialItemSnapshot(item.department), { type: 'DISPATCH' });
  let decision: { at: string; by?: Actor; reason?: string } | undefined;
  let clock: ClockView = { card: 'none', pausedDays: 0, paused: false, estimated: false };
  /** The current limit: the item's own, or the supervising department's after an escalation. */
  let limit = { start: startedAt, days: item.promisedDays, pauses: [] as Pause[] };
  let escalated = false;
  let specialStep: { step: string; startedAt: string } | undefined;
  let timeoutNoticeId: string | undefined;
  const supplements: SupplementRecord[] = [];
  const escalations: EscalationRecord[] = [];
  /** Bumped on every change the clock loop must react to (pause, resume). */
  let revision = 0;

  const status = () => itemStatus(snapshot);
  const settled = () => SETTLED_ITEM_STATUSES.includes(status());
  const paused = () => status() === 'supplementing' || status() === 'special-step';

  const view = (): ItemView => ({
    caseId: input.caseId,
    itemId: item.id,
    department: snapshot.context.department,
    status: status(),
    startedAt,
    decidedAt: decision?.at,
    decidedBy: decision?.by,
    reason: decision?.reason,
    clock: { ...clock, paused: paused() },
    supplements,
    escalations,
    ...(specialStep ? { specialStep } : {}),
    ...(timeoutNoticeId ? { timeoutNoticeId } : {}),
  });

  /**
   * Tells the case, so its progress and supervision events follow the item without a query. The
   * clock loop awaits it, so no signal is still in flight when a decision completes the item (the
   * server would refuse that completion, and the decision with it).
   */
  const notifyCase = (): Promise<void> =>
    getExternalWorkflowHandle(input.caseWorkflowId)
      .signal(itemChanged, view())
      .catch(() => undefined); // the case may have ended (e.g. rejected): nothing left to tell

  /** Moves the machine and mirrors the status into the inbox search attribute. */
  const apply = (event: ItemEvent): void => {
    snapshot = advanceItem(snapshot, event);
    upsertSearchAttributes([{ key: ItemStatusKey, value: status() }]);
  };

  const refuseUnlessResponsible = (actor: Actor, event: ItemEvent): void => {
    if (actor.department !== snapshot.context.department) {
      throw wrongDepartment(snapshot.context.department, actor.department, `Item "${item.id}"`);
    }
    advanceItem(snapshot, event); // throws IllegalTransition when the item cannot take the event now
  };

  const pauseClock = (): void => {
    limit.pauses.push({ from: now() });
    revision++;
  };
  const resumeClock = (): void => {
    const open = limit.pauses[limit.pauses.length - 1];
    if (open) open.to = now();
    revision++;
  };

  // --- handlers, all registered before the first await --------------------------------------------
  setHandler(getItem, view);
  setHandler(
    approveItem,
    ({ actor, comment }) => {
      apply({ type: 'APPROVE' });
      decision = { at: now(), by: actor, reason: comment };
      return view();
    },
    { validator: ({ actor }) => refuseUnlessResponsible(actor, { type: 'APPROVE' }) },
  );
  setHandler(
    rejectItem,
    ({ actor, reason }) => {
      apply({ type: 'REJECT' });
      decision = { at: now(), by: actor, reason: reason.trim() };
      return view();
    },
    {
      validator: ({ actor, reason }) => {
        if (typeof reason !== 'string' || reason.trim() === '') throw invalidRequest('A rejection needs a reason.');
        refuseUnlessResponsible(actor, { type: 'REJECT' });
      },
    },
  );
  setHandler(
    requestSupplement,
    ({ actor, reason, materials }) => {
      apply({ type: 'REQUEST_SUPPLEMENT' });
      supplements.push({ requestedAt: now(), requestedBy: actor, reason: reason.trim(), materials });
      pauseClock();
      void notifyCase();
      return view();
    },
    {
      validator: ({ actor, reason, materials }) => {
        if (typeof reason !== 'string' || !reason.trim()) throw invalidRequest('A supplement request needs a reason.');
        if (!Array.isArray(materials) || materials.length === 0) {
          throw invalidRequest('A supplement request lists at least one missing material.');
        }
        refuseUnlessResponsible(actor, { type: 'REQUEST_SUPPLEMENT' });
      },
    },
  );
  setHandler(
    provideSupplement,
    ({ materials, note }) => {
      apply({ type: 'SUPPLEMENT_RECEIVED' });
      Object.assign(supplements[supplements.length - 1]!, { suppliedAt: now(), supplied: materials, ...(note ? { note } : {}) });
      resumeClock();
      return view(); // the case is told once the clock is recomputed
    },
    {
      validator: ({ materials }) => {
        advanceItem(snapshot, { type: 'SUPPLEMENT_RECEIVED' });
        if (!Array.isArray(materials) || materials.length === 0) throw invalidRequest('Supply at least one material.');
      },
    },
  );
  setHandler(
    startSpecialStep,
    ({ step }) => {
      apply({ type: 'SPECIAL_STEP_STARTED' });
      specialStep = { step, startedAt: now() };
      pauseClock();
      void notifyCase();
      return view();
    },
    {
      validator: ({ actor, step }) => {
        const declared = item.steps.find((s) => s.id === step);
        if (!declared) throw invalidRequest(`Item "${item.id}" declares no step "${step}".`);
        if (declared.countsTowardLimit) {
          throw invalidRequest(`Step "${step}" counts toward the limit; only uncounted special steps pause the clock.`);
        }
        // A plan published before lint refused it may still declare, say, its own acceptance uncounted.
        if (!mayPauseClock(declared.kind)) {
          throw invalidRequest(
            `Step "${step}" is a "${declared.kind}" step; only ${CLOCK_PAUSING_STEP_KINDS.join(', ')} steps may pause the clock (Administrative Licensing Law art. 45).`,
          );
        }
        refuseUnlessResponsible(actor, { type: 'SPECIAL_STEP_STARTED' });
      },
    },
  );
  setHandler(
    endSpecialStep,
    () => {
      apply({ type: 'SPECIAL_STEP_ENDED' });
      specialStep = undefined;
      resumeClock();
      return view();
    },
    { validator: ({ actor }) => refuseUnlessResponsible(actor, { type: 'SPECIAL_STEP_ENDED' }) },
  );

  // --- the clock ----------------------------------------------------------------------------------
  const refreshClock = async (): Promise<void> => {
    const computed = await computeItemClock({ calendar: input.calendar, start: limit.start, days: limit.days, pauses: limit.pauses });
    clock = { ...clock, ...computed, card: clock.card };
    if (clock.deadline) upsertSearchAttributes([{ key: DeadlineKey, value: new Date(clock.deadline) }]);
  };

  const nextClockEvent = (): { at: string; event: ClockEvent } | undefined => {
    const order: Array<[ClockEvent, string | undefined, Card[]]> = [
      ['yellow', clock.yellowAt, ['none']],
      ['red', clock.redAt, ['none', 'yellow']],
      ['deadline', clock.deadline, ['none', 'yellow', 'red']],
    ];
    const next = order.find(([, at, from]) => at && from.includes(clock.card));
    return next ? { event: next[0], at: next[1]! } : undefined;
  };

  const setCard = (card: Card): void => {
    clock = { ...clock, card };
    upsertSearchAttributes([{ key: CardKey, value: card }]);
  };

  /**
   * At the deadline: the item's timeout policy decides (an escalated item only becomes overdue).
   * What happens is recorded at the deadline itself, the instant the law attaches it to (the timer
   * fires a few milliseconds later).
   */
  const onDeadline = async (): Promise<void> => {
    const deadline = clock.deadline!;
    setCard('overdue');
    const policy = escalated ? { policy: 'none' as const } : item.timeout;
    if (policy.policy === 'default-approve' && item.defaultable) {
      apply({ type: 'TIMEOUT_DEFAULT' });
      const defaultedAt = deadline;
      decision = { at: defaultedAt, reason: '超时默认: the promised limit passed without a decision' };
      // Once deemed approved, the notice is owed even if the case is being cancelled meanwhile.
      const notice = await CancellationScope.nonCancellable(() => issueTimeoutDefaultNotice({
        caseId: input.caseId,
        itemId: item.id,
        itemCode: item.code,
        itemTitle: item.title,
        department: snapshot.context.department,
        deadline,
        defaultedAt,
        holder: input.applicant,
      }));
      timeoutNoticeId = notice.documentId;
    } else if (policy.policy === 'escalate') {
      escalations.push({ at: deadline, from: snapshot.context.department, to: policy.to });
      apply({ type: 'ESCALATE', department: policy.to });
      escalated = true;
      limit = { start: deadline, days: policy.days, pauses: [] };
      upsertSearchAttributes([{ key: DepartmentKey, value: policy.to }]);
      setCard('none');
      await refreshClock();
    }
    await notifyCase();
  };

  const runClock = async (): Promise<void> => {
    await refreshClock();
    await notifyCase();
    while (!settled()) {
      const seen = revision;
      if (paused()) {
        await condition(() => settled() || revision !== seen);
        if (!settled() && !paused()) {
          await refreshClock();
          await notifyCase();
        }
        continue;
      }
      const next = nextClockEvent();
      const wake = () => settled() || revision !== seen;
      if (!next) {
        await condition(wake); // overdue with no policy left: wait for a decision
        continue;
      }
      const woke = await condition(wake, Math.max(1, Date.parse(next.at) - Date.now()));
      if (woke || settled()) continue;
      if (next.event === 'deadline') {
        await onDeadline();
      } else {
        setCard(next.event);
        await notifyCase();
      }
    }
  };

  try {
    await runClock();
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // The case ended (another item was rejected): settle as cancelled, on the record, unless the
    // item had settled already.
    if (snapshot.can({ type: 'CANCEL' })) {
      apply({ type: 'CANCEL' });
      decision = { at: now(), reason: 'cancelled by the case' };
    }
  }

  return {
    itemId: item.id,
    status: status() as ItemOutcome['status'],
    department: snapshot.context.department,
    decidedAt: decision?.at ?? now(),
    decidedBy: decision?.by,
    reason: decision?.reason,
    ...(timeoutNoticeId ? { timeoutNoticeId } : {}),
  };
}

function now(): string {
  return new Date().toISOString(); // deterministic inside workflows: the workflow task's time
}
