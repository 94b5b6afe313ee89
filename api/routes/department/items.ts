/**
 * A department at work on its items of a case: decide them (approve, reject), ask for a supplement
 * (补正), run a special step whose time does not count.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../../auth';
import {
  ApproveBody,
  IdempotencyHeaders,
  ItemParams,
  ItemViewResponse,
  RejectBody,
  SpecialStepBody,
  SupplementRequestBody,
} from '../../schemas';
import type { ItemAction } from '../../services/case-service';
import { actorFor, answer, CASE_PROBLEMS, keyOf } from '../case-requests';

type ItemRequest = FastifyRequest & { params: { caseId: string; itemId: string }; headers: { 'idempotency-key'?: string } };

export const itemRoutes: FastifyPluginAsyncZod = async (app) => {
  /** The department's action on the item the request names; the item's department and state decide. */
  const act = async (request: ItemRequest, reply: FastifyReply, action: ItemAction) => {
    const principal = requireRole(request, 'department');
    const { caseId, itemId } = request.params;
    return answer(reply, await app.cases.act(caseId, itemId, actorFor(principal), action, keyOf(request, principal)));
  };

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
        response: { 200: ItemViewResponse, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => act(request, reply, { kind: 'approve', comment: request.body.comment }),
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
        response: { 200: ItemViewResponse, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => act(request, reply, { kind: 'reject', reason: request.body.reason }),
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
        response: { 200: ItemViewResponse, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => act(request, reply, { kind: 'request-supplement', ...request.body }),
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
        response: { 200: ItemViewResponse, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => act(request, reply, { kind: 'start-special-step', step: request.body.step }),
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
        response: { 200: ItemViewResponse, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => act(request, reply, { kind: 'end-special-step' }),
  );
};
