/**
 * `npm run cluster:smoke` (drill `smoke`): the cluster starts, one case runs end to end across both
 * API nodes (started on A, accepted on B, decided on both), one worker is killed (`kill -9`) after the
 * first decision and not brought back, and the case still completes on the other; then it all stops.
 * Verdict as the drills': completed, one sealed result per item, one decision each, no 500.
 */
import { verifyCases } from './checks';
import { AFTER_LICENCE, DrillClient, serverErrors } from './client';
import type { Drill } from './drill';

export const smoke: Drill = {
  title: 'start, one case across both API nodes with a worker killed, stop',
  defaultCases: 1,
  async run({ cluster, cases, log, run }) {
    const client = new DrillClient(cluster, run);
    await client.mintKeys();
    const outcomes = [];
    for (let i = 0; i < cases; i++) {
      const caseId = await client.startCase(i, 'open-restaurant', 0);
      await client.accept(caseId, 1);
      await client.approve(caseId, 'business-licence', 0);
      if (i === 0) {
        await cluster.kill('worker-1', 'SIGKILL');
        log('kill -9 worker-1; worker-2 carries on alone');
      }
      await Promise.all(AFTER_LICENCE.map((item, j) => client.approve(caseId, item, (j + 1) % 2)));
      outcomes.push({ caseId, progress: await client.untilCompleted(caseId) });
      log(`case ${caseId} completed`);
    }
    const verification = await verifyCases(cluster, outcomes);
    const problems = [...verification.problems];
    const errors = serverErrors(client.tally);
    if (errors) problems.push(errors);
    return { problems, numbers: { statuses: client.tally.statuses, retriedRequests: client.tally.retries, ...verification.counts } };
  },
};
