/**
 * One form (一表申请) and the four reductions (四减) of a bundle, as its definition yields them: the
 * merged form as JSON Schema and as TypeScript, and the reductions before and after.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseAndCompile } from '../../../definitions/compile';
import type { DefinitionRegistry } from '../../../definitions/registry';
import { reductions } from '../../../domain/reductions';
import { mergeForm } from '../../../forms/merge';
import { formTypes } from '../../../forms/typegen';
import { requireRole } from '../../auth';
import { ProblemSchema } from '../../problems';
import { BundleIdParams } from '../../schemas';
import { DEFINITION_BODY_LIMIT } from './definitions';

export const VersionQuery = z.object({ version: z.coerce.number().int().min(1).optional() });
const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };

export const formRoutes: FastifyPluginAsyncZod<{ registry: DefinitionRegistry }> = async (app, { registry }) => {
  app.get(
    '/definitions/:id/form',
    {
      schema: {
        tags: ['forms'],
        operationId: 'getForm',
        summary: 'The one form (一表申请): every field once, sections, conditional requirements, which items need each field',
        params: BundleIdParams,
        querystring: VersionQuery,
        response: { 200: z.record(z.string(), z.unknown()), ...problems },
      },
    },
    async (request, reply) => {
      await registry.refresh(request.params.id, request.query.version);
      const { plan } = registry.get(request.params.id, request.query.version);
      return reply.type('application/schema+json').send(mergeForm(plan));
    },
  );

  // The studio's live preview: the form of a draft nobody has published, merged as publishing would.
  app.post(
    '/definitions/form-preview',
    {
      bodyLimit: DEFINITION_BODY_LIMIT,
      schema: {
        tags: ['forms'],
        operationId: 'previewForm',
        summary: 'The one form a draft definition would produce (designers; nothing is published)',
        description: 'The draft is linted and compiled as publishing does; a draft with errors is a 422 listing every issue at its JSON path.',
        body: z.record(z.string(), z.unknown()).meta({ description: 'A draft bundle definition (see /definitions/schema).' }),
        response: { 200: z.record(z.string(), z.unknown()), ...problems, 413: ProblemSchema, 422: ProblemSchema },
      },
    },
    async (request, reply) => {
      requireRole(request, 'designer');
      return reply.type('application/schema+json').send(mergeForm(parseAndCompile(request.body)));
    },
  );

  app.get(
    '/definitions/:id/form.d.ts',
    {
      schema: {
        tags: ['forms'],
        operationId: 'getFormTypes',
        summary: 'TypeScript types of the form, for integrators',
        params: BundleIdParams,
        querystring: VersionQuery,
      },
    },
    async (request, reply) => {
      await registry.refresh(request.params.id, request.query.version);
      const { plan } = registry.get(request.params.id, request.query.version);
      return reply.type('application/typescript; charset=utf-8').send(await formTypes(plan));
    },
  );

  app.get(
    '/definitions/:id/reductions',
    {
      schema: {
        tags: ['forms'],
        operationId: 'getReductions',
        summary: 'The four reductions (四减) the bundle promises: time, materials, steps, trips, before and after',
        params: BundleIdParams,
        querystring: VersionQuery,
        response: { 200: z.record(z.string(), z.unknown()), ...problems },
      },
    },
    async (request) => {
      await registry.refresh(request.params.id, request.query.version);
      return reductions(registry.get(request.params.id, request.query.version).plan) as unknown as Record<string, unknown>;
    },
  );
};
