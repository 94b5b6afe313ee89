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

/** The read model's write (`projection.ts`): milliseconds of SQL, run in the task that changed the case. */
export const { projectCase: projectCaseLocally } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
