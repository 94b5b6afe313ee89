/** The activities a case calls (the item clock's are its item's). */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

export const {
  issueResults,
  checkCredit,
  workingDeadline,
  sealCommitmentLetter,
  recordConditions,
  revokeResults,
  recordBrokenCommitment,
  notify,
} = proxyActivities<Activities>({
  // Each takes milliseconds to seconds (sealing, a credit lookup): a worker killed mid-activity holds
  // its case up for this long before another worker retries it.
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * The read model's write (`projection.ts`) as an activity of its own (patch `read-model-activity`):
 * SQL, and the webhook events it queues, never held inside a workflow task. As a local activity
 * (cases started before the patch) a write slowed past the 10 s workflow task timeout (a busy
 * database, a starved worker) let the task time out while the worker kept the run and its result;
 * the history then grouped the case's events otherwise than the worker had, and replaying it failed
 * ("Missing associated machine for LocalActivity"). Retried until written: the case waits for it.
 */
export const { projectCase } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The same write as a local activity: cases started before patch `read-model-activity` replay with it. */
export const { projectCase: projectCaseLocally } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
