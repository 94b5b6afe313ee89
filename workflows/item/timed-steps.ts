/**
 * Timed steps (definition format edition 2, patch `timed-steps`): when the item reaches a step with a
 * fixed duration (e.g. a public notice period 公示期), the step starts by itself, runs for its days
 * (working or calendar, in the plan's calendar), and ends by itself, moving the item to its next step.
 * Nobody works it (`domain/work-steps.ts` refuses every act on it); the department may still reject
 * (e.g. on an objection raised during a notice), but not approve before every timed step has run. A
 * step the law leaves out of the limit stops the item's clock meanwhile. Runs beside the item's clock.
 */
import { condition, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { currentTimedStep, endTimedStep, startTimedStep } from '../../domain/timed-steps';
import { now } from '../now';
import type { ItemRun } from './state';

const { periodEnd } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Where the item is in its steps: a change wakes the runner. */
const visitOf = (run: ItemRun) => `${run.work!.at}@${run.work!.enteredAt}`;

export async function runTimedSteps(run: ItemRun): Promise<void> {
  while (!run.settled()) {
    const step = currentTimedStep(run.work!);
    if (!step) {
      const visit = visitOf(run);
      await condition(() => run.settled() || visitOf(run) !== visit);
      continue;
    }
    const startedAt = now();
    const { endsAt } = await periodEnd({ calendar: run.input.calendar, start: startedAt, days: step.timed.days, unit: step.timed.unit });
    if (run.settled()) return;
    run.work = startTimedStep(run.work!, run.department(), startedAt, endsAt);
    run.timedStep = { step: step.id, startedAt, endsAt, counted: step.timed.counted };
    if (!step.timed.counted) run.pauseClock();
    run.tellCase();
    await condition(() => run.settled(), Math.max(1, Date.parse(endsAt) - Date.now()));
    if (run.settled()) return;
    run.work = endTimedStep(run.work!, run.department(), now());
    run.timedStep = undefined;
    if (!step.timed.counted) run.resumeClock();
    run.tellCase();
  }
}
