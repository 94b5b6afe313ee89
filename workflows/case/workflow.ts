/**
 * `caseWorkflow`: one application for one bundle, interpreted from its pinned execution plan.
 *
 * Window acceptance → every applicable item dispatched as a child workflow as soon as the items it
 * depends on are cleared (so independent items run in parallel) → one completion that issues every
 * result together. A rejection, or the applicant's withdrawal (撤回申请, `withdrawal.ts`), ends the case and
 * cancels the items still open; nothing is issued. There is no per-bundle code: any plan runs here.
 *
 * State in `state.ts`, handlers in `handlers.ts`, each part of the case's life in its module: the
 * window (`acceptance.ts`), the items (`items.ts`), the commitment (`commitment.ts`) and the completion
 * (`completion.ts`).
 *
 * Patch `lean-case` (one marker, in the case's first task) selects lean mode for new cases: items get
 * their clock at dispatch and tell the case only what changes later (`items.ts`), `CaseStatus` skips
 * the states a case only passes through (`state.ts`). It implies the earlier patches
 * `licence-materials-missing` and `card-at-dispatch`, which lean cases therefore do not record.
 * Patch `read-model` writes the case into the read model after each change (`projection.ts`).
 */
import { allHandlersFinished, condition, patched, setHandler } from '@temporalio/workflow';
import { getProjection } from '../contract';
import { Projection, Projector } from './projection';
import type { CaseInput, CaseProgress } from '../contract';
import { watchCommitment } from './commitment';
import { issueEverything } from './completion';
import { registerCaseHandlers } from './handlers';
import { cancelOpenItems, dispatchReadyItems, skipInapplicableItems } from './items';
import { CaseRun } from './state';

export async function caseWorkflow(input: CaseInput): Promise<CaseProgress> {
  // Lean mode for every case started from now on; cases started before replay as they ran.
  const run = new CaseRun(input, patched('lean-case'));
  registerCaseHandlers(run);
  // The read model (patch `read-model`): written after each task that changed the case. Cases
  // started before it are written by `yijianshi db rebuild-read-model`, from this Query.
  const projection = new Projection(run);
  const projector = patched('read-model') ? new Projector(run, projection) : undefined;
  setHandler(getProjection, () => projection.at(projector?.revision ?? 0));

  // Accepted or refused at the window, or withdrawn before: only an accepted case dispatches.
  await condition(() => run.status !== 'submitted');
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
  } else if (run.ended()) {
    await cancelOpenItems(run); // withdrawn before dispatch: no item started, each cancelled on the record
  }
  await condition(() => allHandlersFinished() && (projector?.idle() ?? true));
  return run.progress();
}
