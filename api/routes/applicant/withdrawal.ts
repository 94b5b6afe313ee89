/**
 * 撤回申请: the applicant withdraws their case before completion — themself (signed in with their
 * subject), or through an integrator or the window on their behalf. Open items are cancelled and
 * nothing is issued; progress keeps who withdrew and when.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { applicantSubjectOf, hasRole, principalOf, type Principal } from '../../auth';
import { HttpProblem } from '../../problems';
import { CaseParams, CaseProgressResponse, IdempotencyHeaders } from '../../schemas';
import type { CaseService } from '../../services/case-service';
import { WithdrawCaseRequest, type Requester } from '../../../workflows/contract';
import { answer, CASE_PROBLEMS, keyOf } from '../case-requests';

export const WithdrawBody = WithdrawCaseRequest.omit({ by: true }).default({});

export const withdrawalRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/cases/:caseId/withdraw',
    {
      schema: {
        tags: ['cases'],
        operationId: 'withdrawCase',
        summary: 'Withdraw the application (撤回申请) before completion: open items are cancelled, nothing is issued',
        description:
          'The applicant themself (signed in with their subject), an integrator or the window on their behalf. ' +
          'A case that is being issued, completed or closed answers 409.',
        params: CaseParams,
        headers: IdempotencyHeaders,
        body: WithdrawBody,
        response: { 200: CaseProgressResponse, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { caseId } = request.params;
      const by = await requesterFor(principal, app.cases, caseId);
      return answer(reply, await app.cases.withdraw(caseId, by, request.body.reason, keyOf(request, principal)));
    },
  );
};

/**
 * Who withdraws, as the case records it: an integrator or the window (admins count as either), or
 * the applicant acting for themself on their own case. Anyone else — another applicant included —
 * is refused with 403 before the case is changed or its state told.
 */
async function requesterFor(principal: Principal, cases: CaseService, caseId: string): Promise<Requester> {
  const named = { id: principal.id, ...(principal.name ? { name: principal.name } : {}) };
  if (hasRole(principal, 'integrator', 'window')) {
    const as = principal.roles.includes('window') ? 'window' : principal.roles.includes('integrator') ? 'integrator' : 'admin';
    return { ...named, as };
  }
  const subjectId = applicantSubjectOf(principal);
  if (!subjectId || principal.roles.length > 0) {
    throw new HttpProblem('forbidden', 'This needs one of the roles: integrator, window, or the applicant themself.');
  }
  if ((await cases.progress(caseId)).applicant.subjectId !== subjectId) throw new HttpProblem('forbidden', 'This case is not yours.');
  return { ...named, as: 'applicant', subjectId };
}
