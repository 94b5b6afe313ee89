/**
 * Statistics from real cases, for supervisors and the designers of bundles: handling times in working
 * days against the limits, the on-time rate, defaults, the same-day ratio, case outcomes, and the
 * 好差评 figures (ratings per level, satisfaction, rectification, on-time and call-back rates).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../../auth';
import { ProblemSchema } from '../../problems';
import { ReviewStatisticsSchema } from '../../review-schemas';

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
    urges: z.object({ count: z.number().int(), items: z.number().int() }).meta({ description: '催办: urges in all, and the items urged at least once.' }),
    reviews: ReviewStatisticsSchema,
  })
  .meta({ id: 'Statistics' });

export const statisticsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/statistics',
    {
      schema: {
        tags: ['supervision'],
        operationId: 'getStatistics',
        summary: 'From real cases: handling times in working days against limits, on-time rate, defaults, instant-handled ratio, and 好差评 figures',
        querystring: z.object({ bundleId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/).optional() }),
        response: { 200: StatisticsResponse, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      requireRole(request, 'supervisor', 'designer');
      return app.statistics.compute({ bundleId: request.query.bundleId });
    },
  );
};
