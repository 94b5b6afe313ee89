/**
 * Configuration from the environment, with the defaults of the embedded deployment.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadOidcConfig, type OidcConfig } from './oidc-config';
import type { S3BlobBytesOptions } from '../adapters/s3-blobs';
import { DEFAULT_TEMPORAL_TIMEOUT_MS } from '../api/temporal-deadline';

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
  /**
   * How long `GET /cases/:id` waits for the worker before answering from the read model
   * (`YJS_PROGRESS_FALLBACK_MS`). Unset: the API's default, 2 s.
   */
  progressFallbackMs?: number;
  /** Browser origins allowed cross-origin (`YJS_CORS_ORIGINS`, comma-separated); none by default. */
  corsOrigins: string[];
  /** The API log's level (`YJS_LOG_LEVEL`): `info` logs every request, `warn` only 5xx. */
  logLevel: string;
  /** Public `POST /seals/verify` calls per minute per address (`YJS_SEAL_VERIFY_RATE_PER_MINUTE`). Unset: the API's default, 600. */
  sealVerifyRatePerMinute?: number;
  /** Uploads' bytes in an S3-compatible bucket (`YJS_S3_BUCKET` and the other `YJS_S3_*`). Unset: files in `<data>/blobs`. */
  s3Blobs?: S3BlobBytesOptions;
  /** Sign-in: the embedded OIDC provider, an outside issuer (`YJS_OIDC_ISSUER`), or off (`runtime/oidc-config.ts`). */
  oidc: OidcConfig;
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
    progressFallbackMs: progressFallback(env),
    corsOrigins: parseCorsOrigins(env.YJS_CORS_ORIGINS),
    logLevel: env.YJS_LOG_LEVEL ?? 'info',
    sealVerifyRatePerMinute: perMinute(env.YJS_SEAL_VERIFY_RATE_PER_MINUTE, 'YJS_SEAL_VERIFY_RATE_PER_MINUTE'),
    s3Blobs: s3BlobsConfig(env),
    oidc: loadOidcConfig(env, dataDir, env.HOST ?? '127.0.0.1'),
  };
}

/** `YJS_S3_*`: the bucket turns the S3 store on; the others without it are a mistake that stops the start. */
export function s3BlobsConfig(env: NodeJS.ProcessEnv): S3BlobBytesOptions | undefined {
  const bucket = nonEmpty(env.YJS_S3_BUCKET);
  const others = ['YJS_S3_ENDPOINT', 'YJS_S3_REGION', 'YJS_S3_PREFIX', 'YJS_S3_FORCE_PATH_STYLE'].filter((name) => nonEmpty(env[name]));
  if (!bucket) {
    if (others.length > 0) throw new Error(`${others.join(', ')} set without YJS_S3_BUCKET: set the bucket to keep uploads in S3, or unset them`);
    return undefined;
  }
  const endpoint = nonEmpty(env.YJS_S3_ENDPOINT);
  if (endpoint !== undefined && !(URL.canParse(endpoint) && /^https?:$/.test(new URL(endpoint).protocol))) {
    throw new Error(`YJS_S3_ENDPOINT must be an http(s) URL like http://127.0.0.1:9000, not ${JSON.stringify(endpoint)}`);
  }
  const pathStyle = nonEmpty(env.YJS_S3_FORCE_PATH_STYLE)?.toLowerCase();
  if (pathStyle !== undefined && !['true', 'false', '1', '0'].includes(pathStyle)) {
    throw new Error(`YJS_S3_FORCE_PATH_STYLE must be true or false, not ${JSON.stringify(env.YJS_S3_FORCE_PATH_STYLE)}`);
  }
  return {
    bucket,
    endpoint,
    region: nonEmpty(env.YJS_S3_REGION),
    prefix: nonEmpty(env.YJS_S3_PREFIX),
    // Servers other than AWS (the ones with an endpoint) mostly want the bucket in the path.
    forcePathStyle: pathStyle === undefined ? endpoint !== undefined : pathStyle === 'true' || pathStyle === '1',
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

/**
 * `YJS_PROGRESS_FALLBACK_MS`: the read model must answer inside the request's Temporal bound, whose
 * last 0.5 s is kept to probe Temporal, so the wait is at least 1 s shorter than that bound.
 */
function progressFallback(env: NodeJS.ProcessEnv): number | undefined {
  const ms = milliseconds(env.YJS_PROGRESS_FALLBACK_MS, 'YJS_PROGRESS_FALLBACK_MS');
  if (ms === undefined) return undefined;
  const bound = milliseconds(env.YJS_TEMPORAL_TIMEOUT_MS, 'YJS_TEMPORAL_TIMEOUT_MS') ?? DEFAULT_TEMPORAL_TIMEOUT_MS;
  if (ms > bound - 1000) {
    throw new Error(`YJS_PROGRESS_FALLBACK_MS (${ms}) must be at least 1000 less than YJS_TEMPORAL_TIMEOUT_MS (${bound}), or the request times out before the read model answers`);
  }
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
