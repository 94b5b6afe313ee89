/**
 * The case's items: skipped when their condition does not hold, each dispatched as a child
 * `itemWorkflow` as soon as the items it depends on are cleared (so independent items run in
 * parallel), followed through its signals, settled by its outcome, cancelled when the case ends.
 *
 * In lean mode the case computes each item's clock when it dispatches it (a local activity, one per
 * distinct limit among the items dispatched together) and sends it with the item, with the deadline
 * already in its search attributes: the item neither computes it again nor signals it back, so an
 * item that is simply decided sends its case nothing but its outcome.
 */
import type { WithWorkflowArgs } from '@temporalio/common';
import { getExternalWorkflowHandle, patched, startChild, type ChildWorkflowOptions } from '@temporalio/workflow';
import { evaluateCondition } from '../../definitions/condition';
import type { PlanItem } from '../../definitions/plan';
import { caseWorkflowId, itemWorkflowId, type ComputedClock, type DispatchedItem, type ItemOutcome, type ItemProgress, type ItemView } from '../contract';
import { clockView, computeItemClockLocally } from '../clock-activity';
import { itemWorkflow } from '../item/workflow';
import { decidedAtWindow, dispatchOf } from './edition2';
import { CLEARED_ITEM_STATUSES, SETTLED_ITEM_STATUSES } from '../lifecycle';
import { now } from '../now';
import { BundleIdKey, CardKey, CaseIdKey, DeadlineKey, DepartmentKey, ItemIdKey, ItemStatusKey } from '../search-attributes';
import type { CaseRun } from './state';

/** Conditional items whose condition is false on the form are skipped, visibly. */
export function skipInapplicableItems(run: CaseRun): void {
  for (const item of run.plan.items) {
    if (item.condition && !evaluateCondition(item.condition, run.application.form)) {
      run.update(item.id, { status: 'skipped', note: 'condition not met by the application' });
      run.record('item-skipped', { item: item.id, department: item.department });
    }
  }
}

/** Starts every pending item whose dependencies are cleared; called again after each outcome. */
export function dispatchReadyItems(run: CaseRun): void {
  if (run.status !== 'processing' && run.status !== 'supplementing') return;
  // Lean: items dispatched together with the same limit share one clock computation.
  const at = now();
  const clocks = new Map<number, Promise<ComputedClock>>();
  const clockOf = (days: number): Promise<ComputedClock> => {
    let clock = clocks.get(days);
    if (!clock) clocks.set(days, (clock = computeItemClockLocally({ calendar: run.plan.calendar, start: at, days, pauses: [] })));
    return clock;
  };
  for (const item of run.plan.items) {
    const ready = item.dependsOn.every((dep) => CLEARED_ITEM_STATUSES.includes(run.item(dep).status));
    if (run.item(item.id).status === 'pending' && ready && !run.running.has(item.id)) {
      if (decidedAtWindow(run, item)) continue; // its dependents, later in this order, may start now
      run.running.set(item.id, runItem(run, item, run.lean ? { at, clock: clockOf(dispatchOf(run, item).days) } : undefined));
    }
  }
}

async function runItem(run: CaseRun, item: PlanItem, lean?: { at: string; clock: Promise<ComputedClock> }): Promise<void> {
  // A lean item exists once its clock is computed and its child started: it is cancelled only then.
  const starting = lean
    ? lean.clock.then((clock) => startChild(itemWorkflow, childOptions(run, item, { at: lean.at, clock })))
    : startChild(itemWorkflow, childOptions(run, item));
  run.started.set(item.id, starting);
  const child = await starting;
  // In review only once the child exists: a department acting on what progress shows finds it.
  if (lean) {
    // What the item's first signal used to bring: the clock, and no supplements or escalations yet —
    // unless the item has told its news already (a timed step that started at once paused the clock).
    const told = run.item(item.id).clock !== undefined;
    run.update(item.id, { status: 'in-review', startedAt: now(), ...(told ? {} : { clock: clockView(await lean.clock, 'none'), supplements: [], escalations: [] }) });
  } else {
    run.update(item.id, { status: 'in-review', startedAt: now() });
  }
  run.record('item-dispatched', { item: item.id, department: item.department });
  onOutcome(run, await child.result());
}

