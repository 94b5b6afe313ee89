/**
 * The case and item lifecycles as explicit xstate v5 machines.
 *
 * Workflows keep a snapshot and move it with `getNextSnapshot` (a pure function): no actors, no
 * delayed events, because time belongs to Temporal timers. Update validators ask `snapshot.can(event)`,
 * so an illegal event is refused with a reason instead of being silently ignored. The machines are
 * exported for docs and UIs (`GET /lifecycle`).
 */
import { assign, getInitialSnapshot, getNextSnapshot, setup, type SnapshotFrom } from 'xstate';
import { z } from 'zod';
import { illegalTransition } from './errors';

// ---------------------------------------------------------------------------------------------------
// Case

export type CaseEvent =
  | { type: 'ACCEPT' }
  | { type: 'REFUSE' }
  | { type: 'WITHDRAW' }
  | { type: 'DISPATCH' }
  | { type: 'SUPPLEMENT_REQUESTED' }
  | { type: 'SUPPLEMENT_RECEIVED' }
  | { type: 'ITEM_REJECTED' }
  | { type: 'ALL_ITEMS_DONE' }
  | { type: 'RESULTS_ISSUED' }
  | { type: 'COMMITMENT_BROKEN' };

export interface CaseContext {
  /** Items currently waiting for the applicant to supplement materials (补正). */
  openSupplements: number;
}

export const caseMachine = setup({
  types: { context: {} as CaseContext, events: {} as CaseEvent },
  guards: {
    isLastOpenSupplement: ({ context }) => context.openSupplements <= 1,
  },
  actions: {
    openSupplement: assign({ openSupplements: ({ context }) => context.openSupplements + 1 }),
    closeSupplement: assign({ openSupplements: ({ context }) => Math.max(0, context.openSupplements - 1) }),
  },
}).createMachine({
  id: 'case',
  initial: 'submitted',
  context: { openSupplements: 0 },
  states: {
    /** Handed in at the window (一窗受理), not yet examined. */
    submitted: {
      on: { ACCEPT: 'accepted', REFUSE: 'refused', WITHDRAW: 'withdrawn' },
    },
    /** Accepted by the window; items are about to be dispatched to their departments. */
    accepted: {
      on: { DISPATCH: 'processing', WITHDRAW: 'withdrawn' },
    },
    /** Departments are deciding, in parallel where the plan allows. */
    processing: {
      on: {
        SUPPLEMENT_REQUESTED: { target: 'supplementing', actions: 'openSupplement' },
        ITEM_REJECTED: 'rejected',
        ALL_ITEMS_DONE: 'issuing',
        COMMITMENT_BROKEN: 'terminated',
        WITHDRAW: 'withdrawn',
      },
    },
    /** At least one item waits for the applicant; the others go on. */
    supplementing: {
      on: {
        SUPPLEMENT_REQUESTED: { actions: 'openSupplement' },
        SUPPLEMENT_RECEIVED: [
          { guard: 'isLastOpenSupplement', target: 'processing', actions: 'closeSupplement' },
          { actions: 'closeSupplement' },
        ],
        ITEM_REJECTED: 'rejected',
        COMMITMENT_BROKEN: 'terminated',
        WITHDRAW: 'withdrawn',
      },
    },
    /** Every item approved: all results are being issued together (一次办结). */
    issuing: {
      on: { RESULTS_ISSUED: 'completed' },
    },
    /** Every result issued; a case whose commitment is still open stays here until it settles. */
    completed: {
      on: { COMMITMENT_BROKEN: 'terminated' },
    },
    refused: { type: 'final' },
    rejected: { type: 'final' },
    withdrawn: { type: 'final' },
    terminated: { type: 'final' },
  },
});

export type CaseSnapshot = SnapshotFrom<typeof caseMachine>;

/**
 * A case's state as progress shows it: the machine's states, and `revoked` and `archived`, which the
 * API's status enum has published for what comes after completion but no event reaches yet.
 */
export const CaseState = z.enum(['submitted', 'accepted', 'processing', 'supplementing', 'issuing', 'completed', 'refused', 'rejected', 'withdrawn', 'terminated', 'revoked', 'archived']);
export type CaseState = z.infer<typeof CaseState>;

export function initialCaseSnapshot(): CaseSnapshot {
  return getInitialSnapshot(caseMachine);
}

/** The next case snapshot, or an `IllegalTransition` failure naming the state and event. */
export function advanceCase(snapshot: CaseSnapshot, event: CaseEvent): CaseSnapshot {
  if (!snapshot.can(event)) throw illegalTransition('case', String(snapshot.value), event.type);
  return getNextSnapshot(caseMachine, snapshot, event);
}

