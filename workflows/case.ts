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
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { evaluateCondition } from '../definitions/condition';
import type { PlanItem } from '../definitions/plan';
import type { Material } from '../definitions/schema';
import { assertAcceptable, assertRejectable, assertSuppliable, grantsOf, missingMaterials, notEligible, reopen, supply as supplyMaterials } from '../domain/commitments';
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
  rejectCommitmentMaterial,
  supplyCommitmentMaterials,
  type Actor,
  type CommitmentView,
  type CaseEventRecord,
  type CaseInput,
  type CaseProgress,
  type IssuedResult,
  type ItemOutcome,
  type ItemProgress,
  type ItemView,
} from './messages';
import { BundleIdKey, CardKey, CaseIdKey, CaseStatusKey, DepartmentKey, ItemIdKey, ItemStatusKey } from './search-attributes';

const {
  issueResults,
  checkCredit,
  workingDeadline,
  sealCommitmentLetter,
  recordConditions,
  revokeResults,
  recordBrokenCommitment,
  notify,
} = proxyActivities<Activities>({
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
  const facts: Pick<CaseProgress, 'acceptedAt' | 'refusal' | 'rejection' | 'completedAt' | 'terminatedAt'> = {};
  let results: IssuedResult[] = [];
  let commitment: CommitmentView | undefined;
  /** True while an acceptance awaits its credit check and letter: a second one is refused. */
  let accepting = false;
  /** Bumped when the commitment or the issued results change, to wake the commitment watcher. */
  let commitmentRevision = 0;

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
    ...(commitment ? { commitment } : {}),
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
    async ({ actor, note }) => {
      accepting = true;
      try {
        // Cases accepted before licence materials could be missing replay under the earlier rule.
        const { tolerable } = missingMaterials(plan, application, { applicantOnly: !patched('licence-materials-missing') });
        if (tolerable.length > 0) commitment = await takeCommitment(tolerable, actor);
        move({ type: 'ACCEPT' });
        facts.acceptedAt = commitment?.acceptedAt ?? now();
        record('accepted', { department: actor.department, detail: note });
        if (commitment) {
          record('commitment-taken', { department: actor.department, detail: commitment.materials.map((m) => `${m.material} by ${m.deadline}`).join('; ') });
        }
        return progress();
      } finally {
        accepting = false;
      }
    },
    {
      validator: ({ actor, tolerateMissing }) => {
        refuseUnlessWindow(actor, { type: 'ACCEPT' });
        if (accepting) throw invalidRequest('The case is being accepted already.');
        assertAcceptable(plan, application, tolerateMissing);
      },
    },
  );
  setHandler(
    supplyCommitmentMaterials,
    ({ materials }) => {
      commitment = supplyMaterials(commitment!, materials, now());
      commitmentRevision++;
      record('commitment-material-supplied', { detail: materials.map((m) => m.id).join(', ') });
      if (commitment.status === 'fulfilled') record('commitment-fulfilled');
      return progress();
    },
    { validator: ({ materials }) => assertSuppliable(commitment, materials, now()) },
  );
  setHandler(
    rejectCommitmentMaterial,
    (request) => {
      commitment = reopen(commitment!, request, now());
      commitmentRevision++;
      record('commitment-material-rejected', { department: request.actor.department, detail: `${request.material}: ${request.reason}` });
      return progress();
    },
    { validator: (request) => assertRejectable(plan, commitment, request, now()) },
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
    const watching = commitment ? watchCommitment() : Promise.resolve();
    skipInapplicableItems();
    move({ type: 'DISPATCH' });
    dispatchReadyItems();
    await condition(() => allItemsSettled() || ended());
    if (ended()) {
      await cancelOpenItems();
    } else {
      await issueEverything();
    }
    await watching; // a case completed on an open commitment stays until the commitment settles
  }
  await condition(allHandlersFinished);
  return progress();

  // --- steps -------------------------------------------------------------------------------------

  /** Rejected by a department, or terminated by a broken commitment: nothing more is issued. */
  function ended(): boolean {
    return caseState(snapshot) === 'rejected' || caseState(snapshot) === 'terminated';
  }

  /**
   * 容缺受理: the applicant's credit decides whether tolerance is offered; each missing material gets
   * a deadline in working days; the commitment letter is sealed by the window.
   */
  async function takeCommitment(tolerable: Material[], actor: Actor): Promise<CommitmentView> {
    const credit = await checkCredit({ subjectId: application.applicant.subjectId });
    if (!credit.eligible) throw notEligible(`Tolerance refused: ${credit.reason}`, { rating: credit.rating });
    const acceptedAt = now();
    const materials = await Promise.all(
      tolerable.map(async (m) => ({
        material: m.id,
        name: m.name,
        deadline: (await workingDeadline({ calendar: plan.calendar, start: acceptedAt, days: m.commitmentDays ?? 0 })).deadline,
        status: 'missing' as const,
        rejections: [],
      })),
    );
    const grants = plan.items.map((i) => i.id).filter((id) => tolerable.some((m) => grantsOf(plan, application, m).includes(id)));
    const letter = await sealCommitmentLetter({
      caseId: input.caseId,
      bundleId: plan.bundleId,
      department: actor.department,
      applicant: { subjectId: application.applicant.subjectId, name: application.applicant.name },
      materials: materials.map(({ material, name, deadline }) => ({ material, name, deadline })),
      grants,
      signedAt: acceptedAt,
    });
    return { status: 'open', acceptedAt, materials, grants, letterDocumentId: letter.documentId, credit: { rating: credit.rating, checkedAt: credit.checkedAt } };
  }

  /**
   * Runs the commitment's clock until it settles: keeps what verifiers see of the results granted on
   * it (conditional while open), and breaks it when a material's deadline passes unsupplied. After
   * fulfilment a department may still find a material wrong while its time lasts, so the watch ends
   * only when the last deadline has passed, or the case ended without results.
   */
  async function watchCommitment(): Promise<void> {
    // What verifiers see of the granted results; without a condition record they are unconditional.
    let published: 'conditional' | 'unconditional' = 'unconditional';
    let seq = 0;
    for (;;) {
      const c = commitment!;
      const granted = results.filter((r) => c.grants.includes(r.itemId));
      const wanted = c.status === 'open' ? 'conditional' : 'unconditional';
      if (granted.length > 0 && c.status !== 'broken' && wanted !== published) {
        await recordConditions({ documentIds: granted.map((r) => r.documentId), state: wanted, at: now(), reason: `commitment ${c.status}`, seq: ++seq });
        published = wanted;
        results = results.map((r) => (c.grants.includes(r.itemId) ? { ...r, conditional: wanted === 'conditional' } : r));
      }
      if (c.status === 'broken' || ['refused', 'rejected', 'withdrawn', 'terminated'].includes(caseState(snapshot))) return;
      const lastDeadline = Math.max(...c.materials.map((m) => Date.parse(m.deadline)));
      // Kept, and no time left for a department to send a material back: nothing can change now
      // (results issued later are issued unconditional).
      if (c.status === 'fulfilled' && Date.now() >= lastDeadline) return;
      const missing = c.materials.filter((m) => m.status === 'missing');
      const next = missing.length > 0 ? Math.min(...missing.map((m) => Date.parse(m.deadline))) : lastDeadline;
      const seen = commitmentRevision;
      const woke = await condition(() => commitmentRevision !== seen || ended(), Math.max(1, next - Date.now()));
      if (!woke && commitment!.status === 'open') {
        await breakCommitment(missing.filter((m) => Date.parse(m.deadline) <= Date.now()).map((m) => m.material), new Date(next).toISOString());
      }
    }
  }

  /**
   * A material's deadline passed: the case is terminated, results granted on the commitment revoked,
   * the credit system told, the applicant and the departments notified. Recorded at the deadline.
   */
  async function breakCommitment(materials: string[], at: string): Promise<void> {
    await condition(() => caseState(snapshot) !== 'issuing'); // results being issued are revoked once issued
    commitment = { ...commitment!, status: 'broken', broken: { at, materials } };
    commitmentRevision++;
    moveIfLegal({ type: 'COMMITMENT_BROKEN' });
    facts.terminatedAt = at;
    record('commitment-broken', { detail: materials.join(', ') });
    const reason = '逾期未履行告知承诺 / the commitment was not kept';
    const revoked = results.filter((r) => commitment!.grants.includes(r.itemId));
    if (revoked.length > 0) {
      await revokeResults({ documentIds: revoked.map((r) => r.documentId), at, reason, by: 'yijianshi:commitment-watch' });
      results = results.map((r) => (commitment!.grants.includes(r.itemId) ? { ...r, conditional: false, revoked: { at, reason } } : r));
      record('results-revoked', { detail: revoked.map((r) => r.itemId).join(', ') });
    }
    const lastDeadline = commitment!.materials.map((m) => m.deadline).sort().at(-1)!;
    await recordBrokenCommitment({
      subjectId: application.applicant.subjectId,
      caseId: input.caseId,
      bundleId: plan.bundleId,
      materials,
      deadline: lastDeadline,
      brokenAt: at,
    });
    const departments = [...new Set(plan.items.filter((i) => commitment!.grants.includes(i.id)).map((i) => i.department))];
    await notify({
      key: 'commitment-broken',
      notice: {
        caseId: input.caseId,
        to: [`applicant:${application.applicant.subjectId}`, `department:${plan.window.department}`, ...departments.map((d) => `department:${d}`)],
        subject: { zh: '告知承诺未履行，案件终止', en: 'Commitment not kept: case terminated' },
        body: {
          zh: `承诺补齐的材料（${materials.join('、')}）逾期未提交，案件已终止${revoked.length ? '，据此作出的审批结果已撤销' : ''}，并已记入信用记录。`,
          en: `Promised materials (${materials.join(', ')}) were not supplied in time. The case is terminated${revoked.length ? ', the results granted on the commitment are revoked' : ''}, and a broken-commitment record went to the credit system.`,
        },
        at,
      },
    });
  }

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
      // Shown in inbox rows and read by statistics without a query to the workflow.
      memo: { code: item.code, title: item.title, kind: item.kind, promisedDays: item.promisedDays, calendar: plan.calendar },
      typedSearchAttributes: [
        { key: CaseIdKey, value: input.caseId },
        { key: BundleIdKey, value: plan.bundleId },
        { key: ItemIdKey, value: item.id },
        { key: DepartmentKey, value: item.department },
        { key: ItemStatusKey, value: 'in-review' },
        // No card yet, visibly: `Card = 'none'` finds it from dispatch on. Items started before this
        // patch got their Card only with the first card.
        ...(patched('card-at-dispatch') ? [{ key: CardKey, value: 'none' }] : []),
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
    // Settling is the child's result's to say (with decision time and notice); a signal only reports.
    const status = SETTLED_ITEM_STATUSES.includes(view.status) ? before.status : view.status;
    update(view.itemId, {
      status,
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
    if (commitment?.status === 'open') {
      results = results.map((r) => (commitment!.grants.includes(r.itemId) ? { ...r, conditional: true } : r));
    }
    commitmentRevision++;
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
