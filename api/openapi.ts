/**
 * The OpenAPI document (`/openapi.json`): generated from the routes' zod schemas, then completed in one
 * place so that it tells the truth about what the app does whatever a route file declares:
 *
 * - OpenAPI 3.1 (JSON Schema 2020-12), with `servers`;
 * - every error response is `application/problem+json` with the `Problem` schema, described by the
 *   problem types of its status; the errors every route can give (401 behind authentication, 400 with
 *   input, 413/415 with a body, 429, 500, 503 where a backing service is needed) are declared;
 * - public routes say `security: []`;
 * - responses have descriptions and their headers (`Location`, `Idempotent-Replayed`, `Retry-After`);
 * - the upload route has its request bodies: raw binary, or a multipart form with one file;
 * - components no operation uses are left out.
 */
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { ProblemTypes } from './problems';

type Json = Record<string, unknown>;
type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: Json;
  responses?: Record<string, Json>;
  security?: unknown[];
};

/** Routes anyone may call without a key (registered outside the authenticated scope in `app.ts`). */
export const PUBLIC_ROUTES: readonly RegExp[] = [/^\/health$/, /^\/definitions\/schema$/, /^\/lifecycle$/, /^\/problems\//, /^\/seals\//, /^\/material-links$/];

/** Tags of the operations that need Temporal: they answer 503 when it (or the worker) is unreachable. */
const TEMPORAL_TAGS = new Set(['cases', 'window', 'departments', 'supervision']);
/** Other operations that need a backing service that may be missing or down (blob store, licence library). */
const SERVICE_OPERATIONS = new Set(['getPrefill', 'uploadMaterial']);

const header = (description: string, schema: Json = { type: 'string' }) => ({ description, schema });
const LOCATION = header('Where the created (or already existing) resource is.', { type: 'string', format: 'uri-reference' });
const REPLAYED = header('"true" when an earlier request with the same Idempotency-Key already did this: the response repeats its outcome.', {
  type: 'string',
  enum: ['true'],
});
const RETRY_AFTER = header('Seconds to wait before trying again.', { type: 'integer', minimum: 0 });

/** Success responses whose meaning the operation's summary does not say; and their headers. */
const SUCCESS: Record<string, Record<string, { description: string; headers?: Record<string, Json> }>> = {
  startCase: {
    '201': { description: 'The case is started.', headers: { Location: LOCATION } },
    '200': {
      description: 'The same Idempotency-Key started this case already: the same case, nothing new started.',
      headers: { Location: LOCATION, 'Idempotent-Replayed': REPLAYED },
    },
  },
  publishDefinition: {
    '201': { description: 'The version is published.', headers: { Location: LOCATION } },
    '200': { description: 'This version is already published with identical content.', headers: { Location: LOCATION } },
  },
  createApiKey: { '201': { description: 'The key is minted; the plain key is in this answer only (Cache-Control: no-store).', headers: { Location: LOCATION } } },
  deleteApiKey: { '204': { description: 'The key is deleted and stops working at once.' } },
  uploadMaterial: { '201': { description: 'Stored once (content-addressed); reference it by sha256 or ref in POST /cases.' } },
  verifySeal: { '200': { description: 'The verdict: valid, invalid (with a reason) or revoked. An invalid seal is not an error of the request.' } },
  health: { '200': { description: 'The API process answers.' } },
  getCaseMaterialContent: {
    '200': {
      description: "The bytes, as their upload's media type; inline, sandboxed (Content-Security-Policy: sandbox), never sniffed.",
      headers: { ETag: header('The sha256 of the bytes, quoted.'), 'Content-Disposition': header('inline, with the material\'s name as filename*.') },
    },
  },
  openMaterialLink: {
    '200': {
      description: "The bytes, as their upload's media type; inline, sandboxed (Content-Security-Policy: sandbox), never sniffed.",
      headers: { ETag: header('The sha256 of the bytes, quoted.'), 'Content-Disposition': header('inline, with the material\'s name as filename*.') },
    },
  },
};

/** Operations that produce another media type than JSON. */
const MEDIA_TYPES: Record<string, string> = {
  getForm: 'application/schema+json',
  getDefinitionSchema: 'application/schema+json',
  getFormTypes: 'application/typescript',
  getCaseMaterialContent: 'application/octet-stream', // in truth the upload's own media type (PDF, JPEG, PNG…)
  openMaterialLink: 'application/octet-stream',
};

/** Summaries for operations whose route declares none. */
const SUMMARIES: Record<string, string> = { health: 'Whether the API answers' };

/** The media types an upload may have by default; a material's definition may list others. */
const UPLOAD_MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png', '*/*'];

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

export interface OpenApiOptions {
  /** Where clients reach the API; by default relative to where the document is served. */
  servers?: Array<{ url: string; description?: string }>;
}

