/**
 * Cases: start one (idempotently), follow its progress, accept or refuse it at the window, and let
 * departments decide its items.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingDepartment, hasRole, principalOf, requireRole, type Principal } from '../auth';
import { HttpProblem, ProblemSchema } from '../problems';
import {
  AcceptBody,
  ApproveBody,
  CaseParams,
  CommitmentMaterialParams,
  RejectCommitmentMaterialBody,
  SupplyCommitmentBody,
  CaseProgressResponse,
  IdempotencyHeaders,
  ItemParams,
  ItemViewResponse,
  RefuseBody,
  RejectBody,
  SealedDocumentsResponse,
  SpecialStepBody,
  StartCaseBody,
  StartedCaseResponse,
  SupplementRequestBody,
  SupplyBody,
} from '../schemas';
import type { CaseService } from '../services/case-service';

const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema };

export const caseRoutes: FastifyPluginAsyncZod<{ cases: CaseService }> = async (app, { cases }) => {
  app.post(
    '/cases',
    {
      schema: {
        tags: ['cases'],
        operationId: 'startCase',
        summary: 'Start a case: one application for one bundle',
        headers: IdempotencyHeaders,
        body: StartCaseBody,
        response: { 200: StartedCaseResponse, 201: StartedCaseResponse, ...problems },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, 'integrator', 'window');
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
        response: { 200: CaseProgressResponse, ...problems },
      },
    },
    async (request) => {
      const progress = await cases.progress(request.params.caseId);
      authorizeCaseRead(principalOf(request), progress);
      return progress;
    },
  );

  app.post(
    '/cases/:caseId/accept',
    {
      schema: {
        tags: ['window'],
        operationId: 'acceptCase',
        summary: 'Accept the application at the window (一窗受理)',
        params: CaseParams,
        headers: IdempotencyHeaders,
        body: AcceptBody,
        response: { 200: CaseProgressResponse, ...problems },
      },
    },
    async (request) => {
      const actor = actorFor(requireRole(request, 'window'));
      return cases.accept(request.params.caseId, actor, request.body, request.headers['idempotency-key']);
    },
  );

  app.post(
    '/cases/:caseId/refuse',
    {
      schema: {
        tags: ['window'],
        operationId: 'refuseCase',
        summary: 'Refuse the application at the window, with reasons',
        params: CaseParams,
        headers: IdempotencyHeaders,
        body: RefuseBody,
        response: { 200: CaseProgressResponse, ...problems },
      },
    },
    async (request) => {
      const actor = actorFor(requireRole(request, 'window'));
      return cases.refuse(request.params.caseId, actor, request.body.reasons, request.headers['idempotency-key']);
    },
  );

  app.post(
    '/cases/:caseId/items/:itemId/approve',
    {
      schema: {
        tags: ['departments'],
        operationId: 'approveItem',
        summary: "Approve an item as its department",
        params: ItemParams,
        headers: IdempotencyHeaders,
        body: ApproveBody,
        response: { 200: ItemViewResponse, ...problems },
      },
    },
    async (request) => {
      const actor = actorFor(requireRole(request, 'department'));
      const { caseId, itemId } = request.params;
      return cases.act(caseId, itemId, actor, { kind: 'approve', comment: request.body.comment }, request.headers['idempotency-key']);
    },
  );

  app.post(
    '/cases/:caseId/items/:itemId/reject',
    {
      schema: {
        tags: ['departments'],
        operationId: 'rejectItem',
        summary: 'Reject an item as its department, with a reason; the case ends',
        params: ItemParams,
        headers: IdempotencyHeaders,
        body: RejectBody,
        response: { 200: ItemViewResponse, ...problems },
      },
    },
    async (request) => {
      const actor = actorFor(requireRole(request, 'department'));
      const { caseId, itemId } = request.params;
      return cases.act(caseId, itemId, actor, { kind: 'reject', reason: request.body.reason }, request.headers['idempotency-key']);
    },
  );

  app.post(
    '/cases/:caseId/items/:itemId/supplement-requests',
    {
      schema: {
        tags: ['departments'],
        operationId: 'requestSupplement',
        summary: 'Ask the applicant to supplement materials (补正): the item clock pauses',
        params: ItemParams,
        headers: IdempotencyHeaders,
        body: SupplementRequestBody,
        response: { 200: ItemViewResponse, ...problems },
      },
    },
    async (request) => {
      const actor = actorFor(requireRole(request, 'department'));
      const { caseId, itemId } = request.params;
      return cases.act(caseId, itemId, actor, { kind: 'request-supplement', ...request.body }, request.headers['idempotency-key']);
    },
  );

  app.post(
    '/cases/:caseId/supplements',
    {
      schema: {
        tags: ['cases'],
        operationId: 'supplyMaterials',
        summary: "Supply what a department asked for: the item clock resumes the next working day",
        params: CaseParams,
        headers: IdempotencyHeaders,
        body: SupplyBody,
        response: { 200: ItemViewResponse, ...problems },
      },
    },
    async (request) => {
      requireRole(request, 'integrator', 'window');
      const { itemId, materials, note } = request.body;
      return cases.supply(request.params.caseId, itemId, materials, note, request.headers['idempotency-key']);
    },
  );

  app.post(
    '/cases/:caseId/items/:itemId/special-step/start',
    {
      schema: {
        tags: ['departments'],
        operationId: 'startSpecialStep',
        summary: 'Start a hearing, inspection, test or expert review whose time does not count',
        params: ItemParams,
        headers: IdempotencyHeaders,
        body: SpecialStepBody,
        response: { 200: ItemViewResponse, ...problems },
      },
    },
    async (request) => {
      const actor = actorFor(requireRole(request, 'department'));
      const { caseId, itemId } = request.params;
      return cases.act(caseId, itemId, actor, { kind: 'start-special-step', step: request.body.step }, request.headers['idempotency-key']);
    },
  );

  app.post(
    '/cases/:caseId/items/:itemId/special-step/end',
    {
      schema: {
        tags: ['departments'],
        operationId: 'endSpecialStep',
        summary: 'End the special step: the item clock resumes',
        params: ItemParams,
        headers: IdempotencyHeaders,
        response: { 200: ItemViewResponse, ...problems },
      },
    },
    async (request) => {
      const actor = actorFor(requireRole(request, 'department'));
      const { caseId, itemId } = request.params;
      return cases.act(caseId, itemId, actor, { kind: 'end-special-step' }, request.headers['idempotency-key']);
    },
  );

  app.post(
    '/cases/:caseId/commitment/materials',
    {
      schema: {
        tags: ['cases'],
        operationId: 'supplyCommitmentMaterials',
        summary: 'Supply materials promised in the commitment (告知承诺), before their deadlines',
        params: CaseParams,
        headers: IdempotencyHeaders,
        body: SupplyCommitmentBody,
        response: { 200: CaseProgressResponse, ...problems },
      },
    },
    async (request) => {
      requireRole(request, 'integrator', 'window');
      return cases.supplyCommitment(request.params.caseId, request.body.materials, request.headers['idempotency-key']);
    },
  );

  app.post(
    '/cases/:caseId/commitment/materials/:material/reject',
    {
      schema: {
        tags: ['departments'],
        operationId: 'rejectCommitmentMaterial',
        summary: 'Find a supplied material wrong: it reopens with the time it had left',
        params: CommitmentMaterialParams,
        headers: IdempotencyHeaders,
        body: RejectCommitmentMaterialBody,
        response: { 200: CaseProgressResponse, ...problems },
      },
    },
    async (request) => {
      const actor = actorFor(requireRole(request, 'department'));
      const { caseId, material } = request.params;
      return cases.rejectCommitmentMaterial(caseId, actor, material, request.body.reason, request.headers['idempotency-key']);
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
          ...problems,
        },
      },
    },
    async (request) => {
      const progress = await cases.progress(request.params.caseId);
      authorizeCaseRead(principalOf(request), progress);
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
        response: { 200: SealedDocumentsResponse, ...problems },
      },
    },
    async (request) => {
      const progress = await cases.progress(request.params.caseId);
      authorizeCaseRead(principalOf(request), progress);
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

function actorFor(principal: Principal): { department: string; officer: string } {
  return { department: actingDepartment(principal), officer: principal.id };
}

/**
 * Integrators, the window and supervisors follow any case; a department officer only cases in which
 * its department has an item.
 */
function authorizeCaseRead(principal: Principal, progress: { items: Array<{ department: string }> }): void {
  if (hasRole(principal, 'integrator', 'window', 'supervisor')) return;
  if (principal.department && progress.items.some((item) => item.department === principal.department)) return;
  throw new HttpProblem('forbidden', 'This case involves none of your departments.');
}
