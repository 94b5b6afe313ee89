/**
 * The supervision desk (电子监察): items on a yellow, red or overdue card, and items that defaulted,
 * across every department, from Temporal visibility.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../../auth';
import { ProblemSchema } from '../../problems';
import { CardCounts, InboxResponse, SupervisionCountsQuery, SupervisionQuery } from '../../schemas';

export const supervisedItemRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/supervision/items',
    {
      schema: {
        tags: ['supervision'],
        operationId: 'listSupervisedItems',
        summary: 'Items by card (yellow at 50% of the limit, red at 90%, overdue) or status (e.g. defaulted), newest first',
        querystring: SupervisionQuery,
        response: { 200: InboxResponse, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      requireRole(request, 'supervisor');
      return app.itemListing.list(request.query);
    },
  );

  app.get(
    '/supervision/items/counts',
    {
      schema: {
        tags: ['supervision'],
        operationId: 'countSupervisedItems',
        summary: 'How many open items (or items of a status) there are, across departments or in one, in all and per card',
        querystring: SupervisionCountsQuery,
        response: { 200: CardCounts, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      requireRole(request, 'supervisor');
      return app.itemListing.count(request.query);
    },
  );
};
