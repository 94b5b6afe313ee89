/**
 * `npm start`: the whole product on one machine. Opens the database (PGlite in `.data/pglite`, or the
 * server of `DATABASE_URL`) and migrates it, provisions Temporal (an existing cluster, or the embedded
 * dev server with its web UI), loads the bundles, runs the worker and the API, prints URLs.
 */
import { existsSync } from 'node:fs';
import { ApiKeyAuthenticator } from '../api/auth';
import { buildApp } from '../api/app';
import { fileLayoutOf } from '../adapters/db/import-files';
import { devKeysEnabled, ensureDevKeys, mintDevKeysOnPublish } from './api-keys';
import {
  apiKeysLocation,
  departmentsOf,
  onShutdown,
  openAppDatabase,
  openWebScreens,
  openCertificates,
  openClient,
  openCredit,
  openKeys,
  openRegistry,
  openStores,
  openWorkerConnection,
} from './components';
import { loadConfig } from './config';
import { openIdentity } from './identity';
import { provisionTemporal } from './temporal';
import { createWorker, stopWorker } from './worker';
import { openDelivery } from './delivery';

const config = loadConfig();
const openedAt = performance.now();
const database = await openAppDatabase(config).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
const databaseSeconds = ((performance.now() - openedAt) / 1000).toFixed(1);
const stores = openStores(config, database.db);
const temporal = await provisionTemporal({ dataDir: config.dataDir });
const registry = await openRegistry(config, stores.registry);
const keys = openKeys(config);
const delivery = openDelivery(database.db);
const worker = await createWorker({
  connection: await openWorkerConnection(temporal.address),
  namespace: temporal.namespace,
  deps: { documents: stores.documents, keys, credit: openCredit(stores.brokenCommitments), outbox: stores.outbox, readModel: stores.readModel, reviews: stores.reviews, webhooks: delivery.webhooks, notices: delivery.notices },
});
const client = await openClient(temporal.address, temporal.namespace);
const { departments, windows } = departmentsOf(registry);
// Every department's seal key pair exists from the first start (generated once, kept in the key store).
await Promise.all(departments.map((department) => keys.keyPairFor(department)));
// Development keys for what the key store lacks (each role, an admin, every department), and for the
// departments of bundles published later; with YJS_DEV_KEYS=0 keys come only from the key store.
const devKeys = devKeysEnabled();
const minted = devKeys ? (await ensureDevKeys(stores.apiKeys, config.devTokensFile, departments, windows)).minted : [];
if (devKeys) mintDevKeysOnPublish(registry, stores.apiKeys, config.devTokensFile);
// People sign in at the embedded OIDC provider (or YJS_OIDC_ISSUER's); integrators keep their API keys.
const identity = await openIdentity(config.oidc, new ApiKeyAuthenticator(stores.apiKeys));
// The web screens, built by `npm start`'s prestart step (scripts/build-web.ts), signing people in at the same issuer.
const web = openWebScreens(config, identity.issuer);
const app = await buildApp({
  client,
  namespace: temporal.namespace,
  registry,
  authenticator: identity.authenticator,
  ...(identity.people ? { people: identity.people } : {}),
  apiKeys: stores.apiKeys,
  readModel: stores.readModel,
  caseNumbers: stores.caseNumbers,
  reviews: stores.reviews,
  keys,
  documents: stores.documents,
  blobs: stores.blobs,
  certificates: openCertificates(),
  logger: { level: config.logLevel },
  corsOrigins: config.corsOrigins,
  temporalTimeoutMs: config.temporalTimeoutMs,
  progressFallbackMs: config.progressFallbackMs,
  sealVerifyRatePerMinute: config.sealVerifyRatePerMinute,
  web,
  webhooks: delivery.webhooks,
  notices: delivery.notices,
});
await app.listen({ host: config.host, port: config.port });
const workerRun = worker.run();

const api = `http://${config.host}:${config.port}`;
const databaseLine = database.kind === 'pglite' ? `PGlite ${database.location}` : `PostgreSQL ${database.location}`;
const migratedNote = database.migrated.length > 0 ? `; migrated: ${database.migrated.join(', ')}` : '';
console.log(`
yijianshi is running
  API          ${api}
  Screens      ${web ? `${api}/   (sign in as a sample person: README "Screens")` : 'not built (npx tsx scripts/build-web.ts)'}
  API docs     ${api}/docs   (OpenAPI: ${api}/openapi.json)
  Temporal UI  ${temporal.uiUrl ?? '(external cluster: see its own UI)'}
  Temporal     ${temporal.address} (${temporal.mode}), namespace ${temporal.namespace}
  Database     ${databaseLine} (${databaseSeconds} s${migratedNote})
  Bundles      ${registry.list().map((b) => `${b.id}@${b.latestVersion}`).join(', ')}
  Sign-in      ${identity.description}
  Notices      in-app${delivery.channels.map((c) => `, ${c}`).join('')} (README "Notifications")
  API keys     ${apiKeysLocation(config, database)}${minted.length > 0 ? `; ${minted.length} minted, plain keys in ${config.devTokensFile}` : ''}
Press Ctrl-C to stop.`);
// A database made on this start beside the files of the version before it: say how to bring them over.
const layout = fileLayoutOf(config.dataDir, config.legacyApiKeysFile);
if (database.migrated.includes('0001-stores') && Object.values(layout).some((path) => existsSync(path))) {
  console.log(`\nFiles of the stores before the database are in ${config.dataDir} (registry, documents, blobs, keys, credit records):\n  npm run db:import-files   copies them into the database (idempotent)`);
}

onShutdown(async () => {
  await app.close();
  await identity.close();
  await stopWorker(worker, workerRun);
  delivery.close();
  await temporal.stop();
  await database.close();
});
