/**
 * Signing in with OpenID Connect: an access token (a JWT) is verified against the key set its issuer
 * publishes (with `jose`: signature, algorithm, issuer, audience, expiry with a clock skew), and its
 * claims become the principal. Any issuer works by configuration: the embedded provider of `npm start`
 * (`runtime/oidc-provider.ts`), Keycloak, a province's unified identity platform.
 *
 * A token that fails any check is no principal (401); an issuer that does not answer (discovery or its
 * key set unreachable) is an outage (503), not a refusal of the caller.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ROLES, type Role } from '../adapters/api-keys';
import { DEPARTMENT_ROLES, looksLikeJwt, type Authenticator, type DepartmentRole, type Principal } from './auth';
import { HttpProblem } from './problems';

/** Where each part of the principal is in the token: a claim name, or a dotted path (`realm_access.roles`). */
export interface ClaimNames {
  id: string;
  name: string;
  roles: string;
  department: string;
  departmentRole: string;
  subjectId: string;
}

export const DEFAULT_CLAIM_NAMES: ClaimNames = {
  id: 'sub',
  name: 'name',
  roles: 'roles',
  department: 'department',
  departmentRole: 'department_role',
  subjectId: 'subject_id',
};

/** Accepted signature algorithms unless configured: what Keycloak and most issuers sign with. `none` never is. */
export const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

/** A claim by its name, or else by a dotted path into nested objects (Keycloak's `realm_access.roles`). */
export function claimAt(payload: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let value: unknown = payload;
  for (const key of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** Roles from an array of strings, or a space- or comma-separated string; names that are not our roles are dropped. */
function rolesOf(value: unknown): Role[] {
  const names = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  return [...new Set(names.filter((name): name is Role => typeof name === 'string' && (ROLES as readonly string[]).includes(name)))];
}

/**
 * The principal a verified token's claims describe, or undefined without a subject. Only our own role
 * names count (a province's other roles are ignored, never widened into ours); a department role other
 * than handler, reviewer or head is left out.
 */
export function principalFromClaims(payload: JWTPayload, names: ClaimNames = DEFAULT_CLAIM_NAMES): Principal | undefined {
  const claims = payload as Record<string, unknown>;
  const id = text(claimAt(claims, names.id));
  if (!id) return undefined;
  const name = text(claimAt(claims, names.name));
  const department = text(claimAt(claims, names.department));
  const role = text(claimAt(claims, names.departmentRole));
  const departmentRole = (DEPARTMENT_ROLES as readonly string[]).includes(role ?? '') ? (role as DepartmentRole) : undefined;
  const subjectId = text(claimAt(claims, names.subjectId));
  return {
    id,
    roles: rolesOf(claimAt(claims, names.roles)),
    person: true,
    ...(name ? { name } : {}),
    ...(department ? { department } : {}),
    ...(departmentRole ? { departmentRole } : {}),
    ...(subjectId ? { subjectId } : {}),
  };
}

export interface JwtAuthenticatorOptions {
  /** The issuer (`iss`) tokens must name, exactly. */
  issuer: string;
  /** The audience (`aud`) tokens must be for: this API's resource indicator or client id. */
  audience: string;
  /** The issuer's key set; unset: the `jwks_uri` of its discovery document (`<issuer>/.well-known/openid-configuration`). */
  jwksUri?: string;
  /** Seconds of clock difference tolerated on `exp`, `nbf` and `iat` (default 60). */
  clockSkewSeconds?: number;
  /** Accepted `alg` values (default {@link DEFAULT_ALGORITHMS}). */
  algorithms?: string[];
  /** Claim names where they differ from {@link DEFAULT_CLAIM_NAMES}. */
  claims?: Partial<ClaimNames>;
  /** Bound on each request to the issuer (discovery, key set), in ms (default 5000). */
  timeoutMs?: number;
}

/** jose's errors that say the token is bad (a 401), as opposed to the issuer failing to answer. */
const TOKEN_ERRORS = [
  errors.JWTExpired,
  errors.JWTClaimValidationFailed,
  errors.JWTInvalid,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
];

/** Verifies access tokens of one issuer; the key set is fetched once, cached, and fetched again for an unknown `kid` (rotation). */
export class JwtAuthenticator implements Authenticator {
  private readonly names: ClaimNames;
  private keySet?: Promise<JWTVerifyGetKey>;

  constructor(private readonly options: JwtAuthenticatorOptions) {
    this.names = { ...DEFAULT_CLAIM_NAMES, ...options.claims };
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    const keys = await this.keys();
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS,
        algorithms: this.options.algorithms ?? DEFAULT_ALGORITHMS,
        requiredClaims: ['exp'], // a token that never expires is not accepted
      });
      return principalFromClaims(payload, this.names);
    } catch (error) {
      if (TOKEN_ERRORS.some((type) => error instanceof type)) return undefined;
      throw issuerUnavailable(error);
    }
  }

  /** The issuer's key set, found through discovery on first use; a failed discovery is tried again on the next request. */
  private keys(): Promise<JWTVerifyGetKey> {
    this.keySet ??= this.discoverJwksUri().then(
      (uri) => createRemoteJWKSet(new URL(uri), { timeoutDuration: this.options.timeoutMs ?? 5000 }),
      (error: unknown) => {
        this.keySet = undefined;
        throw issuerUnavailable(error);
      },
    );
    return this.keySet;
  }

  private async discoverJwksUri(): Promise<string> {
    if (this.options.jwksUri) return this.options.jwksUri;
    const url = `${this.options.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const metadata = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    // OIDC Discovery 4.3: the document must name the issuer it was fetched for.
    if (metadata.issuer !== this.options.issuer) throw new Error(`${url} names the issuer ${JSON.stringify(metadata.issuer)}, not ${this.options.issuer}`);
    if (typeof metadata.jwks_uri !== 'string') throw new Error(`${url} has no jwks_uri`);
    return metadata.jwks_uri;
  }
}

function issuerUnavailable(cause: unknown): HttpProblem {
  if (cause instanceof HttpProblem) return cause;
  return Object.assign(new HttpProblem('unavailable', 'The sign-in provider (OIDC issuer) did not answer; retry later.'), { cause });
}

/**
 * People's access tokens and integrators' API keys on one header: a token shaped like a JWT goes to
 * the JWT verifier, anything else to the API keys.
 */
export class BearerAuthenticator implements Authenticator {
  constructor(
    private readonly jwt: Authenticator,
    private readonly apiKeys: Authenticator,
  ) {}

  authenticate(token: string): Promise<Principal | undefined> {
    return looksLikeJwt(token) ? this.jwt.authenticate(token) : this.apiKeys.authenticate(token);
  }
}
