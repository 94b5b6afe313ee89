/**
 * Timed steps (definition format, edition 2): a step with a fixed duration (e.g. a public notice period
 * 公示期 of 20 days) starts when the item reaches it and ends by itself; nobody claims or completes it
 * (`work-steps.ts` refuses every act on it). Pure: the item workflow runs the timer and applies these
 * moves; `periods.ts` says when the period ends.
 */
import type { Actor } from './application';
import { currentStep, type Work, type WorkStep } from './work-steps';

/** The item's current step if it is timed. */
export function currentTimedStep(work: Work): (WorkStep & { timed: NonNullable<WorkStep['timed']> }) | undefined {
  const step = currentStep(work);
  return step.timed ? (step as WorkStep & { timed: NonNullable<WorkStep['timed']> }) : undefined;
}

/** Whether a timed step lies ahead of the item, or runs now: its decision must wait for it. */
export function timedStepsPending(work: Work): boolean {
  return work.steps.slice(work.at).some((step) => step.timed);
}

/** Who acts for a timed step on the record: the department's system, no person. */
export function systemActor(department: string): Actor {
  return { department, name: '系统 (timed step)' };
}

/** The timed step started (when the item reached it): on the record. */
export function startTimedStep(work: Work, department: string, at: string, endsAt: string): Work {
  const step = currentStep(work);
  return { ...work, trail: [...work.trail, { at, act: 'timer-start', step: step.id, by: systemActor(department), opinion: `ends ${endsAt}` }] };
}

/** The timed step ended by itself: the item moves to the next step, on the record. */
export function endTimedStep(work: Work, department: string, at: string): Work {
  const step = currentStep(work);
  if (!step.timed) throw new Error(`step "${step.id}" is not timed`);
  if (work.at >= work.steps.length - 1) throw new Error(`timed step "${step.id}" is the item's last step`); // lint: timed-step-last
  return {
    ...work,
    at: work.at + 1,
    enteredAt: at,
    holder: undefined,
    signatures: [],
    trail: [...work.trail, { at, act: 'timer-end', step: step.id, by: systemActor(department) }],
  };
}
