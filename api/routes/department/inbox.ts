/**
 * Department inboxes from the read model. A signed-in officer's inbox holds the items at steps their
 * role acts on, those they hold, and those decided at once (no steps); `all=true` shows the whole
 * department's. Supervisors and a department's system (an API key) see the whole department's.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { maySeeDepartment, principalOf, type Principal } from '../../auth';
import { HttpProblem, ProblemSchema } from '../../problems';
import { CardCounts, DepartmentParams, InboxCountsQuery, InboxQuery, InboxResponse } from '../../schemas';

export const inboxRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/departments/:department/inbox',
    {
      schema: {
        tags: ['departments'],
        operationId: 'getInbox',
        summary: "A department's inbox (a signed-in officer's own, unless all=true), nearest deadline first, paginated",
        params: DepartmentParams,
        querystring: InboxQuery,
        response: { 200: InboxResponse, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      const { department } = request.params;
      const principal = inboxReader(request, department);
      const { all, ...query } = request.query;
      return app.itemListing.list({ ...query, department, ...ownInbox(principal, department, all) });
    },
  );

  app.get(
    '/departments/:department/inbox/counts',
    {
      schema: {
        tags: ['departments'],
        operationId: 'countInbox',
        summary: "How many items the inbox holds on every page, in all and per card (黄牌, 红牌, 超期), for the same filters",
        params: DepartmentParams,
        querystring: InboxCountsQuery,
        response: { 200: CardCounts, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      const { department } = request.params;
      const principal = inboxReader(request, department);
      const { all, ...query } = request.query;
      return app.itemListing.count({ ...query, department, ...ownInbox(principal, department, all) });
    },
  );
};

/** Who asks for the department's inbox (or its counts): the department itself and supervisors only. */
function inboxReader(request: FastifyRequest, department: string): Principal {
  const principal = principalOf(request);
  if (!maySeeDepartment(principal, department)) throw new HttpProblem('forbidden', `Only department "${department}" and supervisors see this inbox.`);
  return principal;
}

/** A signed-in officer's own inbox unless they ask for all of it; supervisors and API keys see the department's. */
function ownInbox(principal: Principal, department: string, all: boolean | undefined): { person?: { id: string; role: string } } {
  const own = principal.person && principal.departmentRole && principal.department === department && all !== true;
  return own ? { person: { id: principal.id, role: principal.departmentRole! } } : {};
}
