/**
 * RFC 9457 problem details: every error the API returns is `application/problem+json` with a stable
 * `type`. This module maps what the engine throws (definition errors, workflow failures, Temporal
 * client errors, request validation) to problems, and hides the details of anything unexpected.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isDatabaseOutage } from '../adapters/db/outage';
import { ProviderError } from '../adapters/provider-http';
import { DefinitionError, DefinitionNotFoundError, VersionConflictError } from '../definitions/errors';
import { DomainRuleError, FailureType } from '../domain/errors';
import {
  IdempotencyKeyReusedError,
  InvalidApplicationError,
  InvalidPageTokenError,
  ItemNotActionableError,
  NoCaseAccessError,
  UnknownItemError,
  WrongDepartmentError,
} from './services/errors';

/** Stable problem types; each is documented at `GET /problems/{slug}`. */
export const ProblemTypes = {
  'malformed-request': { status: 400, title: 'The request is malformed' },
  unauthenticated: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'Not allowed for this principal' },
  'wrong-department': { status: 403, title: 'Another department is responsible' },
  'not-found': { status: 404, title: 'No such resource' },
  'unknown-item': { status: 404, title: 'The case has no such item' },
  'illegal-transition': { status: 409, title: 'Not allowed in the current state' },
  'version-conflict': { status: 409, title: 'This version is already published with different content' },
  'idempotency-key-reused': { status: 422, title: 'The Idempotency-Key was used for a different request' },
  'invalid-definition': { status: 422, title: 'The bundle definition is invalid' },
  'invalid-application': { status: 422, title: 'The application is invalid' },
  'invalid-request': { status: 422, title: 'The request cannot be carried out as given' },
  'not-eligible': { status: 422, title: 'The applicant is not eligible' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  unavailable: { status: 503, title: 'A backing service is unavailable' },
  'temporal-unavailable': { status: 503, title: 'The workflow service (Temporal) is not answering; retry later' },
  'worker-unavailable': { status: 503, title: 'No workflow worker is answering; retry later' },
  'database-unavailable': { status: 503, title: 'The application database is not answering; retry later' },
  internal: { status: 500, title: 'Internal error' },
} as const;
export type ProblemSlug = keyof typeof ProblemTypes;

/** One invalid field or definition path inside a problem. */
export interface ProblemIssue {
  path: string;
  code?: string;
  message: string;
  hint?: string;
}

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), code: z.string().optional(), message: z.string(), hint: z.string().optional() }))
      .optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });
export type Problem = z.infer<typeof ProblemSchema>;

/** An error that is already a problem: thrown by routes, rendered as is. */
export class HttpProblem extends Error {
  constructor(
    readonly slug: ProblemSlug,
    readonly detail?: string,
    readonly errors?: ProblemIssue[],
  ) {
    super(detail ?? ProblemTypes[slug].title);
  }
}

export function problem(slug: ProblemSlug, detail?: string, errors?: ProblemIssue[], instance?: string): Problem {
  const { status, title } = ProblemTypes[slug];
  return { type: `/problems/${slug}`, title, status, ...(detail ? { detail } : {}), ...(instance ? { instance } : {}), ...(errors ? { errors } : {}) };
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.status(body.status).type('application/problem+json').send(body);
}

/**
 * Maps anything thrown by a route or a service to a problem: the one place where what went wrong
 * becomes a status. Unknown errors become a 500 without details.
 */
export function toProblem(error: unknown, request: FastifyRequest): Problem {
  const instance = request.url;
  if (error instanceof HttpProblem) return problem(error.slug, error.detail, error.errors, instance);
  const refusal = fromServiceError(error, instance);
  if (refusal) return refusal;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext ?? 'body';
    const errors = error.validation.map((v) => ({
      path: `/${where}${v.instancePath}`,
      code: v.keyword,
      message: v.message ?? 'invalid',
    }));
    return problem('malformed-request', `The ${where} does not match the schema.`, errors, instance);
  }
  if (error instanceof DefinitionError) {
    return problem('invalid-definition', error.message, error.issues.map(({ path, code, message, hint }) => ({ path, code, message, hint })), instance);
  }
  if (error instanceof VersionConflictError) return problem('version-conflict', error.message, undefined, instance);
  if (error instanceof DefinitionNotFoundError) return problem('not-found', error.message, undefined, instance);
  if (error instanceof WorkflowNotFoundError) return problem('not-found', 'No such case.', undefined, instance);
  if (error instanceof WorkflowExecutionAlreadyStartedError) return problem('illegal-transition', error.message, undefined, instance);
  if (error instanceof WorkflowUpdateFailedError) return fromFailure(error.cause, instance);
  if (isGrpcServiceError(error) && /workflow execution already completed/i.test(error.message)) {
    return problem('illegal-transition', 'The case or item is already closed.', undefined, instance);
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.statusCode === 413) return problem('payload-too-large', fastifyError.message, undefined, instance);
  if (fastifyError.statusCode === 415) return problem('unsupported-media-type', fastifyError.message, undefined, instance);
  if (fastifyError.statusCode === 429) return problem('too-many-requests', fastifyError.message, undefined, instance);
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    // Fastify's own client errors: bad JSON, wrong content type, and the like.
    return problem('malformed-request', fastifyError.message, undefined, instance);
  }
  if (isGrpcServiceError(error) && error.code === 3 /* INVALID_ARGUMENT, e.g. a forged page token */) {
    return problem('malformed-request', 'The request was refused by the workflow service as invalid.', undefined, instance);
  }
  if (isDatabaseOutage(error)) {
    return problem('database-unavailable', 'The database did not answer (restarting, or out of connections); retry later with the same Idempotency-Key.', undefined, instance);
  }
  const outage = temporalOutage(error);
  if (outage) return problem(outage === 'no-worker' ? 'worker-unavailable' : 'temporal-unavailable', undefined, undefined, instance);
  // An outside platform the request asks (the electronic-licence library when a case starts) failed
  // in a way that may pass (5xx, 429, timeout, cut connection): the client retries, not a 500.
  if (error instanceof ProviderError && error.retryable) {
    return problem('unavailable', `An outside service did not answer (${error.name}); retry later with the same Idempotency-Key.`, undefined, instance);
  }
  return problem('internal', undefined, undefined, instance);
}

