/**
 * The supervision desk (电子监察): items on a yellow, red or overdue card, and items that defaulted,
 * across every department, from Temporal visibility.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../auth';
import { ProblemSchema } from '../problems';
import { z } from 'zod';
import { InboxResponse, SupervisionQuery } from '../schemas';
import type { CaseService } from '../services/case-service';
import { computeStatistics } from '../services/statistics';

const Rate = z.object({ count: z.number(), rate: z.number() });
const StatisticsResponse = z
  .object({
    bundleId: z.string().optional(),
    cases: z.record(z.string(), z.number()),
    items: z.object({ decided: z.number(), approved: z.number(), rejected: z.number(), defaulted: z.number() }),
    handlingWorkingDays: z.object({ mean: z.number(), median: z.number(), p90: z.number(), meanPromisedLimit: z.number() }),
    onTime: Rate,
    instant: z.object({ sameDay: z.number(), sameDayRatio: z.number(), declared: z.number() }),
    truncated: z.boolean(),
  })
  .meta({ id: 'Statistics' });

export const supervisionRoutes: FastifyPluginAsyncZod<{ cases: CaseService; statistics: (bundleId?: string) => ReturnType<typeof computeStatistics> }> = async (
  app,
  { cases, statistics },
) => {
  app.get(
    '/statistics',
    {
      schema: {
        tags: ['supervision'],
        operationId: 'getStatistics',
        summary: 'From real cases: handling times in working days against limits, on-time rate, defaults, instant-handled ratio',
        querystring: z.object({ bundleId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/).optional() }),
        response: { 200: StatisticsResponse, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      requireRole(request, 'supervisor', 'designer');
      return statistics(request.query.bundleId);
    },
  );

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
      return cases.listItems(request.query);
    },
  );
};
