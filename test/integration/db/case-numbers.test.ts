/**
 * Case number counters (办件编号) in the database, on PGlite and a PostgreSQL server: each scope counts
 * from 1, and concurrent draws (on PostgreSQL from two connections, as from two API nodes) never get
 * the same value nor skip one.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresCaseNumberSequence } from '../../../adapters/db/case-numbers';
import { testDatabases } from '../../helpers/databases';

describe.each(testDatabases())('case number counters on %s', (name, database) => {
  beforeEach(() => database.reset());
  afterAll(() => database.close());

  it('count each scope from 1, without a gap or a repeat under concurrent draws', async () => {
    const db = await database.open();
    const a = new PostgresCaseNumberSequence(db);
    const b = new PostgresCaseNumberSequence(name === 'postgres' ? await database.openAnother() : db);
    expect(await a.next('QYZX-20250612-{seq}')).toBe(1);
    const drawn = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).next('QYZX-20250612-{seq}')));
    expect([...drawn].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
    expect(await b.next('QYZX-20250613-{seq}')).toBe(1);
  });
});
