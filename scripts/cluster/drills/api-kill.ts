/**
 * Drill `api-kill`: `kill -9` an API node while clients start, accept and approve cases through it;
 * the clients send the same request with the same Idempotency-Key to the other node when theirs
 * breaks off (a refused or cut connection). Node A dies a third of the way in and comes back; node B
 * dies two thirds of the way in and comes back. Verdict: every key got one case and every item one
 * decision, every case completes, and no node answered a 500.
 */
import { verifyCases } from './checks';
import { DrillClient, percentiles, pool, sleep } from './client';
import type { Drill } from './drill';

export const apiKill: Drill = {
  title: 'kill -9 an API node under load; clients retry with the same Idempotency-Key on the other node',
  defaultCases: 16,
  async run({ cluster, cases, log, run }) {
    const client = new DrillClient(cluster, run);
    await client.mintKeys();
    // Every request goes to the node the case's index picks first: half of the load is on the node killed.
    const caseMs: number[] = [];
    let completed = 0;
    const kills: Array<{ node: string; atCase: number; downMs: number; restartMs: number }> = [];
    const killAt = async (threshold: number, node: 'api-a' | 'api-b') => {
      while (completed < threshold) await sleep(100);
      // Mid-flight: when a request that changes something (a start, an acceptance, a decision) is on its way to the node.
      const index = node === 'api-a' ? 0 : 1;
      while (client.writesInFlight[index] === 0) await sleep(5);
      const at = Date.now();
      await cluster.kill(node, 'SIGKILL');
      log(`kill -9 ${node} after ${completed} cases`);
      await sleep(5_000); // down for a while: its clients move to the other node
      const back = Date.now();
      await cluster.restart(node);
      kills.push({ node, atCase: completed, downMs: Date.now() - at, restartMs: Date.now() - back });
      log(`${node} answering again after ${((Date.now() - at) / 1000).toFixed(1)} s`);
    };
    const killer = Promise.all([killAt(Math.floor(cases / 3), 'api-a').then(() => killAt(Math.floor((2 * cases) / 3), 'api-b'))]);

    const started = Date.now();
    const outcomes = await pool([...Array(cases).keys()], 6, async (i) => {
      const t = Date.now();
      const outcome = await client.wholeCase(i);
      caseMs.push(Date.now() - t);
      completed++;
      log(`case ${completed}/${cases} completed (${outcome.caseId})`);
      return outcome;
    });
    await killer;
    const elapsed = (Date.now() - started) / 1000;

    // Every key again, now that both nodes are up: the same case each time.
    const again = await pool([...Array(cases).keys()], 4, (i) => client.startCase(i, 'open-restaurant', (i + 1) % 2));
    const problems: string[] = [];
    again.forEach((caseId, i) => {
      if (caseId !== outcomes[i]!.caseId) problems.push(`key ${i} answered ${caseId} now, ${outcomes[i]!.caseId} before`);
    });
    const verification = await verifyCases(cluster, outcomes);
    problems.push(...verification.problems);
    const fiveHundreds = Object.entries(client.tally.statuses).filter(([s]) => /^5/.test(s) && !['502', '503', '504'].includes(s));
    if (fiveHundreds.length > 0) problems.push(`nodes answered ${fiveHundreds.map(([s, n]) => `${n} × ${s}`).join(', ')}: ${JSON.stringify(client.tally.errors.slice(0, 3))}`);
    if (kills.length < 2) problems.push(`${kills.length} API kills happened, not 2`);
    if (client.tally.cutWrites === 0) problems.push('no request that changes something broke off: the kills hit nothing in flight');
    return {
      problems,
      numbers: {
        kills,
        caseMs: percentiles(caseMs),
        casesPerMinute: Math.round((cases / elapsed) * 60 * 10) / 10,
        statuses: client.tally.statuses,
        retriedRequests: client.tally.retries,
        cutWrites: client.tally.cutWrites,
        ...verification.counts,
      },
    };
  },
};
