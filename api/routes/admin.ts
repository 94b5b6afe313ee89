/**
 * API keys, for admins: mint a key for a role or a department (the plain key is shown once, in the
 * 201), list the keys without their digests, delete one. A department that a newly published bundle
 * names can act as soon as an admin mints its key here (or an operator with `yijianshi keys create`).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES, requireRole, type ApiKeyLookup, type ApiKeyRecord, type Role } from '../auth';
import { HttpProblem, ProblemSchema } from '../problems';

/** A key to mint: without an `id`, one is chosen from the role and department (`officer-water-affairs`). */
export interface NewApiKey {
  id?: string;
  roles: Role[];
  department?: string;
}

/** Where API keys live (digests only); the authenticator looks keys up in it on every request. */
export interface ApiKeyStore extends ApiKeyLookup {
  list(): ApiKeyRecord[];
  /** @throws InvalidApiKeyError when the key is not valid or its id is taken */
  create(key: NewApiKey): Promise<{ record: ApiKeyRecord; token: string }>;
  /** Whether there was such a key. */
  delete(id: string): Promise<boolean>;
}

/** A key that cannot be minted: invalid, or its id is taken. */
export class InvalidApiKeyError extends Error {}

export const KEY_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Roles that act for a department, and so need one. */
const DEPARTMENT_ROLES: readonly Role[] = ['department', 'window'];

/** Why the key cannot be minted, or undefined when it can. Ids and departments are lower-case identifiers. */
export function apiKeyProblem(key: NewApiKey): string | undefined {
  if (key.roles.length === 0) return 'a key needs at least one role';
  const unknown = key.roles.filter((role) => !ROLES.includes(role));
  if (unknown.length > 0) return `unknown role ${unknown.join(', ')} (roles: ${ROLES.join(', ')})`;
  if (key.id !== undefined && !KEY_ID.test(key.id)) return `the id "${key.id}" is not a lower-case identifier (a-z, 0-9, -)`;
  const needsDepartment = key.roles.some((role) => DEPARTMENT_ROLES.includes(role));
  if (needsDepartment && key.department === undefined) return `the roles ${DEPARTMENT_ROLES.join(' and ')} act for a department: name it`;
  if (!needsDepartment && key.department !== undefined) return `only the roles ${DEPARTMENT_ROLES.join(' and ')} act for a department`;
  if (key.department !== undefined && !KEY_ID.test(key.department)) return `the department "${key.department}" is not a lower-case identifier`;
  return undefined;
}

/** The id a key gets when none is given: the names `npm start` uses for its development keys, made unique. */
export function defaultKeyId(key: NewApiKey, taken: (id: string) => boolean): string {
  const base = key.roles.includes('department')
    ? `officer-${key.department}`
    : key.roles.includes('window')
      ? `window-${key.department}`
      : key.roles.join('-');
  if (!taken(base)) return base;
  let n = 2;
  while (taken(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

const KeyView = z
  .object({ id: z.string(), roles: z.array(z.enum(ROLES)), department: z.string().optional() })
  .meta({ id: 'ApiKey', description: 'An API key as stored: its principal. The key itself is never stored, only its SHA-256.' });
const MintedKey = KeyView.extend({
  key: z.string().meta({ description: 'The plain API key, shown this once: send it as "Authorization: Bearer <key>".' }),
}).meta({ id: 'MintedApiKey' });
const NewKeyBody = z
  .object({
    id: z.string().regex(KEY_ID).optional().meta({ description: 'Defaults to officer-<department>, window-<department> or the role, made unique.' }),
    roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
    department: z.string().regex(KEY_ID).optional().meta({ description: 'Required for the department and window roles, refused for others.' }),
  })
  .meta({ id: 'NewApiKey' });
const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema };

const view = ({ id, roles, department }: ApiKeyRecord) => ({ id, roles, ...(department !== undefined ? { department } : {}) });

export const adminRoutes: FastifyPluginAsyncZod<{ store: ApiKeyStore }> = async (app, { store }) => {
  app.post(
    '/admin/api-keys',
    {
      schema: {
        tags: ['admin'],
        operationId: 'createApiKey',
        summary: 'Mint an API key for a role or a department; the plain key is in this answer only',
        body: NewKeyBody,
        response: { 201: MintedKey, 422: ProblemSchema, ...problems },
      },
    },
    async (request, reply) => {
      requireRole(request, 'admin');
      const problem = apiKeyProblem(request.body);
      if (problem) throw new HttpProblem('invalid-request', problem);
      try {
        const { record, token } = await store.create(request.body);
        return reply
          .status(201)
          .header('location', `/admin/api-keys/${record.id}`)
          .header('cache-control', 'no-store')
          .send({ ...view(record), key: token });
      } catch (error) {
        if (error instanceof InvalidApiKeyError) throw new HttpProblem('invalid-request', error.message);
        throw error;
      }
    },
  );

  app.get(
    '/admin/api-keys',
    {
      schema: {
        tags: ['admin'],
        operationId: 'listApiKeys',
        summary: 'Every API key: its id, roles and department (never the key or its digest)',
        response: { 200: z.array(KeyView), ...problems },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      return store.list().map(view);
    },
  );

  app.delete(
    '/admin/api-keys/:id',
    {
      schema: {
        tags: ['admin'],
        operationId: 'deleteApiKey',
        summary: 'Delete an API key: it stops working at once',
        params: z.object({ id: z.string().regex(KEY_ID) }),
        response: { 204: z.null().meta({ description: 'Deleted.' }), 404: ProblemSchema, ...problems },
      },
    },
    async (request, reply) => {
      requireRole(request, 'admin');
      if (!(await store.delete(request.params.id))) throw new HttpProblem('not-found', `No API key "${request.params.id}".`);
      return reply.status(204).send(null);
    },
  );
};
