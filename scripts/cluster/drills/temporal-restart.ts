/**
 * Drill `temporal-restart`: the Temporal server (all four services) is killed with cases open and
 * kept down while their items' timers fall due, then started again. The workers run on the test clock
 * (a working day of {@link DAY_SECONDS} s, runtime/test-clock.ts) and the bundle approves every item
 * by default at its deadline, so the cases can only complete by their timers. The business licence's
 * yellow, red and deadline timers are all due while the server is down. Verdict: after the restart
 * every timer fires (every item defaulted with its sealed notice, its card `overdue` in the progress
 * and in SQL visibility), every case completes, and no node answered a 500 meanwhile.
 */
import { Client, Connection } from '@temporalio/client';
import { TEST_CLOCK_CONSENT } from '../../../runtime/test-clock';
import { verifyCases } from './checks';
import { timersBundle, publish } from './bundles';
import { DrillClient, percentiles, pool, serverErrors, sleep } from './client';
import type { Drill } from './drill';

/** Long enough for every case to be accepted (and its clock read) before its first card is due. */
const DAY_SECONDS = 12;

export const temporalRestart: Drill = {
  title: 'restart the Temporal server (all services) with open cases and item timers due while it is down',
  defaultCases: 12,
  appEnv: { YJS_TEST_CLOCK_DAY_SECONDS: String(DAY_SECONDS), YJS_TEST_CLOCK: TEST_CLOCK_CONSENT },
  async run({ cluster, cases, log, run }) {
    const client = new DrillClient(cluster, run);
    await client.mintKeys();
    const bundle = await timersBundle(cluster.appRoot);
    await publish(client, bundle);

    // Open cases: started and accepted; the business licence is dispatched with its clock.
    const caseIds = await pool([...Array(cases).keys()], 6, async (i) => {
      const caseId = await client.startCase(i, bundle.id);
      await client.accept(caseId, i % 2);
      return caseId;
    });
    const clocks = await pool(caseIds, 6, async (caseId) => {
      const progress = await client.until(caseId, (p) => Boolean(licence(p)?.clock?.deadline), 'with a licence clock', 60_000);
      return licence(progress).clock as { yellowAt: string; redAt: string; deadline: string };
    });
    const firstYellow = Math.min(...clocks.map((c) => Date.parse(c.yellowAt)));
    const lastDeadline = Math.max(...clocks.map((c) => Date.parse(c.deadline)));
    if (Date.now() >= firstYellow) log(`warning: a yellow card was due before the kill (${new Date(firstYellow).toISOString()}); the machine is slow for DAY_SECONDS=${DAY_SECONDS}`);

    const downAt = Date.now();
    await cluster.stopTemporal('SIGKILL');
    log(`Temporal killed (all services) with ${cases} cases open; their licences' deadlines fall due by ${new Date(lastDeadline).toISOString()}`);
    // Meanwhile the API answers from the read model or with a 503, never a 500.
    while (Date.now() < lastDeadline + 5_000) {
      await client.progress(caseIds[Math.floor(Math.random() * caseIds.length)]!, Math.floor(Math.random() * 2)).catch(() => undefined);
      await sleep(500);
    }
    const upAt = Date.now();
    await cluster.startTemporal();
    const answeredAt = Date.now();
    log(`Temporal answering again ${((answeredAt - upAt) / 1000).toFixed(1)} s after its start, down ${((upAt - downAt) / 1000).toFixed(1)} s`);
    const dueWhileDown = clocks.flatMap((c) => [c.yellowAt, c.redAt, c.deadline]).filter((at) => Date.parse(at) > downAt && Date.parse(at) < upAt).length;

    // The licences' defaults: how long after the server came back each case showed it.
    const licenceDefaultedMs = await pool(caseIds, 6, async (caseId) => {
      await client.until(caseId, (p) => licence(p)?.status === 'defaulted', 'with its licence defaulted', 180_000);
      return Date.now() - answeredAt;
    });
    log('every licence defaulted; the other items run their clocks');
    const outcomes = await pool(caseIds, 6, async (caseId) => ({ caseId, progress: await client.untilCompleted(caseId, 300_000) }));

    const items = ['business-licence', 'food-permit', 'outdoor-sign', 'fire-check'];
    const verification = await verifyCases(cluster, outcomes, { items, approvals: 'none' });
    const problems = [...verification.problems];
    for (const { caseId, progress } of outcomes) {
      for (const item of progress.items.filter((it: { id: string }) => items.includes(it.id))) {
        if (item.status !== 'defaulted') problems.push(`${caseId} ${item.id} is ${item.status}, not defaulted`);
        if (item.clock?.card !== 'overdue') problems.push(`${caseId} ${item.id} shows card ${item.clock?.card}, not overdue`);
      }
    }
    if (verification.counts.timeoutNotices !== cases * items.length) problems.push(`${verification.counts.timeoutNotices} sealed timeout-default notices for ${cases * items.length} items`);
    // SQL visibility answers the supervision query: every licence overdue.
    const connection = await Connection.connect({ address: cluster.temporalAddress });
    let overdueInVisibility = 0;
    try {
      const temporal = new Client({ connection, namespace: cluster.namespace });
      overdueInVisibility = (await temporal.workflow.count(`WorkflowType = 'itemWorkflow' AND Card = 'overdue'`)).count;
    } finally {
      await connection.close();
    }
    if (overdueInVisibility !== cases * items.length) problems.push(`visibility shows ${overdueInVisibility} items with Card = 'overdue', not ${cases * items.length}`);
    if (dueWhileDown < cases) problems.push(`only ${dueWhileDown} timers fell due while Temporal was down`);
    const errors = serverErrors(client.tally);
    if (errors) problems.push(errors);

    return {
      problems,
      numbers: {
        daySeconds: DAY_SECONDS,
        temporalDownSeconds: Math.round((upAt - downAt) / 100) / 10,
        temporalStartSeconds: Math.round((answeredAt - upAt) / 100) / 10,
        timersDueWhileDown: dueWhileDown,
        licenceDefaultedAfterRestartMs: percentiles(licenceDefaultedMs),
        overdueInVisibility,
        statuses: client.tally.statuses,
        ...verification.counts,
        storage: verification.storage,
      },
    };
  },
};

function licence(progress: any): any {
  return progress?.items?.find((it: { id: string }) => it.id === 'business-licence');
}
