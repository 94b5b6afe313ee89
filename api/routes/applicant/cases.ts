/**
 * Cases as the applicant's side sees them (integrators, the window on the applicant's behalf, and the
 * applicant themself, signed in with their subject):
 * start one (idempotently), follow its progress, read its materials and sealed documents.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertCaseRead } from '../../access';
import { principalOf, requireRoleOrApplicant, type Principal } from '../../auth';
import {
  CaseParams,
  CaseProgressReadResponse,
  IdempotencyHeaders,
  SealedDocumentsResponse,
  StartCaseBody,
  StartedCaseResponse,
} from '../../schemas';
import type { DefinitionRegistry } from '../../../definitions/registry';
import type { CaseService } from '../../services/case-service';
import { CASE_PROBLEMS } from '../case-requests';

export const caseRoutes: FastifyPluginAsyncZod<{ registry: DefinitionRegistry }> = async (app, { registry }) => {
  const { cases } = app;
  app.post(
    '/cases',
    {
      schema: {
        tags: ['cases'],
        operationId: 'startCase',
        summary: 'Start a case: one application for one bundle',
        headers: IdempotencyHeaders,
        body: StartCaseBody,
        response: { 200: StartedCaseResponse, 201: StartedCaseResponse, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => {
      // Applicants (people signed in with their subject) start their own cases, and only their own.
      const principal = requireRoleOrApplicant(request, request.body.applicant.subjectId, 'integrator', 'window');
      // The bundle may have been published (or got a new latest version) through another API node.
      await registry.refresh(request.body.bundleId, request.body.version);
      const started = await cases.start(request.body, principal.id, request.headers['idempotency-key']);
      const self = `/cases/${started.caseId}`;
      if (!started.created) reply.header('idempotent-replayed', 'true');
      return reply.status(started.created ? 201 : 200).header('location', self).send({ ...started, links: { self } });
    },
  );

  app.get(
    '/cases/:caseId',
    {
      schema: {
        tags: ['cases'],
        operationId: 'getCaseProgress',
        summary: "A case's progress: its status and each department's",
        params: CaseParams,
        response: { 200: CaseProgressReadResponse, ...CASE_PROBLEMS },
      },
    },
    async (request) => {
      const read = await cases.readProgress(request.params.caseId);
      await assertCaseRead(principalOf(request), read.progress, read.applicability);
      // From the read model when the worker did not answer in time: how old the copy is.
      return read.asOf ? { ...read.progress, asOf: read.asOf } : read.progress;
    },
  );

  app.get(
    '/cases/:caseId/materials',
    {
      schema: {
        tags: ['cases'],
        operationId: 'listCaseMaterials',
        summary: 'One set of materials: each material once, its upload or electronic licence, and the items it serves',
        params: CaseParams,
        response: {
          200: z.array(z.object({ material: z.string(), sha256: z.string().optional(), ref: z.string().optional(), items: z.array(z.string()) })),
          ...CASE_PROBLEMS,
        },
      },
    },
    async (request) => {
      await authorizeCaseRead(cases, principalOf(request), request.params.caseId);
      return cases.materialsOf(request.params.caseId);
    },
  );

  app.get(
    '/cases/:caseId/documents',
    {
      schema: {
        tags: ['cases'],
        operationId: 'listCaseDocuments',
        summary: 'The sealed documents of a case: results and timeout-default notices, verifiable at /seals/verify',
        params: CaseParams,
        response: { 200: SealedDocumentsResponse, ...CASE_PROBLEMS },
      },
    },
    async (request) => {
      await authorizeCaseRead(cases, principalOf(request), request.params.caseId);
      const docs = await cases.documents(request.params.caseId);
      return docs.map((d) => ({
        documentId: d.documentId,
        type: d.body.document.type,
        document: d.body.document as unknown as Record<string, unknown>,
        seal: d.body.seal as unknown as Record<string, unknown>,
      }));
    },
  );
};

/**
 * Reads of a case's data: for whom `assertCaseRead` allows, checked before anything is read, on the
 * case's progress as `GET /cases/:id` reads it (the read model's copy when the worker is slow to answer).
 */
async function authorizeCaseRead(cases: CaseService, principal: Principal, caseId: string): Promise<void> {
  const { progress, applicability } = await cases.readProgress(caseId);
  await assertCaseRead(principal, progress, applicability);
}
