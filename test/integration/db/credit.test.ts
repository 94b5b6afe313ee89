/**
 * Broken-commitment records on the database, on PGlite and on a PostgreSQL server: once per (subject,
 * case), the first standing, a subject's records oldest first, and the credit provider refusing
 * tolerance on them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CREDIT_SAMPLE_FILE, FileCreditProvider, toleranceDecision, type BrokenCommitmentRecord } from '../../../adapters/credit';
import { PostgresBrokenCommitmentStore } from '../../../adapters/db/credit';
import { testDatabases } from '../../helpers/databases';

const SUBJECT = '91350100M000100Y43';
const broken = (overrides: Partial<BrokenCommitmentRecord> = {}): BrokenCommitmentRecord => ({
  subjectId: SUBJECT,
  caseId: 'case-1',
  bundleId: 'open-restaurant',
  materials: ['lease-contract'],
  deadline: '2026-03-20',
  brokenAt: '2026-03-21T00:00:00.000Z',
  ...overrides,
});

describe.each(testDatabases())('PostgresBrokenCommitmentStore on %s', (backend, database) => {
  let records: PostgresBrokenCommitmentStore;
  beforeAll(async () => {
    records = new PostgresBrokenCommitmentStore(await database.open());
  });
  beforeEach(() => database.reset());
  afterAll(() => database.close());

  it('records once per subject and case: the first record stands', async () => {
    expect(await records.add(broken())).toBe(true);
    expect(await records.add(broken({ materials: ['other'], brokenAt: '2026-04-01T00:00:00.000Z' }))).toBe(false);
    expect(await records.ofSubject(SUBJECT)).toEqual([broken()]);
  });

  it('keeps one of racing records of a case', async () => {
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => records.add(broken({ materials: [`m${i}`] }))));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await records.ofSubject(SUBJECT)).toHaveLength(1);
  });

  it.runIf(backend === 'postgres')('keeps one when two processes (two connection pools) record the same case', async () => {
    const other = new PostgresBrokenCommitmentStore(await database.openAnother());
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? records : other).add(broken({ materials: [`m${i}`] }))));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
  });

  it('lists a subject\'s records by when they were broken, apart from other subjects', async () => {
    await records.add(broken({ caseId: 'later', brokenAt: '2026-09-01T00:00:00.000Z' }));
    await records.add(broken({ caseId: 'earlier', brokenAt: '2025-01-01T08:00:00+08:00', deadline: '2024-12-31T16:00:00.000Z' }));
    await records.add(broken({ subjectId: '110101199003071234', caseId: 'someone-else' }));
    const mine = await records.ofSubject(SUBJECT);
    expect(mine.map((r) => r.caseId)).toEqual(['earlier', 'later']);
    // The same instant, in UTC; the deadline as the commitment stated it.
    expect(mine[0]).toMatchObject({ brokenAt: '2025-01-01T00:00:00.000Z', deadline: '2024-12-31T16:00:00.000Z' });
    expect(await records.ofSubject('nobody')).toEqual([]);
  });

  it('makes the credit provider refuse tolerance to a subject with a broken commitment', async () => {
    const provider = new FileCreditProvider(DEFAULT_CREDIT_SAMPLE_FILE, records);
    expect(toleranceDecision(await provider.standing(SUBJECT))).toEqual({ eligible: true });
    await provider.recordBrokenCommitment(broken());
    await provider.recordBrokenCommitment(broken()); // a retried activity
    const standing = await provider.standing(SUBJECT);
    expect(standing.brokenCommitments).toEqual([broken()]);
    expect(toleranceDecision(standing)).toMatchObject({ eligible: false, reason: expect.stringContaining('case-1') });
  });
});
