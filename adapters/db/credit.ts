/**
 * Broken-commitment records in PostgreSQL (a server or PGlite): table `broken_commitments`, once per
 * (subject, case), the first record standing. The sample subjects' ratings stay a file of sample data
 * (`adapters/data/credit/subjects.json`); a province's platform keeps its own records.
 */
import type { Kysely, Selectable } from 'kysely';
import type { BrokenCommitmentRecord, BrokenCommitmentStore } from '../credit';
import type { BrokenCommitmentsTable, Database } from './schema';

export class PostgresBrokenCommitmentStore implements BrokenCommitmentStore {
  constructor(private readonly db: Kysely<Database>) {}

  async add(record: BrokenCommitmentRecord): Promise<boolean> {
    const inserted = await this.db
      .insertInto('broken_commitments')
      .values({
        subject_id: record.subjectId,
        case_id: record.caseId,
        bundle_id: record.bundleId,
        materials: record.materials,
        deadline: record.deadline,
        broken_at: record.brokenAt,
      })
      .onConflict((oc) => oc.columns(['subject_id', 'case_id']).doNothing())
      .returning('case_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async ofSubject(subjectId: string): Promise<BrokenCommitmentRecord[]> {
    const rows = await this.db
      .selectFrom('broken_commitments')
      .selectAll()
      .where('subject_id', '=', subjectId)
      .orderBy('broken_at')
      .orderBy('case_id')
      .execute();
    return rows.map(record);
  }
}

/** `brokenAt` comes back as the same instant in UTC (`…Z`), whatever offset it was written with. */
function record(row: Selectable<BrokenCommitmentsTable>): BrokenCommitmentRecord {
  return {
    subjectId: row.subject_id,
    caseId: row.case_id,
    bundleId: row.bundle_id,
    materials: row.materials,
    deadline: row.deadline,
    brokenAt: row.broken_at.toISOString(),
  };
}
