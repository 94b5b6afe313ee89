/**
 * Department inboxes: the items waiting for (or decided by) one department, from Temporal visibility.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { maySeeDepartment, principalOf } from '../../auth';
import { HttpProblem, ProblemSchema } from '../../problems';
import { DepartmentParams, InboxQuery, InboxResponse } from '../../schemas';

export const inboxRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/departments/:department/inbox',
    {
      schema: {
        tags: ['departments'],
        operationId: 'getInbox',
        summary: "A department's inbox, newest first, paginated",
        params: DepartmentParams,
        querystring: InboxQuery,
        response: { 200: InboxResponse, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      const { department } = request.params;
      if (!maySeeDepartment(principalOf(request), department)) {
        throw new HttpProblem('forbidden', `Only department "${department}" and supervisors see this inbox.`);
      }
      return app.itemListing.list({ ...request.query, department });
    },
  );
};
