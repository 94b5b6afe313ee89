/**
 * Officers working an item through its steps (办理环节), signed in as people: claim and release,
 * assign (the head), complete with an opinion (the last step approves or rejects), 退回 send back,
 * 转办 transfer, 会签 sign; and 抄送 copy an item to a department or a person. Every act is an Update
 * on the item, refused with a problem when the person, role, step or state is wrong; an API key (a
 * department's system) has no role and cannot work steps.
 *
 * 催办 (urge) is the supervisor's and the window's: `POST …/urge`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../../domain/application';
import { Slug } from '../../../domain/application';
import { principalOf, requireRole, type Principal } from '../../auth';
import { HttpProblem } from '../../problems';
import { IdempotencyHeaders, ItemParams, ItemViewResponse } from '../../schemas';
import type { ItemAction } from '../../services/case-service';
import { actorFor, answer, CASE_PROBLEMS, keyOf } from '../case-requests';

/** Someone an officer hands a step to: a person of the people directory. */
export interface PeopleLookup {
  find(id: string): { id: string; name: string; department?: string; departmentRole?: 'handler' | 'reviewer' | 'head' } | undefined;
}

const StepParams = ItemParams.extend({ step: Slug });
const Opinion = z.string().trim().min(1).max(2000);
const Reason = z.string().trim().min(1).max(2000);
const PersonRef = z.object({ officer: z.string().min(1).max(200).meta({ description: "The person's id (their sign-in name)." }) }).strict();

type StepRequest = FastifyRequest & { params: { caseId: string; itemId: string; step?: string }; headers: { 'idempotency-key'?: string } };

export const stepRoutes: FastifyPluginAsyncZod<{ people?: PeopleLookup }> = async (app, { people }) => {
  /** A signed-in officer with a department role: only they work steps. */
  const officer = (request: FastifyRequest): Principal => {
    const principal = requireRole(request, 'department');
    if (!principal.person || !principal.departmentRole) {
      throw new HttpProblem('forbidden', 'Working an item through its steps needs a signed-in officer with a department role (承办人, 审核人 or 负责人), not an API key.');
    }
    return principal;
  };
  const act = async (request: StepRequest, reply: FastifyReply, principal: Principal, action: ItemAction) => {
    const { caseId, itemId } = request.params;
    return answer(reply, await app.cases.act(caseId, itemId, actorFor(principal), action, keyOf(request, principal)));
  };
  /** The person named in a body, as an actor of the department they belong to. */
  const personOf = (ref: { officer: string }): Actor => {
    const person = people?.find(ref.officer);
    if (!person?.department) throw new HttpProblem('invalid-request', `No officer "${ref.officer}" in the people directory.`, [{ path: '/to/officer', code: 'unknown-officer', message: 'unknown officer' }]);
    return { department: person.department, officer: person.id, name: person.name, ...(person.departmentRole ? { role: person.departmentRole } : {}) };
  };
  const route = <B extends z.ZodType>(path: string, operationId: string, summary: string, body: B, toAction: (body: z.infer<B>, step: string) => ItemAction) =>
    app.post(
      `/cases/:caseId/items/:itemId/steps/:step/${path}`,
      { schema: { tags: ['departments'], operationId, summary, params: StepParams, headers: IdempotencyHeaders, body, response: { 200: ItemViewResponse, ...CASE_PROBLEMS } } },
      async (request, reply) => {
        const principal = officer(request);
        return act(request as StepRequest, reply, principal, toAction(request.body as z.infer<B>, (request.params as { step: string }).step));
      },
    );

  const Empty = z.object({}).strict();
  route('claim', 'claimStep', 'Claim the current step (one person holds it)', Empty, (_b, step) => ({ kind: 'claim', step }));
  route('release', 'releaseStep', 'Release a held step (its holder or the head)', Empty, (_b, step) => ({ kind: 'release', step }));
  route('assign', 'assignStep', 'Assign or reassign the current step to an officer (the head)', z.object({ to: PersonRef }).strict(), (b, step) => ({
    kind: 'assign',
    step,
    to: personOf(b.to),
  }));
  route(
    'complete',
    'completeStep',
    'Complete the current step with an opinion (审查意见); the last step approves or rejects',
    z.object({ opinion: Opinion, decision: z.enum(['approve', 'reject']).optional() }).strict(),
    (b, step) => ({ kind: 'complete', step, opinion: b.opinion, ...(b.decision ? { decision: b.decision } : {}) }),
  );
  route('send-back', 'sendBackStep', '退回: send the item back to an earlier step, with a reason', z.object({ to: Slug, reason: Reason }).strict(), (b, step) => ({
    kind: 'send-back',
    step,
    to: b.to,
    reason: b.reason,
  }));
  route('transfer', 'transferStep', '转办: hand the current step to another officer of the department, with a reason', z.object({ to: PersonRef, reason: Reason }).strict(), (b, step) => ({
    kind: 'transfer',
    step,
    to: personOf(b.to),
    reason: b.reason,
  }));
  route('sign', 'signStep', '会签: sign a step that needs several roles or departments', z.object({ opinion: Opinion, agree: z.boolean() }).strict(), (b, step) => ({
    kind: 'sign',
    step,
    opinion: b.opinion,
    agree: b.agree,
  }));

  app.post(
    '/cases/:caseId/items/:itemId/copies',
    {
      schema: {
        tags: ['departments'],
        operationId: 'copyItem',
        summary: '抄送: copy the item to a department or a person, for information (read-only), with a notification',
        params: ItemParams,
        headers: IdempotencyHeaders,
        body: z
          .object({ to: z.object({ department: Slug.optional(), person: z.string().min(1).max(200).optional() }).strict(), note: z.string().trim().max(2000).optional() })
          .strict()
          .refine((b) => !!b.to.department !== !!b.to.person, { message: 'name a department or a person', path: ['to'] }),
        response: { 200: ItemViewResponse, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, 'department');
      return act(request as StepRequest, reply, principal, { kind: 'copy', to: request.body.to, ...(request.body.note ? { note: request.body.note } : {}) });
    },
  );

  app.post(
    '/cases/:caseId/items/:itemId/urge',
    {
      schema: {
        tags: ['supervision'],
        operationId: 'urgeItem',
        summary: '催办: urge an open item; its holder and department are notified, and the urge is on the timeline',
        params: ItemParams,
        headers: IdempotencyHeaders,
        body: z.object({ note: z.string().trim().max(2000).optional() }).strict(),
        response: { 200: ItemViewResponse, ...CASE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, 'supervisor', 'window');
      const by = { id: principal.id, ...(principal.name ? { name: principal.name } : {}), as: principal.roles.includes('supervisor') ? 'supervisor' : 'window' };
      const { caseId, itemId } = request.params;
      return answer(reply, await app.cases.urge(caseId, itemId, by, request.body.note, keyOf(request, principalOf(request))));
    },
  );
};
