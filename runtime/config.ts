/**
 * Configuration from the environment, with the defaults of the embedded deployment.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root, from this module's location (`runtime/..`). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Config {
  dataDir: string;
  bundlesDir: string;
  namespace: string;
  host: string;
  port: number;
  /**
   * `YJS_API_KEYS_FILE`: API keys in this key file instead of the database. Unset (the default): the
   * keys are in the database.
   */
  apiKeysFile?: string;
  /** Where the key file was before the database (`<data>/api-keys.json`): what `yijianshi db import` reads. */
  legacyApiKeysFile: string;
  devTokensFile: string;
  /** `DATABASE_URL`: a PostgreSQL server. Unset: the embedded PGlite in {@link Config.pgliteDir}. */
  databaseUrl?: string;
  /** The embedded PGlite's data folder: `<data>/pglite`. */
  pgliteDir: string;
  /** Bound on each API request's Temporal calls (`YJS_TEMPORAL_TIMEOUT_MS`): past it, a 503. Unset: the API's default, 5 s. */
  temporalTimeoutMs?: number;
  /** Browser origins allowed cross-origin (`YJS_CORS_ORIGINS`, comma-separated); none by default. */
  corsOrigins: string[];
  /** The API log's level (`YJS_LOG_LEVEL`): `info` logs every request, `warn` only 5xx. */
  logLevel: string;
  /** Public `POST /seals/verify` calls per minute per address (`YJS_SEAL_VERIFY_RATE_PER_MINUTE`). Unset: the API's default, 600. */
  sealVerifyRatePerMinute?: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = env.YJS_DATA_DIR ?? join(PROJECT_ROOT, '.data');
  return {
    dataDir,
    bundlesDir: env.YJS_BUNDLES_DIR ?? join(PROJECT_ROOT, 'definitions', 'bundles'),
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 3000),
    apiKeysFile: nonEmpty(env.YJS_API_KEYS_FILE),
    legacyApiKeysFile: join(dataDir, 'api-keys.json'),
    devTokensFile: join(dataDir, 'dev-tokens.json'),
    databaseUrl: nonEmpty(env.DATABASE_URL),
    pgliteDir: join(dataDir, 'pglite'),
    temporalTimeoutMs: milliseconds(env.YJS_TEMPORAL_TIMEOUT_MS, 'YJS_TEMPORAL_TIMEOUT_MS'),
    corsOrigins: parseCorsOrigins(env.YJS_CORS_ORIGINS),
    logLevel: env.YJS_LOG_LEVEL ?? 'info',
    sealVerifyRatePerMinute: perMinute(env.YJS_SEAL_VERIFY_RATE_PER_MINUTE, 'YJS_SEAL_VERIFY_RATE_PER_MINUTE'),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function milliseconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1000 || ms > 60_000) throw new Error(`${name} must be whole milliseconds from 1000 to 60000, not ${JSON.stringify(value)}`);
  return ms;
}

function perMinute(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of requests per minute, at least 1, not ${JSON.stringify(value)}`);
  return n;
}

/** `YJS_CORS_ORIGINS`: a comma-separated list of bare origins; anything else stops the start. */
export function parseCorsOrigins(value: string | undefined): string[] {
  const origins = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (const origin of origins) {
    if (!URL.canParse(origin) || !/^https?:$/.test(new URL(origin).protocol) || new URL(origin).origin !== origin) {
      throw new Error(`YJS_CORS_ORIGINS: ${JSON.stringify(origin)} is not an origin like https://desk.example.gov.cn`);
    }
  }
  return origins;
}
