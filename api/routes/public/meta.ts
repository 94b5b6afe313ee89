/**
 * Public, unauthenticated routes: health, the definition JSON Schema, problem type docs, the lifecycle.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { caseMachine, itemMachine } from '../../../workflows/contract';
import { ProblemTypes, problem, sendProblem, type ProblemSlug } from '../../problems';

const SCHEMA_PATH = new URL('../../../definitions/bundle.schema.json', import.meta.url);

export const metaRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    { schema: { tags: ['meta'], operationId: 'health', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get('/definitions/schema', { schema: { tags: ['meta'], operationId: 'getDefinitionSchema', summary: 'JSON Schema of bundle definitions' } }, async (_request, reply) =>
    reply.type('application/schema+json').send(await readFile(SCHEMA_PATH, 'utf8')),
  );

  app.get(
    '/lifecycle',
    { schema: { tags: ['meta'], operationId: 'getLifecycle', summary: 'The case and item state machines (xstate definitions)' } },
    async () => ({ case: caseMachine.config, item: itemMachine.config }),
  );

  app.get(
    '/problems/:slug',
    { schema: { tags: ['meta'], operationId: 'getProblemType', summary: 'What a problem type means', params: z.object({ slug: z.string().max(64) }) } },
    async (request, reply) => {
      const slug = request.params.slug;
      // Own keys only: "constructor" or "__proto__" are names on every object, not problem types.
      if (!Object.hasOwn(ProblemTypes, slug)) return sendProblem(reply, problem('not-found', `No problem type "${slug}".`));
      return { type: `/problems/${slug}`, ...ProblemTypes[slug as ProblemSlug] };
    },
  );
};
