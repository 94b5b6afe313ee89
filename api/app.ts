/**
 * The HTTP application as a fastify plugin tree: public routes (health, docs, OpenAPI) at the root,
 * everything else behind authentication. Only `runtime/` listens; tests `inject`.
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
import { authentication, type Authenticator } from './auth';
import { installJsonBodyParser } from './json-body';
import { openApiOptions, type OpenApiOptions } from './openapi';
import { exposeRequestIds, loggingOptions, type LoggerOption } from './logging';
import { installProblemHandlers } from './problems';
import { security } from './security';
import { temporalDeadlines } from './temporal-deadline';
import { adminRoutes, type ApiKeyStore } from './routes/admin';
import { caseRoutes } from './routes/cases';
import { definitionRoutes } from './routes/definitions';
import { formRoutes } from './routes/forms';
import { departmentRoutes } from './routes/departments';
import { metaRoutes } from './routes/meta';
import { supervisionRoutes } from './routes/supervision';
import { sealRoutes } from './routes/seals';
import { CaseService } from './services/case-service';
import { computeStatistics } from './services/statistics';

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

  await app.register(rateLimit, {
    max: options.rateLimitPerMinute ?? 6000,
    timeWindow: '1 minute',
    // A valid key is limited as its principal; anything else (no key, a made-up one) by address, so
    // rotating fake keys does not escape the limit.
    keyGenerator: (request) => {
      const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const principal = token ? options.authenticator.authenticate(token) : undefined;
      return principal ? `principal:${principal.id}` : `ip:${request.ip}`;
    },
  });
  await app.register(swagger, openApiOptions({ servers: options.servers }));
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const cases = new CaseService(options.client, options.registry, options.namespace, options.taskQueue, options.documents, {
    blobs: options.blobs,
    certificates: options.certificates,
  });
  await app.register(metaRoutes);
  if (options.keys) {
    await app.register(sealRoutes, { keys: options.keys, documents: options.documents, verifyRatePerMinute: options.sealVerifyRatePerMinute });
  }
  await app.register(async (secured) => {
    await secured.register(authentication, { authenticator: options.authenticator });
    await secured.register(temporalDeadlines, { client: options.client, timeoutMs: options.temporalTimeoutMs });
    await secured.register(definitionRoutes, { registry: options.registry });
    await secured.register(formRoutes, { registry: options.registry, blobs: options.blobs, certificates: options.certificates });
    await secured.register(caseRoutes, { cases });
    if (options.apiKeys) await secured.register(adminRoutes, { store: options.apiKeys });
    await secured.register(departmentRoutes, { cases });
    await secured.register(supervisionRoutes, {
      cases,
      statistics: (bundleId) => computeStatistics(options.client, options.namespace, { bundleId }),
    });
  });
  return app;
}
