/**
 * 好差评 by the applicant (issue 14): once a case has ended its applicant, signed in, rates it once
 * (一次一评) and each of its items once (一事一评), on five levels with the online indicators of GB/T
 * 39734 and a comment. A bad rating (不满意, 非常不满意) opens a rectification for the department
 * rated, with a deadline of 15 working days. Ratings are durable: only their applicant amends one,
 * within the window the bundle's definition states (every version kept). Those who follow the case
 * read them and their history.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assertCaseRead } from '../../access';
import { applicantSubjectOf, principalOf } from '../../auth';
import { HttpProblem, ProblemSchema } from '../../problems';
import { AmendmentReceipt, CaseReviewsResponse, ReviewHistoryResponse, ReviewItemParams, ReviewParams, ReviewReceipt } from '../../review-schemas';
import { IdempotencyHeaders } from '../../schemas';
import { NotYourCaseError, UnknownReviewError } from '../../services/reviews';
import { AmendReviewRequest, ReviewRequest } from '../../../domain/reviews';
import { CASE_PROBLEMS, keyOf } from '../case-requests';

export const reviewRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/cases/:caseId/reviews',
    {
      schema: {
        tags: ['cases'],
        operationId: 'rateCase',
        summary: 'Rate an ended case, or one of its items (好差评: 一次一评, 一事一评); a bad rating opens a rectification',
        description:
          'Only the applicant themself, signed in (an access token naming their subject), on their own case once it has ended ' +
          '(completed, rejected, withdrawn, refused or terminated). Levels: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意; ' +
          'a 2 or 1 opens a rectification for the department rated (the item’s, or the window’s for the whole case), due in ' +
          '15 working days. Once per case and once per item: a second, different rating answers 409 (amend it with PUT within its ' +
          'window instead); the same one again answers 200 with the stored rating (a retry).',
        params: ReviewParams,
        body: ReviewRequest,
        response: { 200: ReviewReceipt, 201: ReviewReceipt, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const subjectId = applicantSubjectOf(principal);
      if (!subjectId || principal.roles.length > 0) throw new HttpProblem('forbidden', 'Only the applicant themself, signed in, rates a case.');
      try {
        const outcome = await app.reviews.rate(request.params.caseId, { principalId: principal.id, subjectId }, request.body);
        if (!outcome.created) reply.header('idempotent-replayed', 'true');
        reply.code(outcome.created ? 201 : 200);
        return { review: outcome.review, ...(outcome.rectification ? { rectification: outcome.rectification } : {}) };
      } catch (err) {
        if (err instanceof NotYourCaseError) throw new HttpProblem('forbidden', err.message);
        throw err;
      }
    },
  );

  app.put(
    '/cases/:caseId/reviews/:reviewId',
    {
      schema: {
        tags: ['cases'],
        operationId: 'amendReview',
        summary: "Change one's rating within the bundle's window; every version is kept",
        description:
          'Only the applicant who rated, signed in, until the review’s amendableUntil (the bundle definition’s ' +
          'reviews.amendWithinHours after the first rating, 24 hours when it says nothing); after it 409, naming when the ' +
          'window closed. Officers, supervisors, integrators and other applicants: 403. The new version is what statistics ' +
          'count; from 不满意/非常不满意 to 基本满意 or better it withdraws the open rectification (counted as withdrawn, neither on ' +
          'time nor late), from a good level to a bad one it opens a rectification. The same body again, or a retry with the ' +
          'same Idempotency-Key, writes nothing and answers 200 with idempotent-replayed: true.',
        params: ReviewItemParams,
        headers: IdempotencyHeaders,
        body: AmendReviewRequest,
        response: { 200: AmendmentReceipt, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const subjectId = applicantSubjectOf(principal);
      if (!subjectId || principal.roles.length > 0) throw new HttpProblem('forbidden', 'Only the applicant who rated, signed in, changes a rating.');
      try {
        const outcome = await app.reviews.amend(request.params.caseId, request.params.reviewId, { principalId: principal.id, subjectId }, request.body, keyOf(request, principal));
        if (outcome.replayed) reply.header('idempotent-replayed', 'true');
        return { review: outcome.review, ...(outcome.withdrawn ? { withdrawn: outcome.withdrawn } : {}), ...(outcome.opened ? { opened: outcome.opened } : {}) };
      } catch (err) {
        if (err instanceof NotYourCaseError) throw new HttpProblem('forbidden', err.message);
        if (err instanceof UnknownReviewError) throw new HttpProblem('not-found', err.message);
        throw err;
      }
    },
  );

  app.get(
    '/cases/:caseId/reviews/:reviewId/versions',
    {
      schema: {
        tags: ['cases'],
        operationId: 'reviewHistory',
        summary: 'A rating and every version of it: the original and each amendment, with their times',
        description: 'For those who follow the case, as its ratings.',
        params: ReviewItemParams,
        response: { 200: ReviewHistoryResponse, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { progress, applicability } = await app.cases.readProgress(request.params.caseId);
      await assertCaseRead(principal, progress, applicability);
      try {
        return await app.reviews.history(request.params.caseId, request.params.reviewId);
      } catch (err) {
        if (err instanceof UnknownReviewError) throw new HttpProblem('not-found', err.message);
        throw err;
      }
    },
  );

  app.get(
    '/cases/:caseId/reviews',
    {
      schema: {
        tags: ['cases'],
        operationId: 'listCaseReviews',
        summary: "A case's ratings: of the whole case first, then of its items",
        description: 'For those who follow the case: the applicant, integrators, the window, supervisors, and departments with an item in it.',
        params: ReviewParams,
        response: { 200: CaseReviewsResponse, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { progress, applicability } = await app.cases.readProgress(request.params.caseId);
      await assertCaseRead(principal, progress, applicability);
      return { reviews: await app.reviews.reviewsOfCase(request.params.caseId) };
    },
  );
};
