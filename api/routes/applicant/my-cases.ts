/**
 * 我的办件: a signed-in applicant's own cases — those applied for their subject (the ID number or
 * credit code of their access token) — newest first, from the read model, a keyset page at a time.
 * Nobody else's: officers, supervisors and API keys have their inboxes and desks instead.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CasePageKey, ReadModelStore } from '../../../adapters/read-model';
import { Localized } from '../../../domain/application';
import { applicantSubjectOf, principalOf } from '../../auth';
import { openPageToken, sealPageToken } from '../../page-token';
import { HttpProblem, ProblemSchema } from '../../problems';
import { InvalidPageTokenError } from '../../services/errors';

const MyCasesQuery = z.object({
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: z.string().max(4096).regex(/^[A-Za-z0-9_-]*$/).optional(),
});

const MyCase = z
  .object({
    caseId: z.string(),
    caseNumber: z.string().optional().meta({ description: '办件编号, when the bundle gives one.' }),
    bundleId: z.string(),
    title: Localized,
    status: z.string(),
    submittedAt: z.string(),
    updatedAt: z.string().meta({ description: 'When the case last changed, as far as the read model has it.' }),
  })
  .meta({ id: 'MyCase', description: "One of the signed-in applicant's cases." });

const MyCasesPage = z
  .object({
    cases: z.array(MyCase),
    nextPageToken: z.string().optional().meta({ description: 'Pass as pageToken for the next (older) page; absent on the last page.' }),
  })
  .meta({ id: 'MyCasesPage' });

export const myCaseRoutes: FastifyPluginAsyncZod<{ readModel: ReadModelStore }> = async (app, { readModel }) => {
  app.get(
    '/me/cases',
    {
      schema: {
        tags: ['cases'],
        operationId: 'listMyCases',
        summary: "The signed-in applicant's own cases, newest first, paginated",
        querystring: MyCasesQuery,
        response: { 200: MyCasesPage, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      const subjectId = applicantSubjectOf(principalOf(request));
      if (!subjectId) throw new HttpProblem('forbidden', 'Only a signed-in applicant has cases of their own.');
      // A token pages this applicant's list only: another's token fails its MAC.
      const scope = `my-cases\n${subjectId}`;
      const { pageSize, pageToken } = request.query;
      let after: CasePageKey | undefined;
      if (pageToken) {
        const opened = openPageToken(scope, pageToken);
        after = opened ? parseKey(opened) : undefined;
        if (!after) throw new InvalidPageTokenError('The pageToken is not one this API returned for this listing.');
      }
      const page = await readModel.listCases({ subjectId, pageSize, ...(after ? { after } : {}) });
      return { cases: page.cases, ...(page.next ? { nextPageToken: sealPageToken(scope, Buffer.from(JSON.stringify(page.next))) } : {}) };
    },
  );
};

/** The page key inside a token this API sealed (so its shape is ours; checked anyway). */
function parseKey(bytes: Buffer): CasePageKey | undefined {
  try {
    const key = JSON.parse(bytes.toString('utf8')) as { submittedAt?: unknown; workflowId?: unknown };
    if (typeof key.submittedAt !== 'string' || typeof key.workflowId !== 'string' || Number.isNaN(Date.parse(key.submittedAt))) return undefined;
    return { submittedAt: key.submittedAt, workflowId: key.workflowId };
  } catch {
    return undefined;
  }
}
