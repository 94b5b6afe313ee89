/**
 * What the case routes of every audience (applicant, window, department) share: the problems they
 * declare, who acts, the caller's Idempotency-Key, and how an Update's outcome is answered.
 */
import type { Actor } from '../../domain/application';
import type { FastifyReply } from 'fastify';
import { actingDepartment, type Principal } from '../auth';
import { ProblemSchema } from '../problems';
import type { IdempotencyKey, UpdateOutcome } from '../services/updates';

export const CASE_PROBLEMS = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema };

/** The acting officer and the department they act for; officers without one cannot act. */
/**
 * The actor of a department's act: the department and who acted. A signed-in officer also brings
 * their name and department role, which items worked through steps require (an API key acts as the
 * department alone).
 */
export function actorFor(principal: Principal): Actor {
  return {
    department: actingDepartment(principal),
    officer: principal.id,
    ...(principal.person && principal.name ? { name: principal.name } : {}),
    ...(principal.person && principal.departmentRole ? { role: principal.departmentRole } : {}),
  };
}

/** The caller's Idempotency-Key, scoped to the caller: another principal's key is another key. */
export function keyOf(request: { headers: { 'idempotency-key'?: string } }, principal: Principal): IdempotencyKey | undefined {
  const key = request.headers['idempotency-key'];
  return key === undefined ? undefined : { principal: principal.id, key };
}

/** The Update's answer; a replayed earlier outcome says so, as `POST /cases` does. */
export function answer<T>(reply: FastifyReply, outcome: UpdateOutcome<T>): T {
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  return outcome.value;
}
