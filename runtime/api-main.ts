/**
 * An API process for a cluster deployment (`temporal-docker.yml`): needs TEMPORAL_ADDRESS and
 * DATABASE_URL (a PostgreSQL server: the embedded PGlite serves one process), and at least one API key
 * in the database (`npx yijianshi keys create --role admin`), or a key file with YJS_API_KEYS_FILE.
 */
import { ApiKeyAuthenticator } from '../api/auth';
import { buildApp } from '../api/app';
import { apiKeysLocation, onShutdown, openAppDatabase, openCertificates, openClient, openKeys, openRegistry, openStores, openWebScreens } from './components';
import { loadConfig } from './config';
import { openIdentity } from './identity';
import { serverDatabaseUrl } from './database';
import { openDelivery } from './delivery';

const pick = ({ webhooks, notices }: ReturnType<typeof openDelivery>) => ({ webhooks, notices });

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const config = loadConfig();
// Every missing setting at once, before anything starts.
const problems: string[] = [];
const address = process.env.TEMPORAL_ADDRESS;
if (!address) problems.push('api-main needs TEMPORAL_ADDRESS (e.g. temporal:7233)');
let url = '';
try {
  url = serverDatabaseUrl('api-main');
} catch (err) {
  problems.push((err as Error).message);
}
if (!address || problems.length > 0) fail(problems.join('\n'));
const database = await openAppDatabase(config, url).catch((err: Error) => fail(`api-main: ${err.message}`));
const stores = openStores(config, database.db);
if ((await stores.apiKeys.list()).length === 0) {
  await database.close();
  fail(`api-main: no API key in ${apiKeysLocation(config, database)}: mint one first, e.g. \`npx yijianshi keys create --role admin\` with the same DATABASE_URL`);
}
const registry = await openRegistry(config, stores.registry);
// People's access tokens of YJS_OIDC_ISSUER besides API keys; an API process of a cluster runs no provider of its own.
const identity = await openIdentity(config.oidc, new ApiKeyAuthenticator(stores.apiKeys), { embedded: false });
const app = await buildApp({
  client: await openClient(address, config.namespace),
  namespace: config.namespace,
  registry,
  // Asked on every request: keys minted with `yijianshi keys create` or the admin API work at once.
  authenticator: identity.authenticator,
  apiKeys: stores.apiKeys,
  readModel: stores.readModel,
  caseNumbers: stores.caseNumbers,
  reviews: stores.reviews,
  keys: openKeys(config),
  documents: stores.documents,
  blobs: stores.blobs,
  certificates: openCertificates(),
  logger: { level: config.logLevel },
  corsOrigins: config.corsOrigins,
  temporalTimeoutMs: config.temporalTimeoutMs,
  progressFallbackMs: config.progressFallbackMs,
  sealVerifyRatePerMinute: config.sealVerifyRatePerMinute,
  // The screens, when built (the image builds them), signing people in at the cluster's issuer.
  web: openWebScreens(config, identity.issuer),
  // Subscriptions, dead-letter replays, in-app notices and failed deliveries; the worker delivers.
  ...pick(openDelivery(database.db)),
});
await app.listen({ host: config.host, port: config.port });
onShutdown(async () => {
  await app.close();
  await database.close();
});
