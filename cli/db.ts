/**
 * `yijianshi db`: the application database for operators (`npm run db:migrate`, `npm run
 * db:import-files`). Both act on the database the app uses: `DATABASE_URL`, else the embedded PGlite
 * in `<data>/pglite` (which must not be open in a running `npm start`: PGlite serves one process).
 */
import { parseArgs } from 'node:util';
import { fileLayoutOf, importFiles, type ImportReport } from '../adapters/db/import-files';
import { PostgresReadModel } from '../adapters/db/read-model';
import { rebuildReadModel, type RebuildReport } from '../adapters/read-model-rebuild';
import { openAppDatabase, openBlobBytes, openClient } from '../runtime/components';
import { loadConfig } from '../runtime/config';
import type { AppDatabase } from '../runtime/database';
import { CliError } from './definition-file';

export const DB_USAGE = `  yijianshi db migrate                       bring the database to the latest migration (数据库迁移)
  yijianshi db import [--from <dir>] [--keys-file <file>] [--json]
                                             copy the stores kept in files before the database (registry,
                                             documents, outbox, upload metadata, API keys, credit records)
                                             into it; idempotent (default --from: YJS_DATA_DIR, else .data)
  yijianshi db rebuild-read-model [--json]   write every case (running and closed) into the read model from
                                             Temporal (TEMPORAL_ADDRESS, default 127.0.0.1:7233; a worker
                                             must be running to answer); a newer row is never replaced.
                                             With the embedded PGlite, use POST /admin/read-model/rebuild
                                             of the running npm start instead`;

interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** `yijianshi db …` (arguments after `db`); returns the exit status, throws `CliError` for wrong usage and failures. */
export async function dbCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseDbArgs(args);
  const [action, ...rest] = positionals;
  if (action !== 'migrate' && action !== 'import' && action !== 'rebuild-read-model') {
    throw new CliError(action === undefined ? 'db needs migrate, import or rebuild-read-model' : `unknown db command "${action}"`, 2);
  }
  if (rest.length > 0) throw new CliError(`db ${action} takes no arguments besides options, not "${rest.join(' ')}"`, 2);
  if (action !== 'import' && (values.from !== undefined || values['keys-file'] !== undefined)) throw new CliError(`db ${action} takes no --from or --keys-file`, 2);
  const config = loadConfig();
  const started = performance.now();
  let database: AppDatabase;
  try {
    database = await openAppDatabase(config); // migrates
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  try {
    const where = database.kind === 'pglite' ? `PGlite ${database.location}` : database.location;
    if (action === 'migrate') {
      io.out(database.migrated.length > 0 ? `database ${where}: applied ${database.migrated.join(', ')}\n` : `database ${where}: up to date\n`);
      return 0;
    }
    if (action === 'rebuild-read-model') return await rebuild(database, config.namespace, values.json === true, io);
    const from = values.from ?? config.dataDir;
    const report = await importFiles(database.db, fileLayoutOf(from, values['keys-file'] ?? config.legacyApiKeysFile), openBlobBytes(config));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else io.out(`imported the files of ${from} into ${where} in ${seconds} s:\n${formatReport(report)}`);
    return 0;
  } finally {
    await database.close();
  }
}

const LABELS: Record<keyof ImportReport, string> = {
  definitions: 'published versions',
  documents: 'documents (sealed, revocations, conditions)',
  notifications: 'outbox notifications',
  uploads: 'upload metadata',
  apiKeys: 'API keys (digests)',
  brokenCommitments: 'broken-commitment records',
};

function formatReport(report: ImportReport): string {
  return (Object.keys(LABELS) as Array<keyof ImportReport>)
    .map((what) => `  ${LABELS[what].padEnd(44)} ${String(report[what].found).padStart(6)} found, ${String(report[what].added).padStart(6)} added\n`)
    .join('');
}

function parseDbArgs(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: { from: { type: 'string' }, 'keys-file': { type: 'string' }, json: { type: 'boolean' } },
    });
  } catch (error) {
    throw new CliError((error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, ''), 2);
  }
}

/** `db rebuild-read-model`: every case from Temporal into the read model; status 1 when some case could not be read. */
async function rebuild(database: AppDatabase, namespace: string, json: boolean, io: Io): Promise<number> {
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  let client;
  try {
    client = await openClient(address, namespace);
  } catch (error) {
    throw new CliError(`cannot reach Temporal at ${address} (set TEMPORAL_ADDRESS): ${(error as Error).message}`);
  }
  try {
    const started = performance.now();
    const report = await rebuildReadModel({ client, readModel: new PostgresReadModel(database.db) });
    if (json) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else io.out(formatRebuild(report, (performance.now() - started) / 1000));
    return report.failed.length > 0 ? 1 : 0;
  } finally {
    await client.connection.close();
  }
}

function formatRebuild(report: RebuildReport, seconds: number): string {
  const lines = [`read model rebuilt from Temporal in ${seconds.toFixed(1)} s: ${report.cases} cases, ${report.written} written, ${report.newer} already newer`];
  if (report.failed.length > 0) {
    lines.push(`${report.failed.length} could not be read (is a worker running? run again to retry):`);
    for (const failure of report.failed.slice(0, 20)) lines.push(`  ${failure.workflowId}: ${failure.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
