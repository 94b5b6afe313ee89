/**
 * Published definitions in PostgreSQL (a server or PGlite): `definitions` (one row per bundle) and
 * `definition_versions` (one per bundle and version, immutable). A version is inserted once: the first
 * publication of an id+version, from whichever API node, is the version; a second one gets it back
 * and the registry compares hashes (same content: unchanged; other content: a conflict).
 */
import type { Kysely, Selectable } from 'kysely';
import { checkStored, type RegistryStore, type StoredDefinition, type VersionKey } from '../../definitions/registry';
import type { BundleDefinition } from '../../definitions/schema';
import type { ExecutionPlan } from '../../definitions/plan';
import type { Database, DefinitionVersionsTable } from './schema';

export class PostgresRegistryStore implements RegistryStore {
  constructor(private readonly db: Kysely<Database>) {}

  async loadAll(): Promise<StoredDefinition[]> {
    const rows = await this.db.selectFrom('definition_versions').selectAll().orderBy('bundle_id').orderBy('version').execute();
    return rows.map((row) => checked(row));
  }

  /** The primary key's columns only, no content: what an API node asks before a read that may be stale. */
  async keys(bundleId?: string): Promise<VersionKey[]> {
    let query = this.db.selectFrom('definition_versions').select(['bundle_id', 'version']);
    if (bundleId !== undefined) query = query.where('bundle_id', '=', bundleId);
    const rows = await query.execute();
    return rows.map((row) => ({ bundleId: row.bundle_id, version: row.version }));
  }

  async load(keys: VersionKey[]): Promise<StoredDefinition[]> {
    if (keys.length === 0) return [];
    const rows = await this.db
      .selectFrom('definition_versions')
      .selectAll()
      .where((eb) => eb.or(keys.map((key) => eb.and([eb('bundle_id', '=', key.bundleId), eb('version', '=', key.version)]))))
      .orderBy('bundle_id')
      .orderBy('version')
      .execute();
    return rows.map((row) => checked(row));
  }

  save(entry: StoredDefinition): Promise<{ stored: StoredDefinition; created: boolean }> {
    const { id, version } = entry.definition;
    // One transaction: the bundle's row (first publication only) and the version, or neither. Inside
    // a transaction already (an import), its own.
    const save = async (trx: Kysely<Database>) => {
      await trx
        .insertInto('definitions')
        .values({ bundle_id: id, first_published_at: entry.publishedAt })
        .onConflict((oc) => oc.column('bundle_id').doNothing())
        .execute();
      const inserted = await trx
        .insertInto('definition_versions')
        .values({
          bundle_id: id,
          version,
          hash: entry.plan.hash,
          source: entry.source,
          published_at: entry.publishedAt,
          definition: JSON.stringify(entry.definition),
          plan: JSON.stringify(entry.plan),
        })
        .onConflict((oc) => oc.columns(['bundle_id', 'version']).doNothing())
        .returning('version')
        .executeTakeFirst();
      if (inserted) return { stored: entry, created: true };
      const row = await trx.selectFrom('definition_versions').selectAll().where('bundle_id', '=', id).where('version', '=', version).executeTakeFirstOrThrow();
      return { stored: stored(row), created: false };
    };
    return this.db.isTransaction ? save(this.db) : this.db.transaction().execute(save);
  }
}

/** A row as a stored version, checked as every store checks what it loads. */
function checked(row: Selectable<DefinitionVersionsTable>): StoredDefinition {
  const entry = stored(row);
  checkStored(entry, `definition_versions (${row.bundle_id}, ${row.version})`, row.bundle_id, row.version);
  return entry;
}

function stored(row: Selectable<DefinitionVersionsTable>): StoredDefinition {
  return {
    definition: row.definition as BundleDefinition,
    plan: row.plan as ExecutionPlan,
    publishedAt: row.published_at.toISOString(),
    source: row.source,
  };
}
