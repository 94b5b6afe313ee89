/**
 * `caseWorkflow`: one application for one bundle, interpreted from its pinned execution plan.
 *
 * Window acceptance → every applicable item dispatched as a child workflow as soon as the items it
 * depends on are cleared (so independent items run in parallel) → one completion that issues every
 * result together. A rejection ends the case and cancels the items still open. There is no per-bundle
 * code: any plan runs here.
 */
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { evaluateCondition } from '../definitions/condition';
import type { PlanItem } from '../definitions/plan';
import { invalidRequest, wrongDepartment } from './errors';
import { itemWorkflow } from './item';
import {
  advanceCase,
  caseState,
  CLEARED_ITEM_STATUSES,
  initialCaseSnapshot,
  SETTLED_ITEM_STATUSES,
  type CaseEvent,
  type CaseSnapshot,
} from './lifecycle';
import {
  acceptCase,
  caseWorkflowId,
  getCaseInput,
  getProgress,
  itemChanged,
  itemWorkflowId,
  refuseCase,
  type Actor,
  type CaseEventRecord,
  type CaseInput,
  type CaseProgress,
  type IssuedResult,
  type ItemOutcome,
  type ItemProgress,
  type ItemView,
} from './messages';
import { BundleIdKey, CaseIdKey, CaseStatusKey, DepartmentKey, ItemIdKey, ItemStatusKey } from './search-attributes';

