/**
 * A worker process for a cluster deployment (`temporal-docker.yml`): needs TEMPORAL_ADDRESS and
 * DATABASE_URL (a PostgreSQL server: the embedded PGlite serves one process).
 */
import { onShutdown, openAppDatabase, openCredit, openKeys, openStores, openWorkerConnection } from './components';
import { loadConfig } from './config';
import { serverDatabaseUrl } from './database';
import { createWorker, stopWorker } from './worker';
import { openDelivery } from './delivery';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const config = loadConfig();
// Every missing setting at once, before anything starts.
const problems: string[] = [];
const address = process.env.TEMPORAL_ADDRESS;
if (!address) problems.push('worker-main needs TEMPORAL_ADDRESS (e.g. temporal:7233)');
let url = '';
try {
  url = serverDatabaseUrl('worker-main');
} catch (err) {
  problems.push((err as Error).message);
}
if (!address || problems.length > 0) fail(problems.join('\n'));
const database = await openAppDatabase(config, url).catch((err: Error) => fail(`worker-main: ${err.message}`));
const stores = openStores(config, database.db);
const delivery = openDelivery(database.db);
const worker = await createWorker({
  connection: await openWorkerConnection(address),
  namespace: config.namespace,
  deps: {
    documents: stores.documents,
    keys: openKeys(config),
    credit: openCredit(stores.brokenCommitments),
    outbox: stores.outbox,
    readModel: stores.readModel,
    reviews: stores.reviews,
    webhooks: delivery.webhooks,
    notices: delivery.notices,
  },
});
const running = worker.run();
console.log(`worker polling ${address}, namespace ${config.namespace}; database ${database.location}`);
onShutdown(async () => {
  await stopWorker(worker, running);
  delivery.close();
  await database.close();
});
