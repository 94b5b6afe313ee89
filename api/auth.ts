/**
 * Authentication and department-scoped authorization.
 *
 * Callers present `Authorization: Bearer <token>`: an API key (integrators) or an OpenID Connect access
 * token (people, `api/oidc.ts`). Keys are stored only as SHA-256 digests (in the database, or a key
 * file: see `adapters/api-keys.ts`), each mapped to a principal with roles and, for department
 * officers, their department; a verified access token maps to a principal the same way, with the
 * person's name, department role and, for applicants, their subject besides.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sha256Hex, type ApiKeyLookup, type ApiKeyRecord, type Role } from '../adapters/api-keys';
import { HttpProblem } from './problems';

/** What a department officer does in an item's steps: 承办人 handler, 审核人 reviewer, 负责人 head. */
export const DEPARTMENT_ROLES = ['handler', 'reviewer', 'head'] as const;
export type DepartmentRole = (typeof DEPARTMENT_ROLES)[number];

export interface Principal {
  id: string;
  roles: Role[];
  /** The department a window or department officer acts for. */
  department?: string;
  /** The person's name, as the identity provider knows it. */
  name?: string;
  /** A person signed in (an OIDC access token), not a system with an API key. */
  person?: boolean;
  /** A department officer's role in an item's steps. */
  departmentRole?: DepartmentRole;
  /** An applicant's subject: the ID number of a person, the unified social credit code of a company. */
  subjectId?: string;
}

/**
 * Turns a bearer token into its principal, or undefined when the token is not valid. Asynchronous, so
 * that a token can be verified against what an issuer publishes (its key set) as well as looked up.
 */
export interface Authenticator {
  authenticate(token: string): Promise<Principal | undefined>;
}

export class ApiKeyAuthenticator implements Authenticator {
  private readonly keys: ApiKeyLookup;

  /** A fixed list of records, or a key store (see `adapters/api-keys.ts`) asked on every call. */
  constructor(records: ApiKeyRecord[] | ApiKeyLookup) {
    if (Array.isArray(records)) {
      const byDigest = new Map(records.map((r) => [r.tokenSha256, r]));
      this.keys = { lookup: async (digest) => byDigest.get(digest) };
    } else this.keys = records;
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    const digest = sha256Hex(token);
    const record = await this.keys.lookup(digest);
    // Compare digests in constant time as well, so a lookup hit reveals nothing about near misses.
    if (!record || !timingSafeEqual(Buffer.from(record.tokenSha256, 'hex'), Buffer.from(digest, 'hex'))) return undefined;
    const { tokenSha256: _ignored, ...principal } = record;
    return principal;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request, when it carried a valid token (set for every request by `identification`). */
    principal?: Principal;
  }
}

/**
 * Whether a bearer token has the shape of a JWT (three base64url parts, the last empty for `alg: none`):
 * those are access tokens, anything else an API key (`yjs_…` has no dots).
 */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/** The token of `Authorization: Bearer <token>`, if the header has that form. */
function bearerToken(request: FastifyRequest): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

/** Why a request's token could not be checked (the authenticator failed), kept for `authentication`. */
const failures = new WeakMap<FastifyRequest, unknown>();

/**
 * Identifies the caller of every request, once, at the root: `request.principal` is the principal of
 * a valid token, else undefined. It refuses nothing: public routes answer anyone, and the rate limit
 * counts callers without a principal by address. An authenticator that fails (its issuer unreachable)
 * leaves no principal; `authentication` then answers with that failure rather than a 401.
 */
export const identification = fp<{ authenticator: Authenticator }>(
  async (app: FastifyInstance, { authenticator }) => {
    app.decorateRequest('principal', undefined);
    app.addHook('onRequest', async (request) => {
      const token = bearerToken(request);
      if (!token) return;
      try {
        request.principal = await authenticator.authenticate(token);
      } catch (error) {
        failures.set(request, error);
      }
    });
  },
  { name: 'identification', fastify: '5.x' },
);

/** Refuses (401) every request of the scope it is registered in that `identification` found no principal for. */
export const authentication = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', async (request) => {
      if (request.principal) return;
      if (failures.has(request)) throw failures.get(request);
      const token = bearerToken(request);
      if (!token) throw new HttpProblem('unauthenticated', 'Send "Authorization: Bearer <api key>".');
      if (looksLikeJwt(token)) throw new HttpProblem('unauthenticated', 'The access token is not valid (signature, issuer, audience or expiry).');
      throw new HttpProblem('unauthenticated', 'The API key is not valid.');
    });
  },
  { name: 'authentication', fastify: '5.x', dependencies: ['identification'] },
);

/** The authenticated principal; throws if a route forgot to sit behind `authentication`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new HttpProblem('unauthenticated');
  return request.principal;
}

export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return principal.roles.includes('admin') || roles.some((r) => principal.roles.includes(r));
}

/** Refuses with 403 unless the principal has one of the roles. */
export function requireRole(request: FastifyRequest, ...roles: Role[]): Principal {
  const principal = principalOf(request);
  if (!hasRole(principal, ...roles)) {
    throw new HttpProblem('forbidden', `This needs one of the roles: ${roles.join(', ')}.`);
  }
  return principal;
}

/**
 * The applicant a principal is, acting for themselves: a signed-in person whose token names an
 * applicant subject (ID number or credit code). API keys never are.
 */
export function applicantSubjectOf(principal: Principal): string | undefined {
  return principal.person && principal.subjectId ? principal.subjectId : undefined;
}

/**
 * Refuses with 403 unless the principal has one of the roles, or is the applicant `subjectId` (a
 * person acting for themselves, e.g. starting their own case or uploading for it).
 */
export function requireRoleOrApplicant(request: FastifyRequest, subjectId: string | undefined, ...roles: Role[]): Principal {
  const principal = principalOf(request);
  if (hasRole(principal, ...roles)) return principal;
  const own = applicantSubjectOf(principal);
  if (own && (subjectId === undefined || subjectId === own)) return principal;
  throw new HttpProblem('forbidden', own ? 'An applicant acts only for their own subject.' : `This needs one of the roles: ${roles.join(', ')}, or the applicant themself.`);
}

/** The department a principal acts for; officers without one cannot act. */
export function actingDepartment(principal: Principal): string {
  if (!principal.department) throw new HttpProblem('forbidden', `Principal "${principal.id}" acts for no department.`);
  return principal.department;
}

/**
 * Whether the principal may see the work of `department`: supervisors (and admins) any, a department
 * officer its own. A window key names a department too, but it reads no department's work.
 */
export function maySeeDepartment(principal: Principal, department: string): boolean {
  return hasRole(principal, 'supervisor') || (principal.roles.includes('department') && principal.department === department);
}
