/**
 * Bundle definitions: list and read published versions, validate a draft, publish a new version.
 * Reads refresh the registry first, so a version published through another API node is seen at once.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LIMITS } from '../../../definitions/limits';
import { lint } from '../../../definitions/lint';
import type { DefinitionRegistry, StoredDefinition } from '../../../definitions/registry';
import { requireRole } from '../../auth';
import { ProblemSchema } from '../../problems';
import { BundleIdParams, BundleVersionParams } from '../../schemas';

const Localized = z.object({ zh: z.string(), en: z.string() });
const Summary = z.object({ id: z.string(), title: Localized, latestVersion: z.number(), versions: z.array(z.number()) });
const Issue = z.object({ path: z.string(), code: z.string(), message: z.string(), hint: z.string().optional(), severity: z.enum(['error', 'warning']) });
const Published = z
  .object({
    bundleId: z.string(),
    version: z.number(),
    hash: z.string(),
    publishedAt: z.string(),
    source: z.enum(['api', 'file']),
    definition: z.record(z.string(), z.unknown()),
    plan: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'PublishedDefinition' });
const Definition = z.record(z.string(), z.unknown()).meta({ description: 'A bundle definition (see /definitions/schema).' });
/**
 * Bodies of definitions: twice the definition limit, room for any indentation. The definition itself
 * is measured by lint (compact JSON, `definition-too-large`); a body past this is a 413.
 */
export const DEFINITION_BODY_LIMIT = 2 * LIMITS.definitionBytes;

export const definitionRoutes: FastifyPluginAsyncZod<{ registry: DefinitionRegistry }> = async (app, { registry }) => {
  app.get(
    '/definitions',
    { schema: { tags: ['definitions'], operationId: 'listDefinitions', summary: 'Published bundles', response: { 200: z.array(Summary) } } },
    async () => {
      await registry.refresh();
      return registry.list();
    },
  );

  app.get(
    '/definitions/:id',
    {
      schema: {
        tags: ['definitions'],
        operationId: 'getDefinition',
        summary: 'The latest published version of a bundle',
        params: BundleIdParams,
        response: { 200: Published, 404: ProblemSchema },
      },
    },
    async (request) => {
      await registry.refresh(request.params.id);
      return view(registry.get(request.params.id));
    },
  );

  app.get(
    '/definitions/:id/versions',
    {
      schema: {
        tags: ['definitions'],
        operationId: 'listDefinitionVersions',
        summary: 'Published versions of a bundle',
        params: BundleIdParams,
        response: { 200: z.array(z.object({ version: z.number(), hash: z.string(), publishedAt: z.string(), source: z.enum(['api', 'file']) })), 404: ProblemSchema },
      },
    },
    async (request) => {
      await registry.refresh(request.params.id);
      return registry.versions(request.params.id).map((version) => {
        const entry = registry.get(request.params.id, version);
        return { version, hash: entry.plan.hash, publishedAt: entry.publishedAt, source: entry.source };
      });
    },
  );

  app.get(
    '/definitions/:id/versions/:version',
    {
      schema: {
        tags: ['definitions'],
        operationId: 'getDefinitionVersion',
        summary: 'One published version with its execution plan',
        params: BundleVersionParams,
        response: { 200: Published, 404: ProblemSchema },
      },
    },
    async (request) => {
      await registry.refresh(request.params.id, request.params.version);
      return view(registry.get(request.params.id, request.params.version));
    },
  );

  app.post(
    '/definitions/validate',
    {
      bodyLimit: DEFINITION_BODY_LIMIT,
      schema: {
        tags: ['definitions'],
        operationId: 'validateDefinition',
        summary: 'Lint a draft definition: every issue at once, with JSON paths',
        body: Definition,
        response: { 200: z.object({ valid: z.boolean(), issues: z.array(Issue) }), 400: ProblemSchema },
      },
    },
    async (request) => {
      const result = lint(request.body);
      return { valid: result.ok, issues: result.issues };
    },
  );

  app.post(
    '/definitions',
    {
      bodyLimit: DEFINITION_BODY_LIMIT,
      schema: {
        tags: ['definitions'],
        operationId: 'publishDefinition',
        summary: 'Publish a new version (immutable; used by new cases only)',
        body: Definition,
        response: { 200: Published, 201: Published, 400: ProblemSchema, 403: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema },
      },
    },
    async (request, reply) => {
      requireRole(request, 'designer');
      const { status, entry } = await registry.publish(request.body, 'api');
      const location = `/definitions/${entry.plan.bundleId}/versions/${entry.plan.version}`;
      return reply.status(status === 'created' ? 201 : 200).header('location', location).send(view(entry));
    },
  );
};

function view(entry: StoredDefinition): z.input<typeof Published> {
  return {
    bundleId: entry.plan.bundleId,
    version: entry.plan.version,
    hash: entry.plan.hash,
    publishedAt: entry.publishedAt,
    source: entry.source,
    definition: entry.definition as unknown as Record<string, unknown>,
    plan: entry.plan as unknown as Record<string, unknown>,
  };
}