export function caseState(snapshot: CaseSnapshot): CaseState {
  return snapshot.value as CaseState;
}

// ---------------------------------------------------------------------------------------------------
// Item

export type ItemEvent =
  | { type: 'DISPATCH' }
  | { type: 'APPROVE' }
  | { type: 'REJECT' }
  | { type: 'REQUEST_SUPPLEMENT' }
  | { type: 'SUPPLEMENT_RECEIVED' }
  | { type: 'SPECIAL_STEP_STARTED' }
  | { type: 'SPECIAL_STEP_ENDED' }
  | { type: 'TIMEOUT_DEFAULT' }
  | { type: 'ESCALATE'; department: string }
  | { type: 'CANCEL' }
  | { type: 'FILE' };

export interface ItemContext {
  /** The department responsible now: the item's own, or a supervising one after escalation. */
  department: string;
  escalations: number;
}

export const itemMachine = setup({
  types: { context: {} as ItemContext, events: {} as ItemEvent, input: {} as { department: string } },
  actions: {
    reassign: assign({
      department: ({ event, context }) => (event.type === 'ESCALATE' ? event.department : context.department),
      escalations: ({ context }) => context.escalations + 1,
    }),
  },
}).createMachine({
  id: 'item',
  initial: 'pending',
  context: ({ input }) => ({ department: input.department, escalations: 0 }),
  states: {
    /** Started, not yet with its department. */
    pending: { on: { DISPATCH: 'inReview', CANCEL: 'cancelled' } },
    /** With its department; the clock runs. */
    inReview: {
      on: {
        APPROVE: 'approved',
        REJECT: 'rejected',
        REQUEST_SUPPLEMENT: 'supplementing',
        SPECIAL_STEP_STARTED: 'specialStep',
        TIMEOUT_DEFAULT: 'defaulted',
        ESCALATE: { target: 'inReview', reenter: true, actions: 'reassign' },
        CANCEL: 'cancelled',
        // 备案: registered, a receipt and no decision (an item filed for this application).
        FILE: 'filed',
      },
    },
    /** Waiting for the applicant (补正); the clock is paused. */
    supplementing: { on: { SUPPLEMENT_RECEIVED: 'inReview', CANCEL: 'cancelled' } },
    /** In a hearing, inspection, test or expert review whose time does not count; the clock is paused. */
    specialStep: { on: { SPECIAL_STEP_ENDED: 'inReview', CANCEL: 'cancelled' } },
    approved: { type: 'final' },
    /** Deemed approved at the deadline (超时默认). */
    defaulted: { type: 'final' },
    /** Filed (备案): registered without a decision; a filing receipt is issued. */
    filed: { type: 'final' },
    rejected: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

export type ItemSnapshot = SnapshotFrom<typeof itemMachine>;

/**
 * Item status as shown in progress and inboxes: the machine's states in kebab-case; `pending` and
 * `skipped` also for items the case has not dispatched (or never will: their condition did not hold),
 * which have no machine; and `revoked`, which the API's status enum has published but nothing reaches
 * yet.
 */
export const ItemStatus = z.enum(['pending', 'in-review', 'supplementing', 'special-step', 'approved', 'defaulted', 'filed', 'rejected', 'skipped', 'cancelled', 'revoked']);
export type ItemStatus = z.infer<typeof ItemStatus>;

export function initialItemSnapshot(department: string): ItemSnapshot {
  return getInitialSnapshot(itemMachine, { department });
}

export function advanceItem(snapshot: ItemSnapshot, event: ItemEvent): ItemSnapshot {
  if (!snapshot.can(event)) throw illegalTransition('item', itemStatus(snapshot), event.type);
  return getNextSnapshot(itemMachine, snapshot, event);
}

export function itemStatus(snapshot: ItemSnapshot): ItemStatus {
  const value = String(snapshot.value);
  return value.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) as ItemStatus; // inReview → in-review
}

/** Statuses after which an item's dependents may start. */
export const CLEARED_ITEM_STATUSES: readonly ItemStatus[] = ['approved', 'defaulted', 'filed', 'skipped'];
/** Statuses in which an item is settled for the case: nothing more will happen to it on its own. */
export const SETTLED_ITEM_STATUSES: readonly ItemStatus[] = ['approved', 'defaulted', 'filed', 'rejected', 'skipped', 'cancelled', 'revoked'];
