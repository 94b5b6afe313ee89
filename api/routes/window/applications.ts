/**
 * The window's incoming applications (一窗受理): cases of the bundles this window department serves
 * that wait for acceptance, newest first, from Temporal visibility (`CaseStatus = 'submitted'`, set
 * when the case starts). The window desk opens each one's progress for the material check.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { defaultPayloadConverter } from '@temporalio/common';
import { z } from 'zod';
import type { DefinitionRegistry } from '../../../definitions/registry';
import { hasRole, principalOf } from '../../auth';
import { openPageToken, sealPageToken } from '../../page-token';
import { HttpProblem, ProblemSchema } from '../../problems';
import { DepartmentParams } from '../../schemas';
import { InvalidPageTokenError } from '../../services/errors';

const ApplicationsQuery = z.object({
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: z.string().max(4096).regex(/^[A-Za-z0-9_-]*$/).optional(),
});

const Localized = z.object({ zh: z.string(), en: z.string() });
const ApplicationsPage = z
  .object({
    items: z.array(
      z.object({
        caseId: z.string(),
        bundleId: z.string(),
        bundleVersion: z.number().int().optional(),
        title: Localized.optional(),
        submittedAt: z.string().optional(),
      }),
    ),
    nextPageToken: z.string().optional(),
  })
  .meta({ id: 'ApplicationsPage' });

type RawPayloads = Record<string, { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }> | null | undefined;

function decoded(fields: RawPayloads): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, payload] of Object.entries(fields ?? {})) {
    const value = defaultPayloadConverter.fromPayload(payload as never);
    out[name] = Array.isArray(value) && value.length === 1 ? value[0] : value;
  }
  return out;
}

export const windowApplicationRoutes: FastifyPluginAsyncZod<{ registry: DefinitionRegistry }> = async (app, { registry }) => {
  app.get(
    '/windows/:department/applications',
    {
      schema: {
        tags: ['window'],
        operationId: 'listWindowApplications',
        summary: "Applications waiting at a window department's desk (一窗受理), newest first, paginated",
        params: DepartmentParams,
        querystring: ApplicationsQuery,
        response: { 200: ApplicationsPage, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      const { department } = request.params;
      const principal = principalOf(request);
      const ownWindow = principal.roles.includes('window') && principal.department === department;
      if (!ownWindow && !hasRole(principal, 'supervisor')) throw new HttpProblem('forbidden', `Only window "${department}" and supervisors see its applications.`);
      await registry.refresh(); // bundles published through another API node
      // Bundle ids are validated slugs of the registry, so quoting them is safe.
      const bundles = registry
        .list()
        .filter((b) => registry.get(b.id, b.latestVersion).definition.window.department === department)
        .map((b) => `'${b.id}'`);
      if (bundles.length === 0) return { items: [] };
      const query = `WorkflowType = 'caseWorkflow' AND CaseStatus = 'submitted' AND BundleId IN (${bundles.join(', ')})`;
      const pageToken = request.query.pageToken ? openPageToken(query, request.query.pageToken) : undefined;
      if (request.query.pageToken && !pageToken) throw new InvalidPageTokenError('The pageToken is not one this API returned for this listing.');
      const { client, namespace } = app.temporal;
      const response = await client.workflowService.listWorkflowExecutions({ namespace, query, pageSize: request.query.pageSize, nextPageToken: pageToken });
      const items = (response.executions ?? []).map((execution) => {
        const attributes = decoded(execution.searchAttributes?.indexedFields as RawPayloads);
        const memo = decoded(execution.memo?.fields as RawPayloads);
        const bundleId = String(attributes.BundleId ?? memo.bundleId ?? '');
        const bundleVersion = typeof memo.bundleVersion === 'number' ? memo.bundleVersion : undefined;
        const start = execution.startTime;
        return {
          caseId: String(attributes.CaseId ?? ''),
          bundleId,
          ...(bundleVersion ? { bundleVersion } : {}),
          title: safeTitle(registry, bundleId, bundleVersion),
          ...(start?.seconds ? { submittedAt: new Date(Number(start.seconds) * 1000 + Math.floor((start.nanos ?? 0) / 1e6)).toISOString() } : {}),
        };
      });
      const next = response.nextPageToken && response.nextPageToken.length > 0 ? sealPageToken(query, response.nextPageToken) : undefined;
      return { items, ...(next ? { nextPageToken: next } : {}) };
    },
  );
};

function safeTitle(registry: DefinitionRegistry, bundleId: string, version: number | undefined): { zh: string; en: string } | undefined {
  try {
    return registry.get(bundleId, version).definition.title;
  } catch {
    return undefined;
  }
}