/** The item's child workflow: its id, input, memo and the search attributes its inbox row needs. */
function childOptions(
  run: CaseRun,
  item: PlanItem,
  dispatch?: { at: string; clock: ComputedClock },
): WithWorkflowArgs<typeof itemWorkflow, Omit<ChildWorkflowOptions, 'typeInfo'>> {
  const { input, plan } = run;
  return {
    workflowId: itemWorkflowId(input.caseId, item.id),
    args: [
      {
        caseId: input.caseId,
        bundleId: plan.bundleId,
        bundleVersion: plan.version,
        caseWorkflowId: caseWorkflowId(input.caseId),
        item: dispatch ? dispatchedItem(run, item) : item,
        calendar: plan.calendar,
        applicant: run.holder(),
        ...(dispatch ? { dispatch } : {}),
      },
    ],
    // Shown in inbox rows and read by statistics without a query to the workflow.
    memo: { code: item.code, title: item.title, kind: item.kind, promisedDays: item.promisedDays, calendar: plan.calendar },
    typedSearchAttributes: [
      { key: CaseIdKey, value: input.caseId },
      { key: BundleIdKey, value: plan.bundleId },
      { key: ItemIdKey, value: item.id },
      { key: DepartmentKey, value: item.department },
      { key: ItemStatusKey, value: 'in-review' },
      // No card yet, visibly: `Card = 'none'` finds it from dispatch on. Items started before this
      // patch got their Card only with the first card; lean cases came later.
      ...(run.lean || patched('card-at-dispatch') ? [{ key: CardKey, value: 'none' }] : []),
      ...(dispatch?.clock.deadline ? [{ key: DeadlineKey, value: new Date(dispatch.clock.deadline) }] : []),
    ],
  };
}

/** The part of the plan item its workflow runs on, for this application (see `DispatchedItem`, `edition2.ts`). */
function dispatchedItem(run: CaseRun, item: PlanItem): DispatchedItem {
  const { id, code, title, department, defaultable, timeout } = item;
  const dispatch = dispatchOf(run, item);
  const steps = dispatch.steps.map(({ id: step, kind, countsTowardLimit, role, countersign, limitDays, duration }) => ({
    id: step,
    kind,
    countsTowardLimit,
    ...(role ? { role } : {}),
    ...(countersign ? { countersign } : {}),
    ...(limitDays ? { limitDays } : {}),
    ...(duration ? { duration } : {}),
  }));
  return { id, code, title, department, promisedDays: dispatch.days, defaultable, timeout, steps, ...(dispatch.filing ? { asFiling: dispatch.filing } : {}) };
}

/**
 * An item's news before it settles: clock and card, supplements, escalation. Mirrors it into the
 * progress, the case lifecycle (supplementing) and the event log supervisors read.
 */
export function onItemChanged(run: CaseRun, view: ItemView): void {
  const before = run.items.get(view.itemId);
  if (!before || SETTLED_ITEM_STATUSES.includes(before.status)) return;
  // Settling is the child's result's to say (with decision time and notice); a signal only reports.
  const status = SETTLED_ITEM_STATUSES.includes(view.status) ? before.status : view.status;
  run.update(view.itemId, {
    status,
    department: view.department,
    clock: view.clock,
    supplements: view.supplements,
    escalations: view.escalations,
    ...workProgress(view),
    // A timed step (e.g. 公示期) while it runs; gone once it ended.
    ...(view.timedStep || before.timedStep ? { timedStep: view.timedStep } : {}),
  });
  const at = { item: view.itemId, department: view.department };
  recordWork(run, before, view);
  if (before.status !== 'supplementing' && view.status === 'supplementing') {
    run.moveIfLegal({ type: 'SUPPLEMENT_REQUESTED' });
    run.record('supplement-requested', { ...at, detail: view.supplements[view.supplements.length - 1]?.reason });
  } else if (before.status === 'supplementing' && view.status !== 'supplementing') {
    run.moveIfLegal({ type: 'SUPPLEMENT_RECEIVED' });
    run.record('supplement-received', { ...at, detail: view.clock.deadline && `deadline now ${view.clock.deadline}` });
  }
  if (before.status !== 'special-step' && view.status === 'special-step') run.record('special-step-started', at);
  if (before.status === 'special-step' && view.status !== 'special-step') run.record('special-step-ended', at);
  if (view.clock.card !== (before.clock?.card ?? 'none') && view.clock.card !== 'none') {
    run.record(`item-card-${view.clock.card}`, { ...at, detail: view.clock.deadline && `deadline ${view.clock.deadline}` });
  }
  if (view.escalations.length > (before.escalations?.length ?? 0)) {
    const last = view.escalations[view.escalations.length - 1]!;
    run.record('item-escalated', { ...at, detail: `${last.from} → ${last.to}` });
  }
}

