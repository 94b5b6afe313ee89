/**
 * The applicant's in-app notices (站内消息): what the engine told them about their cases — a broken
 * commitment, a timeout default — as the applicant screens show it. Only a signed-in applicant (a
 * person whose token names their subject) has notices; every API key is refused.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { NoticeStore } from '../../../adapters/notices';
import { applicantSubjectOf, principalOf } from '../../auth';
import { HttpProblem, ProblemSchema } from '../../problems';

const Bilingual = z.object({ zh: z.string(), en: z.string() });
const NoticeView = z
  .object({ id: z.string(), caseId: z.string(), subject: Bilingual, body: Bilingual, at: z.string(), readAt: z.string().optional() })
  .meta({ id: 'Notice', description: 'An in-app notice for the applicant.' });
const NoticeList = z.object({ notices: z.array(NoticeView), unread: z.number().int() }).meta({ id: 'NoticeList' });
const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema };

/** The signed-in applicant's subject; anyone else is refused. */
function applicantOf(request: Parameters<typeof principalOf>[0]): string {
  const principal = principalOf(request);
  const subject = applicantSubjectOf(principal);
  if (!subject || principal.roles.length > 0) throw new HttpProblem('forbidden', 'In-app notices are for the signed-in applicant.');
  return subject;
}

export const noticeRoutes: FastifyPluginAsyncZod<{ notices: NoticeStore }> = async (app, { notices }) => {
  app.get(
    '/me/notices',
    {
      schema: {
        tags: ['applicants'],
        operationId: 'listMyNotices',
        summary: "The signed-in applicant's notices, newest first, and how many are unread",
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: NoticeList, ...problems },
      },
    },
    async (request) => notices.inApp(applicantOf(request), request.query.limit),
  );

  app.post(
    '/me/notices/:noticeId/read',
    {
      schema: {
        tags: ['applicants'],
        operationId: 'markNoticeRead',
        summary: 'Mark one of your notices read',
        params: z.object({ noticeId: z.string().regex(/^[a-f0-9]{32}$/, 'expected a notice id') }),
        response: { 200: NoticeView, 404: ProblemSchema, ...problems },
      },
    },
    async (request) => {
      const read = await notices.markRead(applicantOf(request), request.params.noticeId);
      if (!read) throw new HttpProblem('not-found', `No notice "${request.params.noticeId}" of yours.`);
      return read;
    },
  );
};
