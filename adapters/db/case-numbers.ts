/**
 * Case number counters in PostgreSQL (a server or PGlite): table `case_number_sequences`, one row per
 * scope. One statement draws a number: the insert creates the counter at 1, or the conflict moves it on
 * under the row's lock, so concurrent API nodes never draw the same value.
 */
import { sql, type Kysely } from 'kysely';
import type { CaseNumberSequence } from '../case-numbers';
import type { Database } from './schema';

export class PostgresCaseNumberSequence implements CaseNumberSequence {
  constructor(private readonly db: Kysely<Database>) {}

  async next(scope: string): Promise<number> {
    const row = await this.db
      .insertInto('case_number_sequences')
      .values({ scope, last_value: 1 })
      .onConflict((oc) => oc.column('scope').doUpdateSet({ last_value: sql`case_number_sequences.last_value + 1` }))
      .returning('last_value')
      .executeTakeFirstOrThrow();
    return Number(row.last_value);
  }
}