/** Seconds a client is asked to wait (`Retry-After`) after a 503. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * What a failed Temporal call says about the services behind it, looking through the client's
 * wrappers (`ServiceError`, `WorkflowUpdateRPCTimeoutOrCancelledError`… carry the gRPC error as
 * `cause`): `temporal-down` (UNAVAILABLE: nothing answers at the address), `no-answer` (the
 * deadline passed or the call was cancelled at it: Temporal or the worker is silent), `no-worker`
 * (Temporal answered that no worker polls, or that the workflow's task keeps failing).
 */
export type TemporalOutage = 'temporal-down' | 'no-answer' | 'no-worker';

export function temporalOutage(error: unknown): TemporalOutage | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++, current = current.cause) {
    if (isGrpcServiceError(current)) {
      if (current.code === 14 /* UNAVAILABLE */) return 'temporal-down';
      if (current.code === 4 /* DEADLINE_EXCEEDED */ || current.code === 1 /* CANCELLED */) return 'no-answer';
    }
    if (/no poller seen|workflow task in failed state/i.test(current.message)) return 'no-worker';
  }
  return undefined;
}

/** What the API's services refuse (`api/services/errors.ts`), and a domain rule's refusal met outside a workflow. */
function fromServiceError(error: unknown, instance: string): Problem | undefined {
  if (error instanceof DomainRuleError) return fromRefusal(error.type, error.message, error.details, instance);
  if (error instanceof InvalidApplicationError) return problem('invalid-application', error.message, error.issues, instance);
  if (error instanceof IdempotencyKeyReusedError) return problem('idempotency-key-reused', error.message, undefined, instance);
  if (error instanceof NoCaseAccessError) return problem('forbidden', error.message, undefined, instance);
  if (error instanceof UnknownItemError) return problem('unknown-item', error.message, undefined, instance);
  if (error instanceof WrongDepartmentError) return problem('wrong-department', error.message, undefined, instance);
  if (error instanceof ItemNotActionableError) return problem('illegal-transition', error.message, undefined, instance);
  if (error instanceof InvalidPageTokenError) {
    return problem('malformed-request', error.message, [{ path: '/querystring/pageToken', message: 'invalid page token' }], instance);
  }
  return undefined;
}

/** The problem of each failure type of the domain rules, raised in a workflow or met in the API. */
const FAILURE_SLUGS: Record<string, ProblemSlug> = {
  [FailureType.IllegalTransition]: 'illegal-transition',
  [FailureType.WrongDepartment]: 'wrong-department',
  [FailureType.UnknownItem]: 'unknown-item',
  [FailureType.InvalidRequest]: 'invalid-request',
  [FailureType.NotEligible]: 'not-eligible',
  [FailureType.DeadlinePassed]: 'illegal-transition',
};

/** Workflow update failures carry an `ApplicationFailure` whose `type` says what went wrong. */
function fromFailure(cause: unknown, instance: string): Problem {
  if (!(cause instanceof ApplicationFailure)) return problem('internal', undefined, undefined, instance);
  return fromRefusal(cause.type ?? '', cause.message, cause.details?.[0], instance);
}

function fromRefusal(type: string, message: string, details: unknown, instance: string): Problem {
  // Failures that list materials (missing core materials, say) name each one as an error path.
  const missing = (details as { missing?: unknown } | undefined)?.missing;
  const errors = Array.isArray(missing)
    ? missing.map((id) => ({ path: `/materials/${String(id)}`, code: 'missing', message: `material "${String(id)}" is missing` }))
    : undefined;
  return problem(FAILURE_SLUGS[type] ?? 'invalid-request', message, errors, instance);
}

/** Installs the error and not-found handlers on the root instance. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const body = toProblem(error, request);
    // Every 5xx is logged with its cause (the client sees none of it): 503s as warnings, 500s as errors.
    if (body.status === 503) request.log.warn({ err: error, problem: body.type }, 'request failed: backing service unavailable');
    else if (body.status >= 500) request.log.error({ err: error, problem: body.type }, 'request failed');
    if (body.status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return sendProblem(reply, body);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem('not-found', `No route ${request.method} ${request.url}.`, undefined, request.url)),
  );
}
