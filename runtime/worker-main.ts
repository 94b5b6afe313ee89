/**
 * A worker process for a cluster deployment (`temporal-docker.yml`): needs TEMPORAL_ADDRESS.
 */
import { onShutdown, openCredit, openDocuments, openKeys, openWorkerConnection } from './components';
import { loadConfig } from './config';
import { createWorker, stopWorker } from './worker';

const config = loadConfig();
const address = process.env.TEMPORAL_ADDRESS;
if (!address) throw new Error('worker-main needs TEMPORAL_ADDRESS (e.g. temporal:7233)');
const worker = await createWorker({
  connection: await openWorkerConnection(address),
  namespace: config.namespace,
  deps: { documents: openDocuments(config), keys: openKeys(config), credit: openCredit(config) },
});
const running = worker.run();
console.log(`worker polling ${address}, namespace ${config.namespace}`);
onShutdown(async () => {
  await stopWorker(worker, running);
});
