/**
 * The HTTP application as a fastify plugin tree. Only `runtime/` listens; tests `inject`.
 *
 * - The root: problem handlers, the strict JSON parser, request ids, security headers and CORS,
 *   `identification` (who sent the request, once per request), the rate limit (by principal, else by
 *   address), the OpenAPI document and its docs.
 * - Services (`services/`): named plugins taking an options object and declaring what they depend on,
 *   decorated on the root: `app.temporal`, `app.cases`, `app.itemListing`, `app.statistics`, `app.seals`, `app.reviews`.
 *   They throw the errors of `services/errors.ts`; `toProblem` (`problems.ts`) alone makes them HTTP.
 * - Routes (`routes/<audience>/<resource>.ts`), in folders named for who calls them: `public/` needs no
 *   key (meta, seals); the rest sits in the authenticated scope: `applicant/` (integrators, and the
 *   window on the applicant's behalf: cases, materials, supplements), `window/` (acceptance),
 *   `department/` (items, commitments, inbox), `supervision/` (items, statistics, reviews and rectifications), `designer/`
 *   (definitions, forms), `admin/` (API keys). A folder says who a route is for; every route still
 *   checks the roles it needs itself.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { DocumentStore } from '../adapters/documents';
import type { KeyStore } from '../adapters/keystore';
import type { BlobStore } from '../adapters/blobs';
import type { CertificateLibrary } from '../adapters/certificates';
import type { DefinitionRegistry } from '../definitions/registry';
import type { ApiKeyStore } from '../adapters/api-keys';
import type { ReadModelStore } from '../adapters/read-model';
import { authentication, identification, type Authenticator } from './auth';
import { installJsonBodyParser } from './json-body';
import { openApiOptions, type OpenApiOptions } from './openapi';
import { exposeRequestIds, loggingOptions, type LoggerOption } from './logging';
import { installProblemHandlers } from './problems';
import { security } from './security';
import { temporalDeadlines } from './temporal-deadline';
import { webScreens, type WebOptions } from './web';
import { apiKeyRoutes } from './routes/admin/api-keys';
import { readModelRoutes } from './routes/admin/read-model';
import { reviewRoutes } from './routes/applicant/reviews';
import { rectificationRoutes } from './routes/supervision/rectifications';
import { notificationRoutes } from './routes/admin/notifications';
import { noticeRoutes } from './routes/applicant/notices';
import { webhookRoutes } from './routes/integrator/webhooks';
import type { WebhookDispatch } from '../adapters/webhooks';
import type { NoticeDispatch } from '../adapters/notices';
import { caseRoutes } from './routes/applicant/cases';
import { materialRoutes } from './routes/applicant/materials';
import { myCaseRoutes } from './routes/applicant/my-cases';
import { supplementRoutes } from './routes/applicant/supplements';
import { withdrawalRoutes } from './routes/applicant/withdrawal';
import { caseFileRoutes, materialLinkRoutes } from './routes/department/case-files';
import { commitmentRoutes } from './routes/department/commitments';
import { inboxRoutes } from './routes/department/inbox';
import { itemRoutes } from './routes/department/items';
import { stepRoutes, type PeopleLookup } from './routes/department/steps';
import { definitionRoutes } from './routes/designer/definitions';
import { formRoutes } from './routes/designer/forms';
import { metaRoutes } from './routes/public/meta';
import { sealRoutes } from './routes/public/seals';
import { statisticsRoutes } from './routes/supervision/statistics';
import { supervisedItemRoutes } from './routes/supervision/items';
import { acceptanceRoutes } from './routes/window/acceptance';
import { windowApplicationRoutes } from './routes/window/applications';
import { caseService } from './services/case-service';
import { itemListing } from './services/item-listing';
import { sealVerification } from './services/seal-verification';
import { statistics } from './services/statistics';
import { reviewService } from './services/reviews';
import type { ReviewStore } from '../adapters/reviews';
import type { CaseNumberSequence } from '../adapters/case-numbers';
import { temporal } from './services/temporal';

export interface AppOptions {
  client: Client;
  namespace: string;
  registry: DefinitionRegistry;
  authenticator: Authenticator;
  taskQueue?: string;
  /** JSON request and error log (`true`: info to stdout); none by default. */
  logger?: LoggerOption;
  /** Browser origins allowed cross-origin (CORS); none by default. */
  corsOrigins?: readonly string[];
  /** Bound on a request's Temporal calls, in ms: past it the answer is a 503 (default 5000). */
  temporalTimeoutMs?: number;
  /** Requests per minute per principal (or address, before authentication). */
  rateLimitPerMinute?: number;
  /** `POST /seals/verify` per minute per address, a budget apart from the one above (default 600). */
  sealVerifyRatePerMinute?: number;
  /** Uploaded materials (one set of materials: uploaded once, linked to every item). */
  blobs?: BlobStore;
  /** The electronic-licence library (电子证照库): pre-fill, and materials never asked for. */
  certificates?: CertificateLibrary;
  /** The departments' seal keys: with them, the public seal routes (`/seals/*`) are served. */
  keys?: KeyStore;
  /** Where revocations are recorded, for `/seals/verify`; without it no seal reads as revoked. */
  documents?: DocumentStore;
  /** Where clients reach the API, for the OpenAPI document's `servers` (default: where it is served). */
  servers?: OpenApiOptions['servers'];
  /** The API key store: with it, admins mint, list and delete keys at `/admin/api-keys`. */
  apiKeys?: ApiKeyStore;
  /**
   * The read model the case workflows write: inboxes, the supervision desk and statistics read it,
   * and a case's progress falls back to it when the worker does not answer. Without it (tests
   * without a database) they read Temporal visibility and Queries only.
   */
  readModel?: ReadModelStore;
  /** The people directory: whom a step can be transferred or assigned to (the embedded provider's people). */
  people?: PeopleLookup;
  /** How long `GET /cases/:id` waits for the worker before answering from the read model (ms, default 2000). */
  progressFallbackMs?: number;
  /** The web screens (built web/dist) served at `/` and their own paths, never over an API route (`web.ts`). */
  web?: WebOptions;
  /** Webhook subscriptions for integrators (`/webhooks/*`), and the retry policy of their deliveries. */
  webhooks?: WebhookDispatch;
  /** Notification delivery: applicants' in-app notices (`/me/notices`), failures for admins. */
  notices?: Pick<NoticeDispatch, 'store' | 'retry'>;
  /** 好差评: ratings and rectifications (`/cases/:caseId/reviews`, `/reviews`, `/rectifications`), and their figures in statistics. */
  reviews?: ReviewStore;
  /** Where case numbers (办件编号) are drawn (the database's counters in every deployment); without it cases have none. */
  caseNumbers?: CaseNumberSequence;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...loggingOptions(options.logger),
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { coerceTypes: false } },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandlers(app);
  installJsonBodyParser(app);
  exposeRequestIds(app);
  // Before anything that can answer early (CORS preflights, rate limits), so every answer has the headers.
  await app.register(security, { corsOrigins: options.corsOrigins });
  await app.register(identification, { authenticator: options.authenticator });
  await app.register(rateLimit, {
    max: options.rateLimitPerMinute ?? 6000,
    timeWindow: '1 minute',
    // A valid key is limited as its principal; anything else (no key, a made-up one) by address, so
    // rotating fake keys does not escape the limit.
    keyGenerator: (request) => (request.principal ? `principal:${request.principal.id}` : `ip:${request.ip}`),
  });
  await app.register(swagger, openApiOptions({ servers: options.servers }));
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(temporal, { client: options.client, namespace: options.namespace, taskQueue: options.taskQueue });
  await app.register(caseService, {
    registry: options.registry,
    documents: options.documents,
    blobs: options.blobs,
    certificates: options.certificates,
    readModel: options.readModel,
    progressFallbackMs: options.progressFallbackMs,
    caseNumbers: options.caseNumbers,
  });
  await app.register(itemListing, { readModel: options.readModel });
  await app.register(statistics, { readModel: options.readModel, reviews: options.reviews });
  if (options.reviews) await app.register(reviewService, { store: options.reviews, registry: options.registry, webhooks: options.webhooks });
  if (options.keys) await app.register(sealVerification, { keys: options.keys, documents: options.documents });

  if (options.web) await app.register(webScreens, options.web);
  await app.register(metaRoutes);
  if (options.keys) await app.register(sealRoutes, { verifyRatePerMinute: options.sealVerifyRatePerMinute });
  // A material link's sealed token is its permission: a browser tab opens it without a key.
  await app.register(materialLinkRoutes, { blobs: options.blobs });
  await app.register(async (secured) => {
    await secured.register(authentication);
    await secured.register(temporalDeadlines, { timeoutMs: options.temporalTimeoutMs });
    await secured.register(definitionRoutes, { registry: options.registry });
    await secured.register(formRoutes, { registry: options.registry });
    await secured.register(materialRoutes, { registry: options.registry, blobs: options.blobs, certificates: options.certificates });
    await secured.register(caseRoutes, { registry: options.registry });
    await secured.register(caseFileRoutes, { registry: options.registry, blobs: options.blobs, certificates: options.certificates });
    await secured.register(supplementRoutes);
    await secured.register(withdrawalRoutes);
    await secured.register(acceptanceRoutes);
    await secured.register(windowApplicationRoutes, { registry: options.registry });
    await secured.register(itemRoutes);
    await secured.register(stepRoutes, { people: options.people });
    await secured.register(commitmentRoutes);
    await secured.register(inboxRoutes);
    await secured.register(supervisedItemRoutes);
    await secured.register(statisticsRoutes);
    if (options.apiKeys) await secured.register(apiKeyRoutes, { store: options.apiKeys });
    if (options.readModel) await secured.register(readModelRoutes, { readModel: options.readModel });
    if (options.readModel) await secured.register(myCaseRoutes, { readModel: options.readModel });
    if (options.reviews) await secured.register(reviewRoutes);
    if (options.reviews) await secured.register(rectificationRoutes);
    if (options.webhooks) await secured.register(webhookRoutes, { webhooks: options.webhooks });
    if (options.notices) await secured.register(noticeRoutes, { notices: options.notices.store });
    if (options.notices) await secured.register(notificationRoutes, { notices: options.notices.store, retry: options.notices.retry });
  });
  return app;
}
