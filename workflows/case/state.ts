/**
 * A case's state while its workflow runs: the lifecycle snapshot, each item's progress, the event log,
 * the commitment and the issued results, and the small moves every part of the case makes on them.
 * Only the case workflow's modules touch it; Queries and Updates read it through `progress()`.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { CasePlan, PlanItem } from '../../definitions/plan';
import type { Actor, Application } from '../../domain/application';
import type { CommitmentView } from '../../domain/commitments';
import type { IssuedResult } from '../../domain/results';
import type { CaseEventRecord, CaseInput, CaseProgress, ItemProgress } from '../contract';
import { advanceCase, caseState, initialCaseSnapshot, SETTLED_ITEM_STATUSES, type CaseEvent, type CaseSnapshot, type CaseState } from '../lifecycle';
import { now } from '../now';
import { CaseStatusKey } from '../search-attributes';

/**
 * States no visibility filter asks for (inbox, supervision, statistics count the others): `accepted`,
 * which dispatch follows in the same workflow task, and `issuing`, while the results are sealed. In
 * lean mode `CaseStatus` stays at the state before (progress still shows them).
 */
const PASSING_STATES: readonly CaseState[] = ['accepted', 'issuing'];

/** Facts of the case's life that progress shows once they happened. */
type CaseFacts = Pick<CaseProgress, 'acceptedAt' | 'refusal' | 'withdrawal' | 'rejection' | 'completedAt' | 'terminatedAt'>;

export class CaseRun {
  readonly plan: CasePlan;
  readonly application: Application;
  snapshot: CaseSnapshot = initialCaseSnapshot();
  readonly items: Map<string, ItemProgress>;
  readonly events: CaseEventRecord[];
  /** Each dispatched item's run, settled once the case has its outcome. */
  readonly running = new Map<string, Promise<void>>();
  /** Each dispatched item's child start: a child can be cancelled only once it exists. */
  readonly started = new Map<string, Promise<unknown>>();
  readonly facts: CaseFacts = {};
  private issued: IssuedResult[] = [];
  private taken: CommitmentView | undefined;
  /** How many step acts, urges and copies of each item the timeline has recorded. */
  readonly workSeen = new Map<string, { trail: number; urges: number; copies: number }>();
  /** Called on every change to what progress shows (the read model's projector listens). */
  onChange: () => void = () => undefined;
  /** True while an acceptance awaits its credit check and letter: a second one is refused. */
  accepting = false;
  /** The window officer who accepted the case (即办件 of the window are decided by them, `edition2.ts`). */
  acceptedBy: Actor | undefined;
  /** Bumped when the commitment or the issued results change, to wake the commitment watcher. */
  commitmentRevision = 0;
  /** The results granted on the commitment were sealed as issued on it (patch `conditional-at-issue`, `completion.ts`). */
  conditionalAtIssue = false;

  /**
   * @param lean Cases started under patch `lean-case`: each item's clock computed at dispatch and
   *   sent with it (the item tells the case only what changes later), a lean child input, and
   *   `CaseStatus` kept for the states visibility filters read. Earlier cases replay without it.
   */
  constructor(
    readonly input: CaseInput,
    readonly lean = false,
  ) {
    this.plan = input.plan;
    this.application = input.application;
    this.items = new Map(input.plan.items.map((item) => [item.id, pendingItem(item)]));
    this.events = [{ at: input.submittedAt, type: 'submitted' }];
  }

  get results(): IssuedResult[] {
    return this.issued;
  }

  set results(results: IssuedResult[]) {
    this.issued = results;
    this.onChange();
  }

  get commitment(): CommitmentView | undefined {
    return this.taken;
  }

  set commitment(commitment: CommitmentView | undefined) {
    this.taken = commitment;
    this.onChange();
  }

  get status(): CaseState {
    return caseState(this.snapshot);
  }

  /** Appends to the event log supervisors read, at the workflow task's time. */
  record(type: string, extra: Omit<CaseEventRecord, 'at' | 'type'> = {}): void {
    this.events.push({ at: now(), type, ...extra });
    this.onChange();
  }

  /**
   * Moves the lifecycle (or throws `IllegalTransition`) and mirrors the state into `CaseStatus`. In
   * lean mode the states a case only passes through are not mirrored (see {@link PASSING_STATES}).
   */
  move(event: CaseEvent): void {
    this.snapshot = advanceCase(this.snapshot, event);
    this.onChange();
    const state = caseState(this.snapshot);
    if (!(this.lean && PASSING_STATES.includes(state))) upsertSearchAttributes([{ key: CaseStatusKey, value: state }]);
  }

  moveIfLegal(event: CaseEvent): void {
    if (this.snapshot.can(event)) this.move(event);
  }

  /** Rejected by a department, withdrawn by the applicant, or terminated by a broken commitment: nothing more is issued. */
  ended(): boolean {
    return this.status === 'rejected' || this.status === 'withdrawn' || this.status === 'terminated';
  }

  allItemsSettled(): boolean {
    return [...this.items.values()].every((item) => SETTLED_ITEM_STATUSES.includes(item.status));
  }

  item(itemId: string): ItemProgress {
    return this.items.get(itemId)!;
  }

  update(itemId: string, patch: Partial<ItemProgress>): void {
    this.items.set(itemId, { ...this.items.get(itemId)!, ...patch });
    this.onChange();
  }

  /** The holder named on results, letters and notices. */
  holder(): { subjectId: string; name: string } {
    return { subjectId: this.application.applicant.subjectId, name: this.application.applicant.name };
  }

  progress(): CaseProgress {
    const { input, plan, commitment } = this;
    return {
      caseId: input.caseId,
      ...(input.caseNumber ? { caseNumber: input.caseNumber } : {}),
      bundleId: plan.bundleId,
      bundleVersion: plan.version,
      planHash: plan.hash,
      title: plan.title,
      status: this.status,
      applicant: this.application.applicant,
      submittedAt: input.submittedAt,
      ...this.facts,
      ...(commitment ? { commitment } : {}),
      items: plan.items.map((item) => this.items.get(item.id)!),
      results: this.results,
      events: this.events,
    };
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
