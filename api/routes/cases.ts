/**
 * Cases: start one (idempotently), follow its progress, accept or refuse it at the window, and let
 * departments decide its items.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import { assertCaseRead } from '../access';
import { actingDepartment, principalOf, requireRole, type Principal } from '../auth';
import { ProblemSchema } from '../problems';
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
import type { CaseService, IdempotencyKey, UpdateOutcome } from '../services/case-service';

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
      await assertCaseRead(principalOf(request), progress, () => cases.inputOf(request.params.caseId));
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
    async (request, reply) => {
      const principal = requireRole(request, 'window');
      return answer(reply, await cases.accept(request.params.caseId, actorFor(principal), request.body, keyOf(request, principal)));
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
    async (request, reply) => {
      const principal = requireRole(request, 'window');
      return answer(reply, await cases.refuse(request.params.caseId, actorFor(principal), request.body.reasons, keyOf(request, principal)));
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
    async (request, reply) => {
      const principal = requireRole(request, 'department');
      const { caseId, itemId } = request.params;
      return answer(reply, await cases.act(caseId, itemId, actorFor(principal), { kind: 'approve', comment: request.body.comment }, keyOf(request, principal)));
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
    async (request, reply) => {
      const principal = requireRole(request, 'department');
      const { caseId, itemId } = request.params;
      return answer(reply, await cases.act(caseId, itemId, actorFor(principal), { kind: 'reject', reason: request.body.reason }, keyOf(request, principal)));
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
    async (request, reply) => {
      const principal = requireRole(request, 'department');
      const { caseId, itemId } = request.params;
      return answer(reply, await cases.act(caseId, itemId, actorFor(principal), { kind: 'request-supplement', ...request.body }, keyOf(request, principal)));
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
    async (request, reply) => {
      const principal = requireRole(request, 'integrator', 'window');
      const { itemId, materials, note } = request.body;
      return answer(reply, await cases.supply(request.params.caseId, itemId, materials, note, keyOf(request, principal)));
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
    async (request, reply) => {
      const principal = requireRole(request, 'department');
      const { caseId, itemId } = request.params;
      return answer(reply, await cases.act(caseId, itemId, actorFor(principal), { kind: 'start-special-step', step: request.body.step }, keyOf(request, principal)));
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
    async (request, reply) => {
      const principal = requireRole(request, 'department');
      const { caseId, itemId } = request.params;
      return answer(reply, await cases.act(caseId, itemId, actorFor(principal), { kind: 'end-special-step' }, keyOf(request, principal)));
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
    async (request, reply) => {
      const principal = requireRole(request, 'integrator', 'window');
      return answer(reply, await cases.supplyCommitment(request.params.caseId, request.body.materials, keyOf(request, principal)));
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
    async (request, reply) => {
      const principal = requireRole(request, 'department');
      const { caseId, material } = request.params;
      return answer(reply, await cases.rejectCommitmentMaterial(caseId, actorFor(principal), material, request.body.reason, keyOf(request, principal)));
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
        response: { 200: SealedDocumentsResponse, ...problems },
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

function actorFor(principal: Principal): { department: string; officer: string } {
  return { department: actingDepartment(principal), officer: principal.id };
}

/** Reads of a case's data: for whom `assertCaseRead` allows, checked before anything is read. */
async function authorizeCaseRead(cases: CaseService, principal: Principal, caseId: string): Promise<void> {
  await assertCaseRead(principal, await cases.progress(caseId), () => cases.inputOf(caseId));
}

/** The caller's Idempotency-Key, scoped to the caller: another principal's key is another key. */
function keyOf(request: { headers: { 'idempotency-key'?: string } }, principal: Principal): IdempotencyKey | undefined {
  const key = request.headers['idempotency-key'];
  return key === undefined ? undefined : { principal: principal.id, key };
}

/** The Update's answer; a replayed earlier outcome says so, as `POST /cases` does. */
function answer<T>(reply: FastifyReply, outcome: UpdateOutcome<T>): T {
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  return outcome.value;
}
