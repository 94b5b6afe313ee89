/**
 * Drill `postgres-restart`: PostgreSQL, which holds Temporal's two databases and the app's, crashes
 * (`pg_ctl stop -m immediate`) while cases are started, accepted and approved, stays down
 * {@link DOWN_SECONDS} s and starts again (crash recovery). Verdict: every case completes with one
 * sealed document per result and one decision per item, the four app processes are the ones started
 * before (none restarted, none exited), and no node answered a 500. Temporal's services are watched
 * too: one that exits is started again, as its supervisor would, and named in the numbers.
 */
import { APIS, WORKERS } from '../cluster';
import { isAlive } from '../processes';
import { TEMPORAL_SERVICES } from '../temporal-server';
import { verifyCases } from './checks';
import { DrillClient, percentiles, serverErrors, sleep } from './client';
import type { Drill } from './drill';

const DOWN_SECONDS = 15;

export const postgresRestart: Drill = {
  title: 'crash and restart PostgreSQL under load',
  defaultCases: 16,
  async run({ cluster, cases, log, run }) {
    const client = new DrillClient(cluster, run);
    await client.mintKeys();
    const appPids = Object.fromEntries([...WORKERS, ...APIS].map((name) => [name, cluster.process(name).pid]));
    const caseMs: number[] = [];
    let completed = 0;
    const temporalExited: string[] = [];
    let downAt = 0;
    let upAt = 0;

    let faultOver = false;
    const fault = (async () => {
      while (completed < Math.floor(cases / 4)) await sleep(100);
      downAt = Date.now();
      await cluster.postgres.stop('immediate');
      log(`PostgreSQL crashed (pg_ctl stop -m immediate) after ${completed} cases`);
      await sleep(DOWN_SECONDS * 1000);
      await cluster.postgres.start();
      upAt = Date.now();
      log(`PostgreSQL up again after ${((upAt - downAt) / 1000).toFixed(1)} s (crash recovery included)`);
      // Temporal's services: started again if one gave up while its database was gone.
      await sleep(5_000);
      for (const service of TEMPORAL_SERVICES) {
        const name = `temporal-${service}`;
        if (!isAlive(cluster.process(name).pid)) {
          temporalExited.push(name);
          log(`${name} exited while PostgreSQL was down: started again`);
          await cluster.restart(name);
        }
      }
      faultOver = true;
    })();

    const started = Date.now();
    // Six clients, each starting its next case as soon as its last one completed, until the fault is over.
    const outcomes: Array<{ caseId: string; progress: unknown }> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < cases || !faultOver) {
          const i = next++;
          const t = Date.now();
          const outcome = await client.wholeCase(i);
          caseMs.push(Date.now() - t);
          outcomes[i] = outcome;
          completed++;
          log(`case ${i + 1} completed (${outcome.caseId}); ${completed} so far`);
        }
      }),
    );
    await fault;
    const elapsed = (Date.now() - started) / 1000;

    const verification = await verifyCases(cluster, outcomes);
    const problems = [...verification.problems];
    for (const [name, pid] of Object.entries(appPids)) {
      if (cluster.process(name).pid !== pid) problems.push(`${name} was restarted`);
      else if (!isAlive(pid)) problems.push(`${name} (pid ${pid}) exited`);
    }
    const errors = serverErrors(client.tally);
    if (errors) problems.push(errors);
    return {
      problems,
      numbers: {
        postgresDownSeconds: Math.round((upAt - downAt) / 100) / 10,
        temporalServicesThatExited: temporalExited,
        caseMs: percentiles(caseMs),
        casesPerMinute: Math.round((outcomes.length / elapsed) * 60 * 10) / 10,
        fiveHundredsByRoute: client.tally.fiveHundredsByRoute,
        lastFiveHundredAfterPostgresUpMs: client.tally.lastFiveHundredAt ? client.tally.lastFiveHundredAt - upAt : null,
        // How long after PostgreSQL was back the last 503 (or refused connection) was answered: the
        // app's recovery as clients saw it; 0 when every one came while it was still down.
        apiRecoveredAfterPostgresUpMs: client.tally.lastUnavailableAt ? Math.max(0, client.tally.lastUnavailableAt - upAt) : 0,
        statuses: client.tally.statuses,
        retriedRequests: client.tally.retries,
        ...verification.counts,
        storage: verification.storage,
      },
    };
  },
};
