/**
 * The item's Query and Updates, registered before the workflow's first await. Validators refuse the
 * wrong department and the wrong state (the lifecycle decides); handlers are synchronous, so a
 * decision and a timeout can never both win. Each answers a keyed request's Idempotency-Key echo
 * (`../echo.ts`).
 */
import { setHandler } from '@temporalio/workflow';
import { CLOCK_PAUSING_STEP_KINDS, mayPauseClock } from '../../definitions/special-steps';
import {
  approveItem,
  endSpecialStep,
  getItem,
  provideSupplement,
  rejectItem,
  requestSupplement,
  startSpecialStep,
  type ApproveItemRequest,
  type ProvideSupplementRequest,
  type RejectItemRequest,
  type RequestSupplementRequest,
  type SpecialStepRequest,
} from '../contract';
import type { Actor } from '../../domain/application';
import { illegalNow } from '../../domain/errors';
import { currentTimedStep, timedStepsPending } from '../../domain/timed-steps';
import { complete, currentStep } from '../../domain/work-steps';
import { echoing } from '../echo';
import { enforce, invalidRequest } from '../errors';
import { advanceItem, type ItemEvent } from '../lifecycle';
import { now } from '../now';
import type { ItemRun } from './state';

export function registerItemHandlers(run: ItemRun): void {
  setHandler(getItem, () => run.view());
  registerDecisions(run);
  registerSupplements(run);
  registerSpecialSteps(run);
}

/**
 * Approve and reject. A department's system (an API key: no role) decides at once; a signed-in officer
 * (with a department role) of an item worked through steps decides by completing its last step
 * (`work.ts`), so these check that too.
 */
function registerDecisions(run: ItemRun): void {
  // During a timed step (edition 2) nobody works steps: a decision (an objection) is the department's alone.
  const byStep = (actor: Actor, opinion: string, decision: 'approve' | 'reject') =>
    run.work && actor.role && !currentTimedStep(run.work) ? complete(run.work, actor, currentStep(run.work).id, opinion, decision, run.department(), now()) : undefined;
  // A filing (edition 2) approved within its check period is registered early: filed, not approved.
  const approval = (): ItemEvent => ({ type: run.filing ? 'FILE' : 'APPROVE' });
  setHandler(
    approveItem,
    echoing(({ actor, comment }: ApproveItemRequest) => {
      const move = byStep(actor, comment?.trim() || '同意', 'approve');
      if (move) run.work = move.work;
      run.apply(approval());
      run.decision = { at: now(), by: actor, reason: comment };
      return run.view();
    }),
    {
      validator: ({ actor, comment }) => {
        run.refuseUnlessResponsible(actor, approval());
        enforce(() => {
          if (run.work && timedStepsPending(run.work)) {
            throw illegalNow(`Item "${run.item.id}" has a timed step (e.g. a public notice period) still to run: it can be approved once it has ended.`);
          }
          byStep(actor, comment?.trim() || '同意', 'approve');
        });
      },
    },
  );
  setHandler(
    rejectItem,
    echoing(({ actor, reason }: RejectItemRequest) => {
      const move = byStep(actor, reason.trim(), 'reject');
      if (move) run.work = move.work;
      run.apply({ type: 'REJECT' });
      run.decision = { at: now(), by: actor, reason: reason.trim() };
      return run.view();
    }),
    {
      validator: ({ actor, reason }) => {
        if (typeof reason !== 'string' || reason.trim() === '') throw invalidRequest('A rejection needs a reason.');
        run.refuseUnlessResponsible(actor, { type: 'REJECT' });
        enforce(() => byStep(actor, reason.trim(), 'reject'));
      },
    },
  );
}

/** 补正: a department asks the applicant for materials (the clock pauses) and the applicant supplies them. */
function registerSupplements(run: ItemRun): void {
  setHandler(
    requestSupplement,
    echoing(({ actor, reason, materials }: RequestSupplementRequest) => {
      run.apply({ type: 'REQUEST_SUPPLEMENT' });
      run.supplements.push({ requestedAt: now(), requestedBy: actor, reason: reason.trim(), materials });
      run.pauseClock();
      void run.notifyCase();
      return run.view();
    }),
    { validator: (request) => validateSupplementRequest(run, request) },
  );
  setHandler(
    provideSupplement,
    echoing(({ materials, note }: ProvideSupplementRequest) => {
      run.apply({ type: 'SUPPLEMENT_RECEIVED' });
      Object.assign(run.supplements[run.supplements.length - 1]!, { suppliedAt: now(), supplied: materials, ...(note ? { note } : {}) });
      run.resumeClock();
      return run.view(); // the case is told once the clock is recomputed
    }),
    { validator: (request) => validateSupply(run, request) },
  );
}

function validateSupplementRequest(run: ItemRun, { actor, reason, materials }: RequestSupplementRequest): void {
  refuseDuringTimedStep(run);
  if (typeof reason !== 'string' || !reason.trim()) throw invalidRequest('A supplement request needs a reason.');
  if (!Array.isArray(materials) || materials.length === 0) {
    throw invalidRequest('A supplement request lists at least one missing material.');
  }
  run.refuseUnlessResponsible(actor, { type: 'REQUEST_SUPPLEMENT' });
}

function validateSupply(run: ItemRun, { materials }: ProvideSupplementRequest): void {
  advanceItem(run.snapshot, { type: 'SUPPLEMENT_RECEIVED' });
  if (!Array.isArray(materials) || materials.length === 0) throw invalidRequest('Supply at least one material.');
}

/** Hearings, inspections, tests and expert reviews declared uncounted: their time does not count. */
function registerSpecialSteps(run: ItemRun): void {
  setHandler(
    startSpecialStep,
    echoing(({ step }: SpecialStepRequest) => {
      run.apply({ type: 'SPECIAL_STEP_STARTED' });
      run.specialStep = { step, startedAt: now() };
      run.pauseClock();
      void run.notifyCase();
      return run.view();
    }),
    { validator: (request) => validateSpecialStep(run, request) },
  );
  setHandler(
    endSpecialStep,
    echoing(() => {
      run.apply({ type: 'SPECIAL_STEP_ENDED' });
      run.specialStep = undefined;
      run.resumeClock();
      return run.view();
    }),
    { validator: ({ actor }) => run.refuseUnlessResponsible(actor, { type: 'SPECIAL_STEP_ENDED' }) },
  );
}

function validateSpecialStep(run: ItemRun, { actor, step }: SpecialStepRequest): void {
  refuseDuringTimedStep(run);
  const { item } = run;
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
  run.refuseUnlessResponsible(actor, { type: 'SPECIAL_STEP_STARTED' });
}

/** A timed step runs on its own: no supplement or special step may stop the clock on top of it (edition 2). */
function refuseDuringTimedStep(run: ItemRun): void {
  enforce(() => {
    if (run.timedStep) throw illegalNow(`Step "${run.timedStep.step}" is a timed step running until ${run.timedStep.endsAt}: nothing else may pause the item meanwhile.`);
  });
}
