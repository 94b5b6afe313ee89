/**
 * Materials the applicant hands in after the start: what a department asked for in a supplement
 * request (补正), and the materials promised in a commitment (告知承诺), before their deadlines.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../../auth';
import { CaseParams, CaseProgressResponse, IdempotencyHeaders, ItemViewResponse, SupplyBody, SupplyCommitmentBody } from '../../schemas';
import { answer, CASE_PROBLEMS, keyOf } from '../case-requests';

export const supplementRoutes: FastifyPluginAsyncZod = async (app) => {
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
        response: { 200: ItemViewResponse, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, 'integrator', 'window');
      const { itemId, materials, note } = request.body;
      return answer(reply, await app.cases.supply(request.params.caseId, itemId, materials, note, keyOf(request, principal)));
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
        response: { 200: CaseProgressResponse, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, 'integrator', 'window');
      return answer(reply, await app.cases.supplyCommitment(request.params.caseId, request.body.materials, keyOf(request, principal)));
    },
  );
};
