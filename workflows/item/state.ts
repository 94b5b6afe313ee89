/**
 * An item's state while its workflow runs: the lifecycle snapshot, the decision, the clock and the
 * current limit, supplements, escalations and the special step holding the clock, and the moves the
 * handlers and the clock make on them.
 */
import { getExternalWorkflowHandle, upsertSearchAttributes } from '@temporalio/workflow';
import type { Actor } from '../../domain/application';
import { currentStep, type Work } from '../../domain/work-steps';
import {
  itemChanged,
  type Card,
  type ClockView,
  type CopyRecord,
  type DispatchedItem,
  type EscalationRecord,
  type ItemInput,
  type ItemOutcome,
  type ItemView,
  type SupplementRecord,
  type TimedStepView,
  type UrgeRecord,
} from '../contract';
import { clockView } from '../clock-activity';
import { wrongDepartment } from '../errors';
import { advanceItem, initialItemSnapshot, itemStatus, SETTLED_ITEM_STATUSES, type ItemEvent, type ItemSnapshot, type ItemStatus } from '../lifecycle';
import { now } from '../now';
import { ItemStatusKey } from '../search-attributes';

interface Pause {
  from: string;
  to?: string;
}

/** A limit in working days from `start`, moved by its closed pauses. */
export interface Limit {
  start: string;
  days: number;
  pauses: Pause[];
}

export class ItemRun {
  readonly item: DispatchedItem;
  /** Dispatched by a lean case, with its clock: see `ItemInput.dispatch`. */
  readonly lean: boolean;
  readonly startedAt: string;
  snapshot: ItemSnapshot;
  decision: { at: string; by?: Actor; reason?: string } | undefined;
  clock: ClockView;
  /** The current limit: the item's own, or the supervising department's after an escalation. */
  limit: Limit;
  escalated = false;
  specialStep: { step: string; startedAt: string } | undefined;
  timeoutNoticeId: string | undefined;
  readonly supplements: SupplementRecord[] = [];
  readonly escalations: EscalationRecord[] = [];
  /** The item worked through its steps by the department's people (patch `work-steps`, items with counted steps). */
  work: Work | undefined;
  /** The current step's own limit and card (`step-clock.ts`). */
  stepClock: { step: string; deadline?: string; yellowAt?: string; redAt?: string; card: Card } | undefined;
  /** Edition 2: filed (备案) for this application, not decided (patch `filing-items`, `filing.ts`). */
  filing: { checkDays: number } | undefined;
  /** Edition 2: the timed step running now (patch `timed-steps`, `timed-steps.ts`). */
  timedStep: TimedStepView | undefined;
  readonly urges: UrgeRecord[] = [];
  readonly copies: CopyRecord[] = [];
  /** Signals to the case and notifications still in flight: the item completes only once they are done. */
  readonly pending: Array<Promise<unknown>> = [];
  /** Bumped on every change the clock loop must react to (pause, resume). */
  revision = 0;

  constructor(readonly input: ItemInput) {
    this.item = input.item;
    this.lean = input.dispatch !== undefined;
    this.startedAt = input.dispatch?.at ?? now();
    this.clock = input.dispatch ? clockView(input.dispatch.clock, 'none') : { card: 'none', pausedDays: 0, paused: false, estimated: false };
    this.snapshot = advanceItem(initialItemSnapshot(input.item.department), { type: 'DISPATCH' });
    this.limit = { start: this.startedAt, days: input.item.promisedDays, pauses: [] };
  }

  status(): ItemStatus {
    return itemStatus(this.snapshot);
  }

  settled(): boolean {
    return SETTLED_ITEM_STATUSES.includes(this.status());
  }

  paused(): boolean {
    // A timed step the law leaves out of the limit stops the clock too, while the item stays in review.
    return this.status() === 'supplementing' || this.status() === 'special-step' || this.timedStep?.counted === false;
  }

  /** The department responsible now. */
  department(): string {
    return this.snapshot.context.department;
  }

  view(): ItemView {
    const { decision, specialStep, timeoutNoticeId } = this;
    return {
      caseId: this.input.caseId,
      itemId: this.item.id,
      department: this.department(),
      status: this.status(),
      startedAt: this.startedAt,
      decidedAt: decision?.at,
      decidedBy: decision?.by,
      reason: decision?.reason,
      clock: { ...this.clock, paused: this.paused() },
      supplements: this.supplements,
      escalations: this.escalations,
      ...(specialStep ? { specialStep } : {}),
      ...(this.timedStep ? { timedStep: this.timedStep } : {}),
      ...(timeoutNoticeId ? { timeoutNoticeId } : {}),
      ...(this.work ? { work: this.workView(this.work) } : {}),
      ...(this.urges.length > 0 ? { urges: this.urges } : {}),
      ...(this.copies.length > 0 ? { copies: this.copies } : {}),
    };
  }

  private workView(work: Work): NonNullable<ItemView['work']> {
    const step = currentStep(work);
    return {
      step: step.id,
      role: step.role,
      ...(work.holder ? { holder: work.holder } : {}),
      steps: work.steps.map(({ id, role, countersign, timed }) => ({ id, role, ...(countersign ? { countersign } : {}), ...(timed ? { timed } : {}) })),
      signatures: work.signatures,
      trail: work.trail,
      ...(this.stepClock ? { clock: this.stepClock } : {}),
    };
  }

  /** Tells the case (without waiting): the item completes only once every such signal is delivered. */
  tellCase(): void {
    this.pending.push(this.notifyCase());
  }

  /** What the item returns to its case once settled. */
  outcome(): ItemOutcome {
    return {
      itemId: this.item.id,
      status: this.status() as ItemOutcome['status'],
      department: this.department(),
      decidedAt: this.decision?.at ?? now(),
      decidedBy: this.decision?.by,
      reason: this.decision?.reason,
      ...(this.timeoutNoticeId ? { timeoutNoticeId: this.timeoutNoticeId } : {}),
    };
  }

  /**
   * Tells the case, so its progress and supervision events follow the item without a query. The
   * clock loop awaits it, so no signal is still in flight when a decision completes the item (the
   * server would refuse that completion, and the decision with it).
   */
  notifyCase(): Promise<void> {
    return getExternalWorkflowHandle(this.input.caseWorkflowId)
      .signal(itemChanged, this.view())
      .catch(() => undefined); // the case may have ended (e.g. rejected): nothing left to tell
  }

  /** Moves the machine and mirrors the status into the inbox search attribute. */
  apply(event: ItemEvent): void {
    this.snapshot = advanceItem(this.snapshot, event);
    upsertSearchAttributes([{ key: ItemStatusKey, value: this.status() }]);
  }

  /** Refuses another department than the responsible one, and an event the item cannot take now. */
  refuseUnlessResponsible(actor: Actor, event: ItemEvent): void {
    if (actor.department !== this.department()) {
      throw wrongDepartment(this.department(), actor.department, `Item "${this.item.id}"`);
    }
    advanceItem(this.snapshot, event); // throws IllegalTransition when the item cannot take the event now
  }

  pauseClock(): void {
    this.limit.pauses.push({ from: now() });
    this.revision++;
  }

  resumeClock(): void {
    const open = this.limit.pauses[this.limit.pauses.length - 1];
    if (open) open.to = now();
    this.revision++;
  }

  /** The case ended while the item was open: it settles as cancelled, on the record. */
  cancelIfOpen(): void {
    if (this.snapshot.can({ type: 'CANCEL' })) {
      this.apply({ type: 'CANCEL' });
      this.decision = { at: now(), reason: 'cancelled by the case' };
    }
  }
}
