/**
 * An applicant's own cases from the read model (`GET /me/cases`), on PGlite and on a PostgreSQL
 * server: only the subject's, newest first, keyset pages that neither skip nor repeat when cases share
 * a submission instant, the case number from the stored progress, the status of the latest revision.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresReadModel } from '../../../adapters/db/read-model';
import type { CasePageKey, ReadCase } from '../../../adapters/read-model';
import type { CaseProjection } from '../../../domain/read-model';
import { testDatabases } from '../../helpers/databases';

const WANG = '420104199003071234';
const COMPANY = '91420100MA4K0000X1';

function projection(caseId: string, subjectId: string, submittedAt: string, patch: Partial<CaseProjection> = {}): CaseProjection {
  return {
    workflowId: `case-${caseId}`,
    revision: 1,
    caseId,
    bundleId: 'open-restaurant',
    bundleVersion: 1,
    calendar: 'cn',
    status: 'submitted',
    title: { zh: '开办餐饮店一件事', en: 'Open a restaurant' },
    subjectId,
    applicantName: subjectId === WANG ? '王小明' : '武汉一件事科技有限公司',
    windowDepartment: 'gov-service',
    submittedAt,
    items: [],
    progress: { caseId, caseNumber: `OPEN-RESTAURANT-${caseId}` },
    ...patch,
  };
}

describe.each(testDatabases())('PostgresReadModel.listCases on %s', (_backend, database) => {
  let store: PostgresReadModel;
  beforeAll(async () => {
    store = new PostgresReadModel(await database.open());
  });
  beforeEach(() => database.reset());
  afterAll(() => database.close());

  /** Every page of a subject's cases, `pageSize` at a time. */
  async function allPages(subjectId: string, pageSize: number): Promise<ReadCase[][]> {
    const pages: ReadCase[][] = [];
    let after: CasePageKey | undefined;
    do {
      const page = await store.listCases({ subjectId, pageSize, ...(after ? { after } : {}) });
      pages.push(page.cases);
      after = page.next;
    } while (after && pages.length < 20);
    return pages;
  }

  it("lists only the subject's cases, newest first, paging through equal instants without a skip or a repeat", async () => {
    // Seven of Wang's cases, three submitted at the same instant; two of the company's among them.
    const instants = ['2026-03-01T01:00:00.000Z', '2026-03-02T01:00:00.000Z', '2026-03-02T01:00:00.000Z', '2026-03-02T01:00:00.000Z', '2026-03-03T01:00:00.000Z', '2026-03-04T01:00:00.000Z', '2026-03-05T01:00:00.000Z'];
    for (const [i, at] of instants.entries()) await store.write(projection(`w${i}`, WANG, at), new Map());
    await store.write(projection('c1', COMPANY, '2026-03-02T01:00:00.000Z'), new Map());
    await store.write(projection('c2', COMPANY, '2026-03-06T01:00:00.000Z'), new Map());

    const pages = await allPages(WANG, 3);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const ids = pages.flat().map((c) => c.caseId);
    // Newest first; equal instants by workflow id, descending.
    expect(ids).toEqual(['w6', 'w5', 'w4', 'w3', 'w2', 'w1', 'w0']);
    expect(pages.flat()[0]).toMatchObject({ caseId: 'w6', caseNumber: 'OPEN-RESTAURANT-w6', bundleId: 'open-restaurant', status: 'submitted', submittedAt: '2026-03-05T01:00:00.000Z' });
    expect((await allPages(COMPANY, 10)).flat().map((c) => c.caseId)).toEqual(['c2', 'c1']);
    expect((await store.listCases({ subjectId: '110101199001011234', pageSize: 10 })).cases).toEqual([]);
  });

  it('shows the latest revision: its status and when it was written; no case number when the progress has none', async () => {
    await store.write(projection('w1', WANG, '2026-03-01T01:00:00.000Z', { progress: { caseId: 'w1' } }), new Map());
    const [before] = (await store.listCases({ subjectId: WANG, pageSize: 5 })).cases;
    expect(before).not.toHaveProperty('caseNumber');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.write(projection('w1', WANG, '2026-03-01T01:00:00.000Z', { revision: 2, status: 'processing', progress: { caseId: 'w1' } }), new Map());
    const [after] = (await store.listCases({ subjectId: WANG, pageSize: 5 })).cases;
    expect(after).toMatchObject({ caseId: 'w1', status: 'processing' });
    expect(Date.parse(after!.updatedAt)).toBeGreaterThan(Date.parse(before!.updatedAt));
  });
});
