/**
 * An API process for a cluster deployment (`temporal-docker.yml`): needs TEMPORAL_ADDRESS and a key
 * file (YJS_API_KEYS_FILE) provisioned by the operator.
 */
import { ApiKeyAuthenticator } from '../api/auth';
import { buildApp } from '../api/app';
import { FileApiKeyStore, loadApiKeys } from './api-keys';
import { onShutdown, openBlobs, openCertificates, openClient, openDocuments, openKeys, openRegistry } from './components';
import { loadConfig } from './config';

const config = loadConfig();
const address = process.env.TEMPORAL_ADDRESS;
if (!address) throw new Error('api-main needs TEMPORAL_ADDRESS (e.g. temporal:7233)');
if (!(await loadApiKeys(config.apiKeysFile))) throw new Error(`api-main needs an API key file at ${config.apiKeysFile} (YJS_API_KEYS_FILE)`);
const apiKeys = new FileApiKeyStore(config.apiKeysFile);
const registry = await openRegistry(config);
const app = await buildApp({
  client: await openClient(address, config.namespace),
  namespace: config.namespace,
  registry,
  // Read on every request: keys minted with `yijianshi keys create` or the admin API work at once.
  authenticator: new ApiKeyAuthenticator(apiKeys),
  apiKeys,
  keys: openKeys(config),
  documents: openDocuments(config),
  blobs: openBlobs(config),
  certificates: openCertificates(),
  logger: { level: config.logLevel },
  corsOrigins: config.corsOrigins,
  temporalTimeoutMs: config.temporalTimeoutMs,
  sealVerifyRatePerMinute: config.sealVerifyRatePerMinute,
});
await app.listen({ host: config.host, port: config.port });
onShutdown(() => app.close());
