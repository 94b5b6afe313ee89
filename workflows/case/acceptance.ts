/**
 * The window (一窗受理): acceptance, with the applicant's commitment when tolerable materials are
 * missing (容缺受理 + 告知承诺), or refusal with reasons.
 */
import { patched } from '@temporalio/workflow';
import type { Material } from '../../definitions/schema';
import type { Actor } from '../../domain/application';
import { assertAcceptable, grantsOf, missingMaterials, type CommitmentView } from '../../domain/commitments';
import type { AcceptCaseRequest, CaseProgress, Echoed, RefuseCaseRequest } from '../contract';
import { echo } from '../echo';
import { enforce, invalidRequest, notEligible, wrongDepartment } from '../errors';
import { advanceCase, type CaseEvent } from '../lifecycle';
import { now } from '../now';
import { checkCredit, sealCommitmentLetter, workingDeadline } from './activities';
import type { CaseRun } from './state';

/** Refuses anyone but the bundle's window department, and an event the case cannot take now. */
function refuseUnlessWindow(run: CaseRun, actor: Actor, event: CaseEvent): void {
  const window = run.plan.window.department;
  if (actor.department !== window) throw wrongDepartment(window, actor.department, 'Window acceptance');
  advanceCase(run.snapshot, event); // throws IllegalTransition
}

export function validateAcceptance(run: CaseRun, { actor, tolerateMissing }: AcceptCaseRequest): void {
  refuseUnlessWindow(run, actor, { type: 'ACCEPT' });
  if (run.accepting) throw invalidRequest('The case is being accepted already.');
  enforce(() => assertAcceptable(run.plan, run.application, tolerateMissing));
}

export async function accept(run: CaseRun, request: Echoed<AcceptCaseRequest>): Promise<Echoed<CaseProgress>> {
  const { actor, note } = request;
  run.accepting = true;
  try {
    // Cases accepted before licence materials could be missing replay under the earlier rule.
    const licenceRule = run.lean || patched('licence-materials-missing');
    const { tolerable } = missingMaterials(run.plan, run.application, { applicantOnly: !licenceRule });
    if (tolerable.length > 0) run.commitment = await takeCommitment(run, tolerable, actor);
    run.move({ type: 'ACCEPT' });
    run.acceptedBy = actor;
    run.facts.acceptedAt = run.commitment?.acceptedAt ?? now();
    run.record('accepted', { department: actor.department, detail: note });
    if (run.commitment) {
      const promised = run.commitment.materials.map((m) => `${m.material} by ${m.deadline}`).join('; ');
      run.record('commitment-taken', { department: actor.department, detail: promised });
    }
    return echo(run.progress(), request); // in the handler's own promise: no extra microtask before it answers
  } finally {
    run.accepting = false;
  }
}

/**
 * 容缺受理: the applicant's credit decides whether tolerance is offered; each missing material gets
 * a deadline in working days; the commitment letter is sealed by the window.
 */
async function takeCommitment(run: CaseRun, tolerable: Material[], actor: Actor): Promise<CommitmentView> {
  const { plan, application } = run;
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
    caseId: run.input.caseId,
    bundleId: plan.bundleId,
    department: actor.department,
    applicant: run.holder(),
    materials: materials.map(({ material, name, deadline }) => ({ material, name, deadline })),
    grants,
    signedAt: acceptedAt,
  });
  return { status: 'open', acceptedAt, materials, grants, letterDocumentId: letter.documentId, credit: { rating: credit.rating, checkedAt: credit.checkedAt } };
}

export function validateRefusal(run: CaseRun, { actor, reasons }: RefuseCaseRequest): void {
  if (!Array.isArray(reasons) || reasons.length === 0 || reasons.some((r) => typeof r !== 'string' || !r.trim())) {
    throw invalidRequest('A refusal needs at least one non-empty reason.');
  }
  refuseUnlessWindow(run, actor, { type: 'REFUSE' });
}

export function refuse(run: CaseRun, { actor, reasons }: RefuseCaseRequest): CaseProgress {
  run.move({ type: 'REFUSE' });
  run.facts.refusal = { at: now(), reasons: reasons.map((r) => r.trim()), by: actor };
  run.record('refused', { department: actor.department, detail: reasons.join('; ') });
  return run.progress();
}
