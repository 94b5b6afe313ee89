/**
 * Drill `worker-kill`: `kill -9` one worker, then the other, again and again, while cases are started,
 * accepted and approved on both API nodes. A killed worker is started again at once (as a supervisor
 * would), so one is always polling. Verdict: every case completes, one sealed document per result,
 * at most one accepted decision per item and none lost, and no node answered a 500.
 */
import { WORKERS } from '../cluster';
import { verifyCases } from './checks';
import { DrillClient, percentiles, serverErrors, sleep } from './client';
import type { Drill } from './drill';

/** Kills to see before the load stops: each worker twice. */
const KILLS = 4;

export const workerKill: Drill = {
  title: 'kill -9 a worker repeatedly during approvals under API load',
  /** At least this many cases; more while fewer than {@link KILLS} kills have happened. */
  defaultCases: 16,
  async run({ cluster, cases, log, run }) {
    const client = new DrillClient(cluster, run);
    await client.mintKeys();
    const caseMs: number[] = [];
    const approveMs: number[] = [];
    const approve = client.approve.bind(client);
    client.approve = async (...args) => {
      const t = Date.now();
      const answer = await approve(...args);
      approveMs.push(Date.now() - t);
      return answer;
    };

    let done = false;
    const kills: Array<{ worker: string; at: number; restartMs: number }> = [];
    const started = Date.now();
    const killer = (async () => {
      await sleep(8_000); // cases under way first
      for (let k = 0; !done; k++) {
        const worker = WORKERS[k % WORKERS.length]!;
        const at = Date.now();
        await cluster.kill(worker, 'SIGKILL');
        log(`kill -9 ${worker}`);
        await cluster.restart(worker);
        kills.push({ worker, at: Math.round((at - started) / 1000), restartMs: Date.now() - at });
        log(`${worker} polling again after ${((Date.now() - at) / 1000).toFixed(1)} s`);
        for (let s = 0; s < 10 && !done; s++) await sleep(1_000);
      }
    })();

    // Six clients, each starting its next case as soon as its last one completed.
    const outcomes: Array<{ caseId: string; progress: unknown }> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < cases || kills.length < KILLS) {
          const i = next++;
          const t = Date.now();
          const outcome = await client.wholeCase(i);
          caseMs.push(Date.now() - t);
          outcomes.push(outcome);
          log(`case ${i + 1} completed (${outcome.caseId}); ${outcomes.length} so far, ${kills.length} kills`);
        }
      }),
    ).finally(() => {
      done = true;
    });
    await killer;
    const elapsed = (Date.now() - started) / 1000;

    const verification = await verifyCases(cluster, outcomes);
    const problems = [...verification.problems];
    const errors = serverErrors(client.tally);
    if (errors) problems.push(errors);
    if (kills.length < KILLS) problems.push(`only ${kills.length} worker kills happened, not ${KILLS}`);
    return {
      problems,
      numbers: {
        kills: kills.length,
        workerRestartMs: percentiles(kills.map((k) => k.restartMs)),
        caseMs: percentiles(caseMs),
        approveMs: percentiles(approveMs),
        casesPerMinute: Math.round((outcomes.length / elapsed) * 60 * 10) / 10,
        statuses: client.tally.statuses,
        retriedRequests: client.tally.retries,
        ...verification.counts,
        storage: verification.storage,
      },
    };
  },
};
