/**
 * The case's projection into the read model (`domain/read-model.ts`): after every workflow task that
 * changed what progress shows, one activity writes the case and its items at the next revision (a
 * local activity for cases started before patch `read-model-activity`). Changes made while a write is
 * under way are written together by the next; the write's result is in the history, so a replay does
 * not write again, and a retried write of the same revision changes nothing.
 *
 * Cases started before patch `read-model` are not projected; `yijianshi db rebuild-read-model` writes
 * them from Temporal.
 */
import { CancellationScope, condition, patched } from '@temporalio/workflow';
import { evaluateCondition } from '../../definitions/condition';
import type { CaseProjection, ItemProjection } from '../../domain/read-model';
import { caseWorkflowId, itemWorkflowId, type ItemProgress } from '../contract';
import { projectCase, projectCaseLocally } from './activities';
import type { CaseRun } from './state';

/**
 * What the read model holds of a case, at a revision. Also the `getProjection` Query's answer (at
 * the revision last written), which `yijianshi db rebuild-read-model` writes back.
 */
export class Projection {
  private applicable: ReadonlyMap<string, boolean> | undefined;

  constructor(private readonly run: CaseRun) {}

  at(revision: number): CaseProjection {
    const { run } = this;
    const progress = run.progress();
    const { facts } = run;
    const closedAt = facts.completedAt ?? facts.refusal?.at ?? facts.withdrawal?.at ?? facts.rejection?.at ?? facts.terminatedAt;
    return {
      workflowId: caseWorkflowId(progress.caseId),
      revision,
      caseId: progress.caseId,
      bundleId: progress.bundleId,
      bundleVersion: progress.bundleVersion,
      calendar: run.plan.calendar,
      status: progress.status,
      title: progress.title,
      subjectId: progress.applicant.subjectId,
      applicantName: progress.applicant.name,
      windowDepartment: run.plan.window.department,
      submittedAt: progress.submittedAt,
      ...(facts.acceptedAt ? { acceptedAt: facts.acceptedAt } : {}),
      ...(closedAt ? { closedAt } : {}),
      items: progress.items.map((item) => this.itemProjection(progress.caseId, item)),
      progress,
    };
  }

  /** Whether the item's condition holds: the form never changes, so this is decided once. */
  private applies(itemId: string): boolean {
    const { plan, application } = this.run;
    this.applicable ??= new Map(plan.items.map((item) => [item.id, !item.condition || evaluateCondition(item.condition, application.form)]));
    return this.applicable.get(itemId) ?? true;
  }

  private itemProjection(caseId: string, item: ItemProgress): ItemProjection {
    const planned = this.run.plan.items.find((p) => p.id === item.id)!;
    const card = item.clock?.card;
    return {
      workflowId: itemWorkflowId(caseId, item.id),
      itemId: item.id,
      code: item.code,
      title: item.title,
      department: item.department,
      status: item.status,
      ...(item.step ? { step: item.step } : {}),
      ...(item.stepRole ? { stepRole: item.stepRole } : {}),
      ...(item.urges ? { urges: item.urges } : {}),
      ...(item.holder?.officer ? { holder: item.holder.officer } : {}),
      kind: planned.kind,
      level: item.level,
      promisedDays: planned.promisedDays,
      applicable: this.applies(item.id),
      ...(item.clock?.deadline ? { deadline: item.clock.deadline } : {}),
      ...(card && card !== 'none' ? { card } : {}),
      paused: item.clock?.paused ?? false,
      ...(item.startedAt ? { dispatchedAt: item.startedAt } : {}),
      ...(item.decidedAt ? { decidedAt: item.decidedAt } : {}),
      escalatedFrom: (item.escalations ?? []).map((e) => e.from),
    };
  }
}

/** Writes the projection after each workflow task that changed the case (patch `read-model`). */
export class Projector {
  /** The revision last written (or being written). */
  revision = 0;
  private dirty = true; // the submitted case is written in its first task
  private writing = false;
  /** Patch `read-model-activity`: written by an activity, not a local activity (see `activities.ts`). */
  private readonly write = patched('read-model-activity') ? projectCase : projectCaseLocally;

  constructor(
    run: CaseRun,
    private readonly projection: Projection,
  ) {
    run.onChange = () => {
      this.dirty = true;
    };
    void this.loop();
  }

  /** Nothing left to write: the workflow may end. */
  idle(): boolean {
    return !this.dirty && !this.writing;
  }

  private async loop(): Promise<void> {
    for (;;) {
      await condition(() => this.dirty);
      this.dirty = false;
      this.writing = true;
      // Written even while the case is being cancelled: the read model must show how it ended.
      await CancellationScope.nonCancellable(() => this.write(this.projection.at(++this.revision)));
      this.writing = false;
    }
  }
}
