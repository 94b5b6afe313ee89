/**
 * Runs the migrations of `migrations/` with Kysely's Migrator: each in a transaction, recorded in the
 * table `kysely_migration`, under the migrator's lock (on a server, an advisory lock: two processes
 * starting at once migrate once).
 */
import type { Kysely } from 'kysely';
import { Migrator, NO_MIGRATIONS, type MigrationResult } from 'kysely/migration';
import { MIGRATIONS } from './migrations';
import type { Database } from './schema';

/** What a migration run did: the migrations it applied (or reverted), in order. */
export interface MigrationReport {
  applied: string[];
  /** Every migration the database has now. */
  current: string[];
}

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } });
}

/** Brings the database to the latest migration. Throws, naming the migration that failed, if one does. */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
  const m = migrator(db);
  return report(m, await m.migrateToLatest());
}

/** Migrates up or down to `target` (a migration's name, or `null` for none): for tests and repairs. */
export async function migrateTo(db: Kysely<Database>, target: string | null): Promise<MigrationReport> {
  const m = migrator(db);
  return report(m, await m.migrateTo(target ?? NO_MIGRATIONS));
}

async function report(m: Migrator, { error, results }: { error?: unknown; results?: MigrationResult[] }): Promise<MigrationReport> {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ? `"${failed}" ` : ''}failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
  const current = (await m.getMigrations()).filter((info) => info.executedAt !== undefined).map((info) => info.name);
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName), current };
}
