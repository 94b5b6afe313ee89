/**
 * Notification delivery, for admins: the deliveries that failed (an SMS gateway or SMTP server that
 * refused or did not answer within the retry window), with the last error; and a retry of one
 * notification, which sends again only what did not go out.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { retryNoticeDelivery, type NoticeDispatch } from '../../../adapters/notices';
import { requireRole } from '../../auth';
import { HttpProblem, ProblemSchema } from '../../problems';

const FailedDelivery = z
  .object({
    notificationId: z.string(),
    caseId: z.string(),
    key: z.string().meta({ description: 'The outbox key (e.g. commitment-broken).' }),
    channel: z.enum(['sms', 'email', 'in-app']),
    recipient: z.string(),
    address: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastAttemptAt: z.string().optional(),
    lastError: z.string().optional(),
    failedAt: z.string().optional(),
  })
  .meta({ id: 'NotificationDelivery' });
const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema };

export const notificationRoutes: FastifyPluginAsyncZod<{ notices: NoticeDispatch['store']; retry: NoticeDispatch['retry'] }> = async (app, { notices, retry }) => {
  app.get(
    '/admin/notifications/failures',
    {
      schema: {
        tags: ['admin'],
        operationId: 'listNotificationFailures',
        summary: 'Notification deliveries that failed after their retries, newest first, with the last error',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.array(FailedDelivery), ...problems },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      return notices.failures(request.query.limit);
    },
  );

  app.post(
    '/admin/notifications/:notificationId/retry',
    {
      schema: {
        tags: ['admin'],
        operationId: 'retryNotification',
        summary: "Deliver a notification's failed deliveries again (the delivered ones are not sent twice)",
        params: z.object({ notificationId: z.string().regex(/^[a-f0-9]{32}$/, 'expected a notification id') }),
        response: { 202: z.object({ caseId: z.string(), key: z.string() }).meta({ id: 'NotificationRetry' }), 404: ProblemSchema, ...problems },
      },
    },
    async (request, reply) => {
      requireRole(request, 'admin');
      const notification = await notices.resetFailed(request.params.notificationId);
      if (!notification) throw new HttpProblem('not-found', `No failed delivery of notification "${request.params.notificationId}".`);
      await retryNoticeDelivery(app.temporal.client, app.temporal.taskQueue, { ...notification, retry });
      return reply.status(202).send(notification);
    },
  );
};