const { issueResults } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function caseWorkflow(input: CaseInput): Promise<CaseProgress> {
  const { plan, application } = input;
  let snapshot: CaseSnapshot = initialCaseSnapshot();
  const items = new Map<string, ItemProgress>(plan.items.map((item) => [item.id, pendingItem(item)]));
  const events: CaseEventRecord[] = [{ at: input.submittedAt, type: 'submitted' }];
  const running = new Map<string, Promise<void>>();
  const started = new Map<string, Promise<unknown>>();
  const facts: Pick<CaseProgress, 'acceptedAt' | 'refusal' | 'rejection' | 'completedAt'> = {};
  let results: IssuedResult[] = [];

  const record = (type: string, extra: Omit<CaseEventRecord, 'at' | 'type'> = {}): void => {
    events.push({ at: now(), type, ...extra });
  };
  const move = (event: CaseEvent): void => {
    snapshot = advanceCase(snapshot, event);
    upsertSearchAttributes([{ key: CaseStatusKey, value: caseState(snapshot) }]);
  };
  const progress = (): CaseProgress => ({
    caseId: input.caseId,
    bundleId: plan.bundleId,
    bundleVersion: plan.version,
    planHash: plan.hash,
    title: plan.title,
    status: caseState(snapshot),
    applicant: application.applicant,
    submittedAt: input.submittedAt,
    ...facts,
    items: plan.items.map((item) => items.get(item.id)!),
    results,
    events,
  });
  const refuseUnlessWindow = (actor: Actor, event: CaseEvent): void => {
    if (actor.department !== plan.window.department) {
      throw wrongDepartment(plan.window.department, actor.department, 'Window acceptance');
    }
    advanceCase(snapshot, event); // throws IllegalTransition
  };

  // --- handlers, all registered before the first await --------------------------------------------
  setHandler(getProgress, progress);
  setHandler(getCaseInput, () => input);
  setHandler(
    acceptCase,
    ({ actor, note }) => {
      move({ type: 'ACCEPT' });
      facts.acceptedAt = now();
      record('accepted', { department: actor.department, detail: note });
      return progress();
    },
    { validator: ({ actor }) => refuseUnlessWindow(actor, { type: 'ACCEPT' }) },
  );
  setHandler(
    refuseCase,
    ({ actor, reasons }) => {
      move({ type: 'REFUSE' });
      facts.refusal = { at: now(), reasons: reasons.map((r) => r.trim()), by: actor };
      record('refused', { department: actor.department, detail: reasons.join('; ') });
      return progress();
    },
    {
      validator: ({ actor, reasons }) => {
        if (!Array.isArray(reasons) || reasons.length === 0 || reasons.some((r) => typeof r !== 'string' || !r.trim())) {
          throw invalidRequest('A refusal needs at least one non-empty reason.');
        }
        refuseUnlessWindow(actor, { type: 'REFUSE' });
      },
    },
  );
  setHandler(itemChanged, onItemChanged);

  // --- window ------------------------------------------------------------------------------------
  await condition(() => caseState(snapshot) !== 'submitted');
  if (caseState(snapshot) === 'accepted') {
    skipInapplicableItems();
    move({ type: 'DISPATCH' });
    dispatchReadyItems();
    await condition(() => allItemsSettled() || caseState(snapshot) === 'rejected');
    if (caseState(snapshot) === 'rejected') {
      await cancelOpenItems();
    } else {
      await issueEverything();
    }
  }
  await condition(allHandlersFinished);
  return progress();

  // --- steps -------------------------------------------------------------------------------------

  /** Conditional items whose condition is false on the form are skipped, visibly. */
  function skipInapplicableItems(): void {
    for (const item of plan.items) {
      if (item.condition && !evaluateCondition(item.condition, application.form)) {
        update(item.id, { status: 'skipped', note: 'condition not met by the application' });
        record('item-skipped', { item: item.id, department: item.department });
      }
    }
  }

  /** Starts every pending item whose dependencies are cleared; called again after each outcome. */
  function dispatchReadyItems(): void {
    if (caseState(snapshot) !== 'processing' && caseState(snapshot) !== 'supplementing') return;
    for (const item of plan.items) {
      const progressOf = items.get(item.id)!;
      const ready = item.dependsOn.every((dep) => CLEARED_ITEM_STATUSES.includes(items.get(dep)!.status));
      if (progressOf.status === 'pending' && ready && !running.has(item.id)) {
        running.set(item.id, runItem(item));
      }
    }
  }

  async function runItem(item: PlanItem): Promise<void> {
    const starting = startChild(itemWorkflow, {
      workflowId: itemWorkflowId(input.caseId, item.id),
      args: [
        {
          caseId: input.caseId,
          bundleId: plan.bundleId,
          bundleVersion: plan.version,
          caseWorkflowId: caseWorkflowId(input.caseId),
          item,
          calendar: plan.calendar,
          applicant: { subjectId: application.applicant.subjectId, name: application.applicant.name },
        },
      ],
      // Shown in inbox rows without a query to the workflow.
      memo: { code: item.code, title: item.title },
      typedSearchAttributes: [
        { key: CaseIdKey, value: input.caseId },
        { key: BundleIdKey, value: plan.bundleId },
        { key: ItemIdKey, value: item.id },
        { key: DepartmentKey, value: item.department },
        { key: ItemStatusKey, value: 'in-review' },
      ],
    });
    started.set(item.id, starting);
    const child = await starting;
    // In review only once the child exists: a department acting on what progress shows finds it.
    update(item.id, { status: 'in-review', startedAt: now() });
    record('item-dispatched', { item: item.id, department: item.department });
    onOutcome(await child.result());
  }

  /**
   * An item's news before it settles: clock and card, supplements, escalation. Mirrors it into the
   * progress, the case lifecycle (supplementing) and the event log supervisors read.
   */
  function onItemChanged(view: ItemView): void {
    const before = items.get(view.itemId);
    if (!before || SETTLED_ITEM_STATUSES.includes(before.status)) return;
    update(view.itemId, {
      status: view.status,
      department: view.department,
      clock: view.clock,
      supplements: view.supplements,
      escalations: view.escalations,
    });
    const at = { item: view.itemId, department: view.department };
    if (before.status !== 'supplementing' && view.status === 'supplementing') {
      moveIfLegal({ type: 'SUPPLEMENT_REQUESTED' });
      record('supplement-requested', { ...at, detail: view.supplements[view.supplements.length - 1]?.reason });
    } else if (before.status === 'supplementing' && view.status !== 'supplementing') {
      moveIfLegal({ type: 'SUPPLEMENT_RECEIVED' });
      record('supplement-received', { ...at, detail: view.clock.deadline && `deadline now ${view.clock.deadline}` });
    }
    if (before.status !== 'special-step' && view.status === 'special-step') record('special-step-started', at);
    if (before.status === 'special-step' && view.status !== 'special-step') record('special-step-ended', at);
    if (view.clock.card !== (before.clock?.card ?? 'none') && view.clock.card !== 'none') {
      record(`item-card-${view.clock.card}`, { ...at, detail: view.clock.deadline && `deadline ${view.clock.deadline}` });
    }
    if (view.escalations.length > (before.escalations?.length ?? 0)) {
      const last = view.escalations[view.escalations.length - 1]!;
      record('item-escalated', { ...at, detail: `${last.from} → ${last.to}` });
    }
  }

  function moveIfLegal(event: CaseEvent): void {
    if (snapshot.can(event)) move(event);
  }

  function onOutcome(outcome: ItemOutcome): void {
    update(outcome.itemId, {
      status: outcome.status,
      department: outcome.department,
      decidedAt: outcome.decidedAt,
      decidedBy: outcome.decidedBy,
      reason: outcome.reason,
      ...(outcome.timeoutNoticeId ? { timeoutNoticeId: outcome.timeoutNoticeId } : {}),
    });
    record(`item-${outcome.status}`, { item: outcome.itemId, department: outcome.department, detail: outcome.reason });
    if (outcome.status === 'rejected' && caseState(snapshot) !== 'rejected') {
      move({ type: 'ITEM_REJECTED' });
      facts.rejection = { at: outcome.decidedAt, item: outcome.itemId, reason: outcome.reason ?? '', by: outcome.decidedBy };
    }
    dispatchReadyItems();
  }

  async function cancelOpenItems(): Promise<void> {
    for (const item of plan.items) {
      if (SETTLED_ITEM_STATUSES.includes(items.get(item.id)!.status)) continue;
      const starting = started.get(item.id);
      if (!starting) {
        update(item.id, { status: 'cancelled', note: 'the case was rejected' });
        continue;
      }
      await starting;
      // A child that settled meanwhile can no longer be cancelled; its outcome still arrives.
      await getExternalWorkflowHandle(itemWorkflowId(input.caseId, item.id)).cancel().catch(() => undefined);
    }
    await Promise.all(running.values());
  }

  async function issueEverything(): Promise<void> {
    move({ type: 'ALL_ITEMS_DONE' });
    record('issuing');
    const decided = plan.items.filter((item) => CLEARED_ITEM_STATUSES.includes(items.get(item.id)!.status))
      .filter((item) => items.get(item.id)!.status !== 'skipped');
    results = await issueResults({
      caseId: input.caseId,
      bundleId: plan.bundleId,
      bundleVersion: plan.version,
      issuedAt: now(),
      applicant: { subjectId: application.applicant.subjectId, name: application.applicant.name },
      items: decided.map((item) => {
        const state = items.get(item.id)!;
        return {
          itemId: item.id,
          code: item.code,
          department: state.department,
          result: item.result,
          decision: state.status === 'defaulted' ? 'defaulted' : 'approved',
          decidedAt: state.decidedAt ?? now(),
        };
      }),
    });
    move({ type: 'RESULTS_ISSUED' });
    facts.completedAt = now();
    record('completed', { detail: `${results.length} results issued together` });
  }

  function allItemsSettled(): boolean {
    return [...items.values()].every((item) => SETTLED_ITEM_STATUSES.includes(item.status));
  }

  function update(itemId: string, patch: Partial<ItemProgress>): void {
    items.set(itemId, { ...items.get(itemId)!, ...patch });
  }
}

function pendingItem(item: PlanItem): ItemProgress {
  return {
    id: item.id,
    code: item.code,
    title: item.title,
    department: item.department,
    status: 'pending',
    level: item.level,
    dependsOn: item.dependsOn,
  };
}

function now(): string {
  return new Date().toISOString(); // deterministic inside workflows: the workflow task's time
}
