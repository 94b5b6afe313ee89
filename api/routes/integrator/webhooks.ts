/**
 * Webhook subscriptions for integrators (Standard Webhooks): an integrator subscribes a URL to event
 * types of the cases it started, and is sent each event signed with the subscription's `whsec_`
 * secret, retried with exponential backoff, in order per case. It manages its own subscriptions only
 * (someone else's answers 404; admins manage any): create (the secret is told once), list, delete,
 * rotate the secret (the previous one keeps signing for an overlap, so there is no gap), read the
 * delivery log and the dead-letter list, and replay the dead letters.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { wakeWebhookDelivery, webhookUrlProblem, type WebhookDispatch, type WebhookSubscription } from '../../../adapters/webhooks';
import { WebhookEventType } from '../../../domain/webhooks';
import { requireRole, type Principal } from '../../auth';
import { HttpProblem, ProblemSchema } from '../../problems';
import { CaseId } from '../../schemas';

const SubscriptionView = z
  .object({
    id: z.string(),
    url: z.string(),
    eventTypes: z.array(WebhookEventType),
    description: z.string().optional(),
    createdAt: z.string(),
    previousSecretExpiresAt: z.string().optional().meta({ description: 'Until then the previous secret signs too (after a rotation).' }),
  })
  .meta({ id: 'WebhookSubscription' });
const SubscriptionWithSecret = SubscriptionView.extend({
  secret: z.string().meta({ description: 'The signing secret (`whsec_…`), shown in this answer only: verify `webhook-signature` with it.' }),
}).meta({ id: 'WebhookSubscriptionWithSecret' });
const NewSubscriptionBody = z
  .object({
    url: z.string().max(2000).meta({ description: 'Where events are POSTed (http or https).' }),
    eventTypes: z.array(WebhookEventType).min(1).max(Object.keys(WebhookEventType.enum).length),
    description: z
      .string()
      .trim()
      .max(500)
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters')
      .optional(),
  })
  .meta({ id: 'NewWebhookSubscription' });
const RotateBody = z
  .object({
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(86_400)
      .meta({ description: 'How long the previous secret keeps signing beside the new one (default a day; 0 ends it now).' }),
  })
  .default({ overlapSeconds: 86_400 });
const SubscriptionParams = z.object({ subscriptionId: z.string().regex(/^sub_[a-f0-9]{16}$/, 'expected a subscription id') });
const DeliveryStatus = z.enum(['pending', 'delivered', 'dead']);
const DeliveryView = z
  .object({
    messageId: z.string().meta({ description: 'The `webhook-id`: the same on every attempt and replay.' }),
    eventType: WebhookEventType,
    caseId: z.string(),
    status: DeliveryStatus,
    attempts: z.number().int(),
    lastAttemptAt: z.string().optional(),
    lastStatus: z.number().int().optional().meta({ description: "The receiver's last HTTP status." }),
    lastError: z.string().optional(),
    nextAttemptAt: z.string().optional(),
    deliveredAt: z.string().optional(),
    deadAt: z.string().optional(),
    replays: z.number().int(),
    createdAt: z.string(),
    payload: z.unknown().meta({ description: 'The body sent: `{ type, timestamp, data }`.' }),
  })
  .meta({ id: 'WebhookDelivery' });
const DeliveryPage = z
  .object({ deliveries: z.array(DeliveryView), next: z.string().optional().meta({ description: 'Pass as `before` for the next (older) page.' }) })
  .meta({ id: 'WebhookDeliveryPage' });
const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
});
const ReplayBody = z.object({ caseId: CaseId.optional().meta({ description: "Replay only this case's dead letters." }) }).default({});
const ReplayAnswer = z
  .object({ messages: z.number().int().meta({ description: 'Messages queued again, in their order.' }), cases: z.array(z.string()) })
  .meta({ id: 'WebhookReplay' });
const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema };

const view = ({ owner: _owner, ...subscription }: WebhookSubscription) => subscription;

export const webhookRoutes: FastifyPluginAsyncZod<{ webhooks: WebhookDispatch }> = async (app, { webhooks }) => {
  const { store } = webhooks;

  /** The subscription, if the principal may manage it: its owner, or an admin. Anyone else learns nothing (404). */
  async function owned(principal: Principal, id: string): Promise<WebhookSubscription> {
    const subscription = await store.getSubscription(id);
    if (!subscription || (subscription.owner !== principal.id && !principal.roles.includes('admin'))) {
      throw new HttpProblem('not-found', `No webhook subscription "${id}".`);
    }
    return subscription;
  }

  app.post(
    '/webhooks/subscriptions',
    {
      schema: {
        tags: ['webhooks'],
        operationId: 'createWebhookSubscription',
        summary: 'Subscribe a URL to events of your cases; the signing secret is in this answer only',
        body: NewSubscriptionBody,
        response: { 201: SubscriptionWithSecret, 422: ProblemSchema, ...problems },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, 'integrator');
      const problem = webhookUrlProblem(request.body.url, webhooks.allowedHosts);
      if (problem) throw new HttpProblem('invalid-request', `url: ${problem}.`, [{ path: '/url', message: problem }]);
      // Stored as the URL parser writes it (control characters percent-encoded).
      const { subscription, secret } = await store.createSubscription({ owner: principal.id, ...request.body, url: new URL(request.body.url).href });
      return reply.status(201).header('location', `/webhooks/subscriptions/${subscription.id}`).header('cache-control', 'no-store').send({ ...view(subscription), secret });
    },
  );

  app.get(
    '/webhooks/subscriptions',
    {
      schema: {
        tags: ['webhooks'],
        operationId: 'listWebhookSubscriptions',
        summary: 'Your webhook subscriptions (never their secrets)',
        response: { 200: z.array(SubscriptionView), ...problems },
      },
    },
    async (request) => {
      const principal = requireRole(request, 'integrator');
      return (await store.listSubscriptions(principal.roles.includes('admin') ? undefined : principal.id)).map(view);
    },
  );

  app.delete(
    '/webhooks/subscriptions/:subscriptionId',
    {
      schema: {
        tags: ['webhooks'],
        operationId: 'deleteWebhookSubscription',
        summary: 'Delete a subscription and its delivery log: nothing more is sent',
        params: SubscriptionParams,
        response: { 204: z.null().meta({ description: 'Deleted.' }), 404: ProblemSchema, ...problems },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, 'integrator');
      await owned(principal, request.params.subscriptionId);
      await store.deleteSubscription(request.params.subscriptionId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/webhooks/subscriptions/:subscriptionId/secret/rotate',
    {
      schema: {
        tags: ['webhooks'],
        operationId: 'rotateWebhookSecret',
        summary: 'A new signing secret; the previous one keeps signing beside it for the overlap, so receivers switch without a gap',
        params: SubscriptionParams,
        body: RotateBody,
        response: { 200: SubscriptionWithSecret, 404: ProblemSchema, ...problems },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, 'integrator');
      await owned(principal, request.params.subscriptionId);
      const rotated = await store.rotateSecret(request.params.subscriptionId, request.body.overlapSeconds * 1000);
      if (!rotated) throw new HttpProblem('not-found', `No webhook subscription "${request.params.subscriptionId}".`);
      return reply.header('cache-control', 'no-store').send({ ...view(rotated.subscription), secret: rotated.secret });
    },
  );

  app.get(
    '/webhooks/subscriptions/:subscriptionId/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        operationId: 'listWebhookDeliveries',
        summary: "The subscription's delivery log, newest first: each message, its attempts and the receiver's last answer",
        params: SubscriptionParams,
        querystring: PageQuery.extend({ status: DeliveryStatus.optional() }),
        response: { 200: DeliveryPage, 404: ProblemSchema, ...problems },
      },
    },
    async (request) => {
      const principal = requireRole(request, 'integrator');
      await owned(principal, request.params.subscriptionId);
      return page(await store.listDeliveries(request.params.subscriptionId, request.query), request.query.limit);
    },
  );

  app.get(
    '/webhooks/subscriptions/:subscriptionId/dead-letters',
    {
      schema: {
        tags: ['webhooks'],
        operationId: 'listWebhookDeadLetters',
        summary: 'Messages not delivered within the retry window (and the later messages of their cases, held behind them), newest first',
        params: SubscriptionParams,
        querystring: PageQuery,
        response: { 200: DeliveryPage, 404: ProblemSchema, ...problems },
      },
    },
    async (request) => {
      const principal = requireRole(request, 'integrator');
      await owned(principal, request.params.subscriptionId);
      return page(await store.listDeliveries(request.params.subscriptionId, { ...request.query, status: 'dead' }), request.query.limit);
    },
  );

  app.post(
    '/webhooks/subscriptions/:subscriptionId/dead-letters/replay',
    {
      schema: {
        tags: ['webhooks'],
        operationId: 'replayWebhookDeadLetters',
        summary: 'Send the dead letters again (all, or one case’s), in their order, with their original webhook-id',
        params: SubscriptionParams,
        body: ReplayBody,
        response: { 202: ReplayAnswer, 404: ProblemSchema, ...problems },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, 'integrator');
      const { subscriptionId } = request.params;
      await owned(principal, subscriptionId);
      const replayed = await store.replay(subscriptionId, request.body.caseId);
      const { client, taskQueue } = app.temporal;
      for (const caseId of replayed.cases) await wakeWebhookDelivery(client, taskQueue, { subscriptionId, caseId, retry: webhooks.retry });
      return reply.status(202).send(replayed);
    },
  );
};

function page<T extends { seq: number }>(rows: T[], limit: number) {
  const deliveries = rows.map(({ seq: _seq, ...delivery }) => delivery);
  const last = rows[rows.length - 1];
  return { deliveries, ...(rows.length === limit && last ? { next: String(last.seq) } : {}) };
}
