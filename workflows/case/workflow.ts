/**
 * `caseWorkflow`: one application for one bundle, interpreted from its pinned execution plan.
 *
 * Window acceptance → every applicable item dispatched as a child workflow as soon as the items it
 * depends on are cleared (so independent items run in parallel) → one completion that issues every
 * result together. A rejection ends the case and cancels the items still open. There is no per-bundle
 * code: any plan runs here.
 *
 * State in `state.ts`, handlers in `handlers.ts`, each part of the case's life in its module: the
 * window (`acceptance.ts`), the items (`items.ts`), the commitment (`commitment.ts`) and the completion
 * (`completion.ts`).
 */
import { allHandlersFinished, condition } from '@temporalio/workflow';
import type { CaseInput, CaseProgress } from '../contract';
import { watchCommitment } from './commitment';
import { issueEverything } from './completion';
import { registerCaseHandlers } from './handlers';
import { cancelOpenItems, dispatchReadyItems, skipInapplicableItems } from './items';
import { CaseRun } from './state';

export async function caseWorkflow(input: CaseInput): Promise<CaseProgress> {
  const run = new CaseRun(input);
  registerCaseHandlers(run);

  await condition(() => run.status !== 'submitted'); // accepted or refused at the window
  if (run.status === 'accepted') {
    const watching = run.commitment ? watchCommitment(run) : Promise.resolve();
    skipInapplicableItems(run);
    run.move({ type: 'DISPATCH' });
    dispatchReadyItems(run);
    await condition(() => run.allItemsSettled() || run.ended());
    if (run.ended()) {
      await cancelOpenItems(run);
    } else {
      await issueEverything(run);
    }
    await watching; // a case completed on an open commitment stays until the commitment settles
  }
  await condition(allHandlersFinished);
  return run.progress();
}
