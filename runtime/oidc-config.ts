/**
 * Sign-in configuration from the environment. By default `npm start` runs the embedded OIDC provider
 * (`runtime/oidc-provider.ts`) and the API accepts its access tokens; with `YJS_OIDC_ISSUER` the API
 * accepts an outside issuer's (Keycloak, a province's platform) and no provider is started.
 */
import { join } from 'node:path';
import { DEFAULT_PEOPLE_FILE } from '../adapters/people';
import { DEFAULT_CLAIM_NAMES, DEFAULT_CLOCK_SKEW_SECONDS, type ClaimNames } from '../api/oidc';

export interface OidcConfig {
  /** `YJS_OIDC` = `0`, `false` or `off`: no sign-in, API keys only. */
  enabled: boolean;
  /** `YJS_OIDC_ISSUER`: an outside issuer. Unset: the embedded provider's. */
  issuer?: string;
  /** `YJS_OIDC_AUDIENCE`: the audience access tokens must be for (default `urn:yijianshi:api`). */
  audience: string;
  /** `YJS_OIDC_JWKS_URI`: the issuer's key set, where discovery should not be asked. */
  jwksUri?: string;
  /** `YJS_OIDC_CLOCK_SKEW_SECONDS` (default 60). */
  clockSkewSeconds: number;
  /** `YJS_OIDC_ALGORITHMS`, comma-separated (default: the API's list). */
  algorithms?: string[];
  /** `YJS_OIDC_CLAIMS`: `part=claim` pairs, comma-separated (e.g. `roles=realm_access.roles`). */
  claims: Partial<ClaimNames>;
  /** The embedded provider (when {@link OidcConfig.issuer} is unset). */
  embedded: {
    host: string;
    /** `YJS_OIDC_PORT` (default 3001). */
    port: number;
    /** `YJS_OIDC_EMBEDDED_ISSUER`: its public URL, if not `http://<host>:<port>` (behind a proxy). */
    issuer?: string;
    /** `YJS_OIDC_PEOPLE_FILE` (default the sample, `adapters/data/people.json`). */
    peopleFile: string;
    /** Its signing and cookie keys, made at the first start: `<data>/oidc/keys.json` (mode 0600). */
    keysFile: string;
    /** `YJS_OIDC_CLIENT_ID`: the web screens' public client (default `yijianshi-web`). */
    clientId: string;
    /** `YJS_OIDC_REDIRECT_URIS`, comma-separated: where the web screens receive the code. */
    redirectUris: string[];
  };
}

export const DEFAULT_AUDIENCE = 'urn:yijianshi:api';
export const DEFAULT_REDIRECT_URIS = ['http://127.0.0.1:5173/auth/callback', 'http://localhost:5173/auth/callback'];

/**
 * The web screens' callbacks when `YJS_OIDC_REDIRECT_URIS` is unset: on the API's own origin (it serves
 * the screens, `api/web.ts`) at `PORT`, by 127.0.0.1 and by localhost, and on Vite's dev server (:5173).
 */
export function defaultRedirectUris(apiPort: string | undefined): string[] {
  const port = Number(apiPort ?? 3000) || 3000;
  return [`http://127.0.0.1:${port}/auth/callback`, `http://localhost:${port}/auth/callback`, ...DEFAULT_REDIRECT_URIS];
}

export function loadOidcConfig(env: NodeJS.ProcessEnv, dataDir: string, host: string): OidcConfig {
  const issuer = nonEmpty(env.YJS_OIDC_ISSUER);
  const embeddedIssuer = nonEmpty(env.YJS_OIDC_EMBEDDED_ISSUER);
  for (const [name, url] of [['YJS_OIDC_ISSUER', issuer], ['YJS_OIDC_EMBEDDED_ISSUER', embeddedIssuer], ['YJS_OIDC_JWKS_URI', nonEmpty(env.YJS_OIDC_JWKS_URI)]] as const) {
    if (url !== undefined && !/^https?:\/\/[^\s]+$/.test(url)) throw new Error(`${name} must be an http(s) URL, not ${JSON.stringify(url)}`);
  }
  return {
    enabled: !['0', 'false', 'off'].includes((env.YJS_OIDC ?? '').trim().toLowerCase()),
    issuer,
    audience: nonEmpty(env.YJS_OIDC_AUDIENCE) ?? DEFAULT_AUDIENCE,
    jwksUri: nonEmpty(env.YJS_OIDC_JWKS_URI),
    clockSkewSeconds: seconds(env.YJS_OIDC_CLOCK_SKEW_SECONDS),
    algorithms: list(env.YJS_OIDC_ALGORITHMS),
    claims: parseClaimNames(env.YJS_OIDC_CLAIMS),
    embedded: {
      host,
      port: port(env.YJS_OIDC_PORT),
      issuer: embeddedIssuer,
      peopleFile: nonEmpty(env.YJS_OIDC_PEOPLE_FILE) ?? DEFAULT_PEOPLE_FILE,
      keysFile: join(dataDir, 'oidc', 'keys.json'),
      clientId: nonEmpty(env.YJS_OIDC_CLIENT_ID) ?? 'yijianshi-web',
      redirectUris: list(env.YJS_OIDC_REDIRECT_URIS) ?? defaultRedirectUris(env.PORT),
    },
  };
}

/** `roles=realm_access.roles,department=dept` → `{ roles: 'realm_access.roles', department: 'dept' }`. */
export function parseClaimNames(value: string | undefined): Partial<ClaimNames> {
  const names: Partial<ClaimNames> = {};
  for (const pair of list(value) ?? []) {
    const [part, claim] = pair.split('=').map((s) => s.trim());
    if (!part || !claim || !Object.hasOwn(DEFAULT_CLAIM_NAMES, part)) {
      throw new Error(`YJS_OIDC_CLAIMS: ${JSON.stringify(pair)} is not <part>=<claim> with a part of ${Object.keys(DEFAULT_CLAIM_NAMES).join(', ')}`);
    }
    names[part as keyof ClaimNames] = claim;
  }
  return names;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function list(value: string | undefined): string[] | undefined {
  const items = (value ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return items.length > 0 ? items : undefined;
}

function seconds(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_CLOCK_SKEW_SECONDS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 600) throw new Error(`YJS_OIDC_CLOCK_SKEW_SECONDS must be whole seconds from 0 to 600, not ${JSON.stringify(value)}`);
  return n;
}

function port(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 3001;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`YJS_OIDC_PORT must be a port number, not ${JSON.stringify(value)}`);
  return n;
}
