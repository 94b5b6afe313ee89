/**
 * The one mapping from what services and domain rules refuse to problem types (`toProblem`).
 */
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { DomainRuleError, FailureType } from '../../../domain/errors';
import { toProblem } from '../../../api/problems';
import {
  IdempotencyKeyReusedError,
  InvalidApplicationError,
  InvalidPageTokenError,
  ItemNotActionableError,
  NoCaseAccessError,
  UnknownItemError,
  WrongDepartmentError,
} from '../../../api/services/errors';

const request = { url: '/cases/c1' } as FastifyRequest;

describe('toProblem', () => {
  it('maps each service refusal to its problem type and status, with its message', () => {
    const cases: Array<[Error, string, number]> = [
      [new InvalidApplicationError([{ path: '/form/name', code: 'required', message: 'missing' }]), 'invalid-application', 422],
      [new IdempotencyKeyReusedError(), 'idempotency-key-reused', 422],
      [new NoCaseAccessError('fire-rescue'), 'forbidden', 403],
      [new UnknownItemError('c1', 'x'), 'unknown-item', 404],
      [new WrongDepartmentError('x', 'market-regulation'), 'wrong-department', 403],
      [new ItemNotActionableError('x', 'skipped'), 'illegal-transition', 409],
      [new InvalidPageTokenError('The pageToken is not one this API returned.'), 'malformed-request', 400],
    ];
    for (const [error, slug, status] of cases) {
      expect(toProblem(error, request), slug).toMatchObject({ type: `/problems/${slug}`, status, detail: error.message, instance: '/cases/c1' });
    }
  });

  it('names the invalid parts: application issues, and the page token', () => {
    const issues = [{ path: '/materials/0/sha256', code: 'unknown-upload', message: 'No upload' }];
    expect(toProblem(new InvalidApplicationError(issues), request).errors).toEqual(issues);
    expect(toProblem(new InvalidPageTokenError('bad'), request).errors).toEqual([{ path: '/querystring/pageToken', message: 'invalid page token' }]);
  });

  it('maps a domain rule refusal by its failure type, with the materials it misses', () => {
    const refusal = new DomainRuleError(FailureType.NotEligible, 'credit too low', { missing: ['sign-design'] });
    expect(toProblem(refusal, request)).toMatchObject({
      type: '/problems/not-eligible',
      status: 422,
      errors: [{ path: '/materials/sign-design', code: 'missing' }],
    });
    expect(toProblem(new DomainRuleError(FailureType.DeadlinePassed, 'late'), request).status).toBe(409);
  });
});
