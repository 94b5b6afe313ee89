/**
 * 好差评 for supervisors (电子监察) and the departments rated (issue 14): every rating, and the
 * rectifications bad ratings opened, with their deadlines and cards (yellow at 50%, red at 90%,
 * overdue); a department reads and closes its own, recording the measures taken and the call-back
 * (回访) to the applicant.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { hasRole, maySeeDepartment, principalOf, requireRole, type Principal } from '../../auth';
import { HttpProblem, ProblemSchema } from '../../problems';
import { RectificationListQuery, RectificationPage, RectificationParams, RectificationSchema, ReviewListQuery, ReviewPage } from '../../review-schemas';
import { IdempotencyHeaders } from '../../schemas';
import { CloseRectificationBody } from '../../../domain/reviews';
import type { Rectification } from '../../../adapters/reviews';
import { actorFor, answer, CASE_PROBLEMS, keyOf } from '../case-requests';

const READ_PROBLEMS = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema };

export const rectificationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/reviews',
    {
      schema: {
        tags: ['supervision'],
        operationId: 'listReviews',
        summary: 'Every rating (好差评), newest first, by bundle, department or level',
        querystring: ReviewListQuery,
        response: { 200: ReviewPage, ...READ_PROBLEMS },
      },
    },
    async (request) => {
      requireRole(request, 'supervisor');
      return app.reviews.listReviews(request.query);
    },
  );

  app.get(
    '/rectifications',
    {
      schema: {
        tags: ['supervision'],
        operationId: 'listRectifications',
        summary: 'Rectifications of bad ratings, nearest deadline first, by department, status or card (overdue ones: card=overdue)',
        description: "Supervisors see every department's; a department officer its own (the department defaults to theirs).",
        querystring: RectificationListQuery,
        response: { 200: RectificationPage, ...READ_PROBLEMS },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const department = request.query.department ?? (hasRole(principal, 'supervisor') ? undefined : principal.department);
      if (department === undefined ? !hasRole(principal, 'supervisor') : !maySeeDepartment(principal, department)) {
        throw new HttpProblem('forbidden', "This needs the supervisor role, or a department officer's own department.");
      }
      return app.reviews.listRectifications({ ...request.query, ...(department ? { department } : {}) });
    },
  );

  app.get(
    '/rectifications/:rectificationId',
    {
      schema: {
        tags: ['supervision'],
        operationId: 'getRectification',
        summary: 'A rectification: the rating, the deadline and card, and once closed the measures and the call-back',
        params: RectificationParams,
        response: { 200: RectificationSchema, ...READ_PROBLEMS, 404: ProblemSchema },
      },
    },
    async (request) => readable(principalOf(request), await app.reviews.rectification(request.params.rectificationId)),
  );

  app.post(
    '/rectifications/:rectificationId/close',
    {
      schema: {
        tags: ['supervision'],
        operationId: 'closeRectification',
        summary: 'Close a rectification with the measures taken (整改情况) and the call-back (回访) to the applicant',
        description:
          'The department rated, once; late closings are recorded as late (the card stays overdue). The call-back outcome is ' +
          'satisfied, basically-satisfied, unsatisfied or unreachable; its time defaults to now and cannot be in the future.',
        params: RectificationParams,
        headers: IdempotencyHeaders,
        body: CloseRectificationBody,
        response: { 200: RectificationSchema, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const rectification = await app.reviews.rectification(request.params.rectificationId);
      if (!rectification) throw new HttpProblem('not-found', 'No such rectification.');
      if (!principal.roles.includes('department') || principal.department !== rectification.department) {
        throw new HttpProblem('forbidden', `Only department "${rectification.department}" closes this rectification.`);
      }
      return answer(reply, await app.reviews.close(rectification, actorFor(principal), request.body, keyOf(request, principal)));
    },
  );
};

/** Supervisors read any rectification, a department officer its own department's; 404 before 403 for none. */
function readable(principal: Principal, rectification: Rectification | undefined): Rectification {
  if (!rectification) throw new HttpProblem('not-found', 'No such rectification.');
  if (!maySeeDepartment(principal, rectification.department)) throw new HttpProblem('forbidden', `This rectification belongs to department "${rectification.department}".`);
  return rectification;
}