/** The `@fastify/swagger` options of the app. */
export function openApiOptions(options: OpenApiOptions = {}): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'yijianshi — one thing (高效办成一件事) API',
        version: '1',
        description:
          'Start and follow "one thing" cases, decide their items per department, publish bundle definitions, verify seals. ' +
          'Errors are RFC 9457 problem details; each problem type is documented at /problems/{slug}.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: options.servers ?? [{ url: '/', description: 'This server' }],
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (integrators), or an OpenID Connect access token, a JWT (people signed in)' } } },
      security: [{ apiKey: [] }],
      tags: [
        { name: 'cases', description: 'Start and follow cases' },
        { name: 'window', description: 'The one window (一窗受理)' },
        { name: 'departments', description: 'Department decisions and inboxes' },
        { name: 'definitions', description: 'Bundle definitions for policy designers' },
        { name: 'supervision', description: 'The supervision desk (电子监察): cards and defaults' },
        { name: 'forms', description: 'One form, one set of materials, the four reductions' },
        { name: 'seals', description: 'Verify electronic seals (电子印章); public' },
        { name: 'admin', description: 'API keys for departments and roles' },
        { name: 'meta', description: 'Health, schemas and docs' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => completeDocument(jsonSchemaTransformObject(document) as Json),
  } as FastifyDynamicSwaggerOptions;
}

/** Completes the generated document (see the module comment); pure, exported for tests. */
export function completeDocument(document: Json): Json {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const operation of Object.values(item)) completeOperation(path, operation);
  }
  pruneComponents(document);
  return document;
}

function completeOperation(path: string, operation: Operation): void {
  const id = operation.operationId ?? '';
  const isPublic = PUBLIC_ROUTES.some((pattern) => pattern.test(path));
  if (isPublic) operation.security = [];
  operation.summary ??= SUMMARIES[id];
  const responses = (operation.responses ??= {});

  const expected: number[] = [429, 500];
  if (!isPublic) expected.push(401);
  if ((operation.parameters?.length ?? 0) > 0 || operation.requestBody) expected.push(400);
  if (operation.requestBody) expected.push(413, 415);
  if (SERVICE_OPERATIONS.has(id) || operation.tags?.some((tag) => TEMPORAL_TAGS.has(tag))) expected.push(503);
  for (const status of expected) responses[String(status)] ??= {};

  for (const [status, response] of Object.entries(responses)) {
    if (isError(status)) completeError(status, response);
    else completeSuccess(id, operation, status, response);
  }
  if (id === 'uploadMaterial') operation.requestBody = uploadBody();
}

const isError = (status: string) => status === 'default' || Number(status) >= 400;

function completeError(status: string, response: Json): void {
  response.description = errorDescription(Number(status));
  response.content = { 'application/problem+json': { schema: PROBLEM_REF } };
  if (status === '429' || status === '503') response.headers = { 'Retry-After': RETRY_AFTER };
}

/** "Title (type), title (type)" of every problem type with that status. */
function errorDescription(status: number): string {
  const types = Object.entries(ProblemTypes).filter(([, t]) => t.status === status);
  if (types.length === 0) return `Error ${status}.`;
  return types.map(([slug, t]) => `${t.title} (/problems/${slug})`).join('; ') + '.';
}

function completeSuccess(id: string, operation: Operation, status: string, response: Json): void {
  const known = SUCCESS[id]?.[status];
  if (known) {
    response.description = known.description;
    if (known.headers) response.headers = known.headers;
  } else if (!response.description || response.description === 'Default Response') {
    response.description = operation.summary ?? 'Done.';
  }
  // Every operation that takes an Idempotency-Key says so when it answers a retry with the first outcome.
  const idempotent = operation.parameters?.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
  if (idempotent && status === '200') response.headers = { ...(response.headers as Json | undefined), 'Idempotent-Replayed': REPLAYED };
  const mediaType = MEDIA_TYPES[id];
  if (mediaType) {
    const schema = ((response.content as Record<string, { schema?: Json }> | undefined)?.['application/json']?.schema ??
      (mediaType === 'application/schema+json' ? { type: 'object' } : { type: 'string' })) as Json;
    response.content = { [mediaType]: { schema } };
  }
}

function uploadBody(): Json {
  return {
    required: true,
    description:
      "The material's bytes, with their media type as Content-Type, or a multipart/form-data form with one file in field \"file\": " +
      "a media type the material's definition lists (PDF, JPEG or PNG when it lists none), " +
      "and no larger than its maxBytes (10 MiB by default). The bytes are checked against the declared type.",
    content: {
      // Browsers send a form: the same rules apply to its one file (its part's Content-Type is the declared type).
      'multipart/form-data': {
        schema: {
          type: 'object',
          required: ['file'],
          properties: { file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'The one file; its part declares its media type.' } },
        },
        encoding: { file: { contentType: UPLOAD_MEDIA_TYPES.join(', ') } },
      },
      ...Object.fromEntries(UPLOAD_MEDIA_TYPES.map((type) => [type, { schema: { type: 'string', contentMediaType: type === '*/*' ? 'application/octet-stream' : type } }])),
    },
  };
}

/** Drops every component schema that no operation reaches, directly or through other components. */
function pruneComponents(document: Json): void {
  const components = document.components as { schemas?: Record<string, unknown> } | undefined;
  const schemas = components?.schemas;
  if (!schemas) return;
  const used = new Set<string>();
  const pending: unknown[] = [{ ...document, components: { ...components, schemas: {} } }];
  while (pending.length > 0) {
    const value = pending.pop();
    if (Array.isArray(value)) pending.push(...value);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const name = key === '$ref' && typeof child === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(child)?.[1] : undefined;
        if (name !== undefined && !used.has(name)) {
          used.add(name);
          pending.push(schemas[name]);
        } else pending.push(child);
      }
    }
  }
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}
