/**
 * API keys, for admins: mint a key for a role or a department (the plain key is shown once, in the
 * 201), list the keys without their digests, delete one. A department that a newly published bundle
 * names can act as soon as an admin mints its key here (or an operator with `yijianshi keys create`).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiKeyProblem, InvalidApiKeyError, KEY_ID, ROLES, type ApiKeyRecord, type ApiKeyStore } from '../../../adapters/api-keys';
import { requireRole } from '../../auth';
import { HttpProblem, ProblemSchema } from '../../problems';

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

export const apiKeyRoutes: FastifyPluginAsyncZod<{ store: ApiKeyStore }> = async (app, { store }) => {
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
      return (await store.list()).map(view);
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
