/**
 * A step's own limit (a definition's `limitDays` on a step), with the item's cards: yellow at 50%,
 * red at 90%, overdue at the deadline, counted in working days from when the item reached the step
 * (again from the start after 退回). It only shows: the item's own limit and timeout policy decide.
 * Runs beside the item's clock, only for items that have such a step.
 */
import { condition, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { currentStep } from '../../domain/work-steps';
import type { Card } from '../contract';
import type { ItemRun } from './state';

// A scheduled activity: it is asked in the task of an Update (the step moved), whose answer need not
// wait for it.
const { computeItemClock } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The current step's visit: its index and when it was entered. */
const visitOf = (run: ItemRun) => `${run.work!.at}@${run.work!.enteredAt}`;

export async function runStepClocks(run: ItemRun): Promise<void> {
  while (!run.settled()) {
    const visit = visitOf(run);
    const moved = () => run.settled() || visitOf(run) !== visit;
    const step = currentStep(run.work!);
    run.stepClock = undefined;
    if (step.limitDays) {
      const computed = await computeItemClock({ calendar: run.input.calendar, start: run.work!.enteredAt, days: step.limitDays, pauses: [] });
      if (moved()) continue;
      run.stepClock = { step: step.id, deadline: computed.deadline, yellowAt: computed.yellowAt, redAt: computed.redAt, card: 'none' };
      const cards: Array<[Card, string | undefined]> = [
        ['yellow', computed.yellowAt],
        ['red', computed.redAt],
        ['overdue', computed.deadline],
      ];
      for (const [card, at] of cards) {
        if (!at) continue;
        if (await condition(moved, Math.max(1, Date.parse(at) - Date.now()))) break;
        run.stepClock = { ...run.stepClock, card };
        run.tellCase();
      }
    }
    await condition(moved);
  }
}
