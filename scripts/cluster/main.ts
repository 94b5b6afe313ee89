/**
 * `npm run cluster` (start), `npm run cluster:stop` (stop), `npm run cluster -- status`.
 *
 * start: PostgreSQL, the real Temporal server's four services, its UI, two workers and two API nodes,
 * in `.data/cluster` (or `YJS_CLUSTER_DIR`), left running in the background; prints where everything
 * is. Run again, it starts only what is not running. `-- --fresh` stops and deletes the folder first.
 */
import { rm } from 'node:fs/promises';
import { DEFAULT_CLUSTER_DIR, startCluster, stopCluster } from './cluster';
import { isAlive, readState } from './processes';

const args = process.argv.slice(2);
const command = args.find((a) => !a.startsWith('--')) ?? 'start';
const flags = args.filter((a) => a.startsWith('--'));
const dir = process.env.YJS_CLUSTER_DIR || DEFAULT_CLUSTER_DIR;

try {
  if (command === 'stop') {
    await stopCluster(dir);
    console.log(`cluster in ${dir} stopped (its data stays; \`npm run cluster -- --fresh\` starts over)`);
  } else if (command === 'status') {
    const state = readState(dir);
    if (!state) {
      console.log(`no cluster in ${dir}`);
    } else {
      for (const [name, record] of Object.entries(state.processes)) console.log(`${name.padEnd(18)} pid ${String(record.pid).padEnd(8)} ${isAlive(record.pid) ? 'running' : 'stopped'}   ${record.log}`);
    }
  } else if (command === 'start') {
    if (flags.includes('--fresh')) {
      await stopCluster(dir);
      await rm(dir, { recursive: true, force: true });
    }
    const started = Date.now();
    const offset = process.env.YJS_CLUSTER_PORT_OFFSET ? Number(process.env.YJS_CLUSTER_PORT_OFFSET) : undefined;
    // The app processes inherit this environment: YJS_TEST_CLOCK_DAY_SECONDS among it, for demonstrations.
    const cluster = await startCluster({ dir, portOffset: offset });
    console.log(
      [
        '',
        `cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s (${dir})`,
        `  API nodes       ${cluster.apiUrls.join('  ')}`,
        `  admin key       ${dir}/admin-key   (curl -H "Authorization: Bearer $(cat ${dir}/admin-key)" ${cluster.apiUrls[0]}/admin/api-keys)`,
        `  Temporal        TEMPORAL_ADDRESS=${cluster.temporalAddress} (namespace ${cluster.namespace})`,
        `  Temporal UI     ${cluster.uiUrl ?? 'not built (see build-temporal.sh output)'}`,
        `  PostgreSQL      127.0.0.1:${cluster.ports.postgres}: databases temporal, temporal_visibility, yijianshi; passwords in ${dir}/secrets.json`,
        `  logs            ${dir}/logs/`,
        '  stop            npm run cluster:stop',
      ].join('\n'),
    );
  } else {
    throw new Error(`unknown command ${command}: start, stop or status`);
  }
} catch (err) {
  console.error(`cluster: ${(err as Error).message}`);
  process.exitCode = 1;
}