/** Where the item is in its steps, who holds it, its urges and copies (only for items that have them). */
function workProgress(view: ItemView): Partial<ItemProgress> {
  const copiedTo = (view.copies ?? []).map((c) => c.to.department ?? `person:${c.to.person}`);
  return {
    ...(view.work ? { step: view.work.step, stepRole: view.work.role, holder: view.work.holder } : {}),
    ...(view.work?.clock ? { stepClock: { ...(view.work.clock.deadline ? { deadline: view.work.clock.deadline } : {}), card: view.work.clock.card } } : {}),
    ...(view.urges?.length ? { urges: view.urges.length } : {}),
    ...(copiedTo.length ? { copiedTo: [...new Set(copiedTo)] } : {}),
  };
}

/** Every new act on the item's steps, urge and copy goes on the case's timeline, attributed. */
function recordWork(run: CaseRun, before: ItemProgress, view: ItemView): void {
  const at = { item: view.itemId, department: view.department };
  const seen = run.workSeen.get(view.itemId) ?? { trail: 0, urges: before.urges ?? 0, copies: 0 };
  const who = (actor: { officer?: string; name?: string; role?: string; department: string }) =>
    `${actor.name ?? actor.officer ?? actor.department}${actor.role ? `（${actor.role}）` : ''}`;
  for (const act of (view.work?.trail ?? []).slice(seen.trail)) {
    const to = typeof act.to === 'string' ? ` → ${act.to}` : act.to ? ` → ${who(act.to)}` : '';
    run.record(`item-step-${act.act}`, { ...at, detail: `${act.step}: ${who(act.by)}${to}${act.opinion ? `：${act.opinion}` : ''}` });
  }
  const card = view.work?.clock?.card;
  if (card && card !== 'none' && card !== before.stepClock?.card) run.record(`item-step-card-${card}`, { ...at, detail: `${view.work!.clock!.step}: ${view.work!.clock!.deadline ?? ''}` });
  for (const urge of (view.urges ?? []).slice(seen.urges)) run.record('item-urged', { ...at, detail: `${urge.by.name ?? urge.by.id}${urge.note ? `：${urge.note}` : ''}` });
  for (const copy of (view.copies ?? []).slice(seen.copies)) run.record('item-copied', { ...at, detail: copy.to.department ?? copy.to.person });
  run.workSeen.set(view.itemId, { trail: view.work?.trail.length ?? 0, urges: view.urges?.length ?? 0, copies: view.copies?.length ?? 0 });
}

/** An item settled: recorded; a rejection ends the case; otherwise its dependents may start. */
function onOutcome(run: CaseRun, outcome: ItemOutcome): void {
  run.update(outcome.itemId, {
    status: outcome.status,
    department: outcome.department,
    decidedAt: outcome.decidedAt,
    decidedBy: outcome.decidedBy,
    reason: outcome.reason,
    ...(outcome.timeoutNoticeId ? { timeoutNoticeId: outcome.timeoutNoticeId } : {}),
  });
  run.record(`item-${outcome.status}`, { item: outcome.itemId, department: outcome.department, detail: outcome.reason });
  // An item decided as the case was withdrawn (before its cancellation arrived) ends nothing more.
  if (outcome.status === 'rejected' && run.status !== 'rejected' && run.status !== 'withdrawn') {
    run.move({ type: 'ITEM_REJECTED' });
    run.facts.rejection = { at: outcome.decidedAt, item: outcome.itemId, reason: outcome.reason ?? '', by: outcome.decidedBy };
  }
  dispatchReadyItems(run);
}

/** The case ended (rejected, withdrawn, terminated): items not started are cancelled here, started ones are asked to cancel. */
export async function cancelOpenItems(run: CaseRun): Promise<void> {
  for (const item of run.plan.items) {
    if (SETTLED_ITEM_STATUSES.includes(run.item(item.id).status)) continue;
    const starting = run.started.get(item.id);
    if (!starting) {
      run.update(item.id, { status: 'cancelled', note: run.status === 'withdrawn' ? 'the case was withdrawn' : 'the case was rejected' });
      continue;
    }
    await starting;
    // A child that settled meanwhile can no longer be cancelled; its outcome still arrives.
    await getExternalWorkflowHandle(itemWorkflowId(run.input.caseId, item.id)).cancel().catch(() => undefined);
  }
  await Promise.all(run.running.values());
}
