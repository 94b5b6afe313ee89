/**
 * Which 503 a Temporal client error becomes, through the client's wrappers. The integration test
 * (`test/integration/api/unavailable.test.ts`) meets the silent cases on real servers; the server's
 * explicit refusals ("no poller seen", a failing workflow task) are built here as the client sees them.
 */
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { isDatabaseOutage } from '../../../adapters/db/outage';
import { temporalOutage, toProblem } from '../../../api/problems';

/** A gRPC error as @grpc/grpc-js makes it. */
function grpcError(code: number, name: string, details: string): Error {
  return Object.assign(new Error(`${code} ${name}: ${details}`), { code, details, metadata: {} });
}

const request = { url: '/cases/c1' } as FastifyRequest;
const typeOf = (error: unknown) => toProblem(error, request).type;

describe('temporalOutage', () => {
  it('reads UNAVAILABLE as Temporal down, also wrapped as a ServiceError', () => {
    const down = grpcError(14, 'UNAVAILABLE', 'No connection established');
    expect(temporalOutage(down)).toBe('temporal-down');
    expect(temporalOutage(new ServiceError('Failed to query Workflow', { cause: down }))).toBe('temporal-down');
    expect(typeOf(new ServiceError('Failed to query Workflow', { cause: down }))).toBe('/problems/temporal-unavailable');
  });

  it('reads a passed deadline or a cancelled call as silence, also inside a timed-out Update', () => {
    const late = grpcError(4, 'DEADLINE_EXCEEDED', 'Deadline exceeded after 4.500s');
    expect(temporalOutage(late)).toBe('no-answer');
    expect(temporalOutage(new WorkflowUpdateRPCTimeoutOrCancelledError('timeout', { cause: late }))).toBe('no-answer');
    expect(temporalOutage(grpcError(1, 'CANCELLED', 'Cancelled on client'))).toBe('no-answer');
  });

  it('reads "no poller seen" and a workflow task in failed state as no worker', () => {
    const noPoller = grpcError(9, 'FAILED_PRECONDITION', 'no poller seen for task queue recently, worker may be down');
    const failing = grpcError(9, 'FAILED_PRECONDITION', 'Cannot query workflow due to Workflow Task in failed state.');
    for (const error of [noPoller, failing, new ServiceError('Failed to query Workflow', { cause: noPoller })]) {
      expect(temporalOutage(error)).toBe('no-worker');
      expect(typeOf(error)).toBe('/problems/worker-unavailable');
    }
  });

  it('leaves other errors alone: they stay 4xx or an opaque 500', () => {
    expect(temporalOutage(grpcError(3, 'INVALID_ARGUMENT', 'bad page token'))).toBeUndefined();
    expect(temporalOutage(new Error('boom'))).toBeUndefined();
    expect(typeOf(new Error('boom'))).toBe('/problems/internal');
  });
});

describe('isDatabaseOutage', () => {
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
  it('reads a database that is away as a 503 database-unavailable', () => {
    for (const error of [
      pgError('53300', 'sorry, too many clients already'),
      pgError('57P01', 'terminating connection due to administrator command'),
      pgError('57P03', 'the database system is starting up'),
      pgError('08006', 'connection failure'),
      pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated unexpectedly'),
    ]) {
      expect(isDatabaseOutage(error), error.message).toBe(true);
      expect(typeOf(error)).toBe('/problems/database-unavailable');
    }
  });
  it('leaves the request’s own faults and unknown errors alone', () => {
    expect(isDatabaseOutage(pgError('23505', 'duplicate key value violates unique constraint'))).toBe(false);
    expect(isDatabaseOutage(pgError('42P01', 'relation "x" does not exist'))).toBe(false);
    expect(typeOf(new Error('boom'))).toBe('/problems/internal');
  });
});
