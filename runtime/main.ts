/**
 * `npm start`: the whole product on one machine. Provisions Temporal (an existing cluster, or the
 * embedded dev server with its web UI), loads the bundles, runs the worker and the API, prints URLs.
 */
import { ApiKeyAuthenticator } from '../api/auth';
import { buildApp } from '../api/app';
import { devKeysEnabled, ensureDevKeys, FileApiKeyStore, mintDevKeysOnPublish } from './api-keys';
import { departmentsOf, onShutdown, openClient, openDocuments, openBlobs, openCertificates, openCredit, openKeys, openRegistry, openWorkerConnection } from './components';
import { loadConfig } from './config';
import { provisionTemporal } from './temporal';
import { createWorker, stopWorker } from './worker';

const config = loadConfig();
const temporal = await provisionTemporal({ dataDir: config.dataDir });
const registry = await openRegistry(config);
const documents = openDocuments(config);
const keys = openKeys(config);
const worker = await createWorker({
  connection: await openWorkerConnection(temporal.address),
  namespace: temporal.namespace,
  deps: { documents, keys, credit: openCredit(config) },
});
const client = await openClient(temporal.address, temporal.namespace);
const { departments, windows } = departmentsOf(registry);
// Every department's seal key pair exists from the first start (generated once, kept in the key store).
await Promise.all(departments.map((department) => keys.keyPairFor(department)));
// Development keys for what the key file lacks (each role, an admin, every department), and for the
// departments of bundles published later; with YJS_DEV_KEYS=0 keys come only from the key file.
const devKeys = devKeysEnabled();
const apiKeys = devKeys
  ? await ensureDevKeys(config.apiKeysFile, config.devTokensFile, departments, windows)
  : { store: new FileApiKeyStore(config.apiKeysFile), minted: [] };
if (devKeys) mintDevKeysOnPublish(registry, apiKeys.store, config.devTokensFile);
const app = await buildApp({
  client,
  namespace: temporal.namespace,
  registry,
  authenticator: new ApiKeyAuthenticator(apiKeys.store),
  apiKeys: apiKeys.store,
  keys,
  documents,
  blobs: openBlobs(config),
  certificates: openCertificates(),
  logger: { level: config.logLevel },
  corsOrigins: config.corsOrigins,
  temporalTimeoutMs: config.temporalTimeoutMs,
  sealVerifyRatePerMinute: config.sealVerifyRatePerMinute,
});
await app.listen({ host: config.host, port: config.port });
const workerRun = worker.run();

const api = `http://${config.host}:${config.port}`;
console.log(`
yijianshi is running
  API          ${api}
  API docs     ${api}/docs   (OpenAPI: ${api}/openapi.json)
  Temporal UI  ${temporal.uiUrl ?? '(external cluster: see its own UI)'}
  Temporal     ${temporal.address} (${temporal.mode}), namespace ${temporal.namespace}
  Bundles      ${registry.list().map((b) => `${b.id}@${b.latestVersion}`).join(', ')}
  API keys     ${config.apiKeysFile}${apiKeys.minted.length > 0 ? `; ${apiKeys.minted.length} minted, plain keys in ${config.devTokensFile}` : ''}
Press Ctrl-C to stop.`);

onShutdown(async () => {
  await app.close();
  await stopWorker(worker, workerRun);
  await temporal.stop();
});
