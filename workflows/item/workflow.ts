/**
 * `itemWorkflow`: one item (事项) with its department, from dispatch to decision.
 *
 * Started by its case as a child workflow as soon as its dependencies are cleared. The department
 * decides through Updates whose validators refuse the wrong department and the wrong state
 * (`handlers.ts`); the item's search attributes put it in the department's inbox.
 *
 * The item owns its working-day clock (`clock.ts`), so a decision and a timeout can never both win.
 * Supplements (补正) and special steps (hearings, inspections…) pause it. Under patch `work-steps`,
 * an item declaring counted steps is worked through them by the department's people (`work.ts`).
 */
import { allHandlersFinished, CancellationScope, condition, isCancellation, patched } from '@temporalio/workflow';
import { startWork, workStepsOf } from '../../domain/work-steps';
import type { ItemInput, ItemOutcome } from '../contract';
import { runClock } from './clock';
import { registerItemHandlers } from './handlers';
import { ItemRun } from './state';
import { fileAtOnce } from './filing';
import { runStepClocks } from './step-clock';
import { runTimedSteps } from './timed-steps';
import { registerFollowUpHandlers, registerWorkHandlers } from './work';

export async function itemWorkflow(input: ItemInput): Promise<ItemOutcome> {
  const run = new ItemRun(input);
  // Patch `filing-items` (edition 2): an item filed for this application is registered, not decided.
  if (input.item.asFiling && patched('filing-items')) run.filing = input.item.asFiling;
  // Patch `work-steps`: the department's people work the item through its counted steps (a filing has none to work).
  const steps = workStepsOf(input.item.steps);
  if (steps.length > 0 && !run.filing && patched('work-steps')) run.work = startWork(steps, run.startedAt);
  registerItemHandlers(run);
  registerWorkHandlers(run);
  registerFollowUpHandlers(run);

  // Steps with a limit of their own show their cards too (definitions that give one).
  const stepClocks = run.work?.steps.some((s) => s.limitDays) ? runStepClocks(run) : undefined;
  // Patch `timed-steps` (edition 2): steps with a duration start and end by themselves.
  const timed = run.work?.steps.some((s) => s.timed) && patched('timed-steps') ? runTimedSteps(run) : undefined;
  try {
    if (run.filing?.checkDays === 0) fileAtOnce(run);
    await runClock(run);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // The case ended (another item was rejected): settle as cancelled, unless settled already.
    run.cancelIfOpen();
  }
  // Handlers are synchronous, so none is ever left running here: this waits for nothing and issues no
  // command (histories recorded before it replay as they were). Outside the workflow's scope, which a
  // cancelled item has cancelled: the outcome is still returned.
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  // Signals to the case and notifications already sent are delivered before the item completes.
  await CancellationScope.nonCancellable(() => Promise.all(run.pending));
  void stepClocks; // ends by itself once the item has settled (its timers are dropped with the workflow)
  void timed; // likewise
  return run.outcome();
}
