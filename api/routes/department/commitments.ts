/**
 * Commitments (告知承诺) from a department's side: a material supplied on a commitment is wrong, so it
 * reopens with the time it had left. Only departments with an applicable item in the case may say so.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../../auth';
import { CaseProgressResponse, CommitmentMaterialParams, IdempotencyHeaders, RejectCommitmentMaterialBody } from '../../schemas';
import { actorFor, answer, CASE_PROBLEMS, keyOf } from '../case-requests';

export const commitmentRoutes: FastifyPluginAsyncZod = async (app) => {
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
        response: { 200: CaseProgressResponse, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, 'department');
      const { caseId, material } = request.params;
      return answer(reply, await app.cases.rejectCommitmentMaterial(caseId, actorFor(principal), material, request.body.reason, keyOf(request, principal)));
    },
  );
};
