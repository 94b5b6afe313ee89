/**
 * The one window (一窗受理): the bundle's window department accepts an application, with tolerable
 * materials missing on the applicant's commitment (容缺受理) if their credit allows, or refuses it.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../../auth';
import { AcceptBody, CaseParams, CaseProgressResponse, IdempotencyHeaders, RefuseBody } from '../../schemas';
import { actorFor, answer, CASE_PROBLEMS, keyOf } from '../case-requests';

export const acceptanceRoutes: FastifyPluginAsyncZod = async (app) => {
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
        response: { 200: CaseProgressResponse, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, 'window');
      return answer(reply, await app.cases.accept(request.params.caseId, actorFor(principal), request.body, keyOf(request, principal)));
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
        response: { 200: CaseProgressResponse, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, 'window');
      return answer(reply, await app.cases.refuse(request.params.caseId, actorFor(principal), request.body.reasons, keyOf(request, principal)));
    },
  );
};
