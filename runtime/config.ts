/**
 * Configuration from the environment, with the defaults of the embedded deployment.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Config {
  dataDir: string;
  bundlesDir: string;
  namespace: string;
  host: string;
  port: number;
  apiKeysFile: string;
  devTokensFile: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = env.YJS_DATA_DIR ?? join(PROJECT_ROOT, '.data');
  return {
    dataDir,
    bundlesDir: env.YJS_BUNDLES_DIR ?? join(PROJECT_ROOT, 'definitions', 'bundles'),
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 3000),
    apiKeysFile: env.YJS_API_KEYS_FILE ?? join(dataDir, 'api-keys.json'),
    devTokensFile: join(dataDir, 'dev-tokens.json'),
  };
}
