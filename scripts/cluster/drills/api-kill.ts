/**
 * Drill `api-kill`: `kill -9` an API node while clients start, accept and approve cases through it;
 * the clients send the same request with the same Idempotency-Key to the other node when theirs
 * breaks off (a refused or cut connection). Node A dies a third of the way in and comes back; node B
 * dies two thirds of the way in and comes back. Verdict: every key got one case and every item one
 * decision, every case completes, and no node answered a 500.
 */
import { verifyCases } from './checks';
import { DrillClient, percentiles, pool, serverErrors, sleep } from './client';
import type { Drill } from './drill';

/** API nodes killed in turn: A, then B. */
const NODES = ['api-a', 'api-b'] as const;

export const apiKill: Drill = {
  title: 'kill -9 an API node under load; clients retry with the same Idempotency-Key on the other node',
  /** At least this many cases; more while the two kills have not happened. */
  defaultCases: 16,
  async run({ cluster, cases, log, run }) {
    const client = new DrillClient(cluster, run);
    await client.mintKeys();
    const caseMs: number[] = [];
    let completed = 0;
    let done = false;
    const kills: Array<{ node: string; afterCases: number; writesInFlight: number; writesCut: number; downMs: number; restartMs: number }> = [];
    const killer = (async () => {
      for (const [n, node] of NODES.entries()) {
        while (completed < 3 * (n + 1) && !done) await sleep(100);
        // Mid-flight: when a request that changes something (a start, an acceptance, a decision) is on its way to the node.
        while (client.writesInFlight[n] === 0 && !done) await sleep(5);
        if (done) return;
        const cutBefore = client.tally.cutWrites;
        const afterCases = completed;
        const inFlight = client.writesInFlight[n]!;
        const at = Date.now();
        await cluster.kill(node, 'SIGKILL');
        log(`kill -9 ${node} with ${inFlight} writes in flight, after ${afterCases} cases`);
        await sleep(5_000); // down for a while: its clients move to the other node
        const back = Date.now();
        await cluster.restart(node);
        kills.push({ node, afterCases, writesInFlight: inFlight, writesCut: client.tally.cutWrites - cutBefore, downMs: Date.now() - at, restartMs: Date.now() - back });
        log(`${node} answering again after ${((Date.now() - at) / 1000).toFixed(1)} s`);
      }
    })();

    // Six clients, each starting its next case as soon as its last one completed; half the requests go to each node first.
    const started = Date.now();
    const outcomes: Array<{ caseId: string; progress: unknown }> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < cases || kills.length < NODES.length) {
          const i = next++;
          const t = Date.now();
          const outcome = await client.wholeCase(i);
          caseMs.push(Date.now() - t);
          outcomes[i] = outcome;
          completed++;
          log(`case ${i + 1} completed (${outcome.caseId}); ${completed} so far, ${kills.length} kills`);
        }
      }),
    ).finally(() => {
      done = true;
    });
    await killer;
    const elapsed = (Date.now() - started) / 1000;

    // Every key again, now that both nodes are up: the same case each time.
    const again = await pool([...outcomes.keys()], 4, (i) => client.startCase(i, 'open-restaurant', (i + 1) % 2));
    const problems: string[] = [];
    again.forEach((caseId, i) => {
      if (caseId !== outcomes[i]!.caseId) problems.push(`key ${i} answered ${caseId} now, ${outcomes[i]!.caseId} before`);
    });
    const verification = await verifyCases(cluster, outcomes);
    problems.push(...verification.problems);
    const errors = serverErrors(client.tally);
    if (errors) problems.push(errors);
    if (kills.length < NODES.length) problems.push(`${kills.length} API kills happened, not ${NODES.length}`);
    if (client.tally.cutWrites === 0) problems.push('no request that changes something broke off: the kills hit nothing in flight');
    return {
      problems,
      numbers: {
        kills,
        caseMs: percentiles(caseMs),
        casesPerMinute: Math.round((outcomes.length / elapsed) * 60 * 10) / 10,
        statuses: client.tally.statuses,
        retriedRequests: client.tally.retries,
        cutWrites: client.tally.cutWrites,
        ...verification.counts,
        storage: verification.storage,
      },
    };
  },
};
