/**
 * `yijianshi db`: the application database for operators (`npm run db:migrate`, `npm run
 * db:import-files`). Both act on the database the app uses: `DATABASE_URL`, else the embedded PGlite
 * in `<data>/pglite` (which must not be open in a running `npm start`: PGlite serves one process).
 */
import { parseArgs } from 'node:util';
import { fileLayoutOf, importFiles, type ImportReport } from '../adapters/db/import-files';
import { openAppDatabase, openBlobBytes } from '../runtime/components';
import { loadConfig } from '../runtime/config';
import type { AppDatabase } from '../runtime/database';
import { CliError } from './definition-file';

export const DB_USAGE = `  yijianshi db migrate                       bring the database to the latest migration (数据库迁移)
  yijianshi db import [--from <dir>] [--keys-file <file>] [--json]
                                             copy the stores kept in files before the database (registry,
                                             documents, outbox, upload metadata, API keys, credit records)
                                             into it; idempotent (default --from: YJS_DATA_DIR, else .data)`;

interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** `yijianshi db …` (arguments after `db`); returns the exit status, throws `CliError` for wrong usage and failures. */
export async function dbCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseDbArgs(args);
  const [action, ...rest] = positionals;
  if (action !== 'migrate' && action !== 'import') {
    throw new CliError(action === undefined ? 'db needs migrate or import' : `unknown db command "${action}"`, 2);
  }
  if (rest.length > 0) throw new CliError(`db ${action} takes no arguments besides options, not "${rest.join(' ')}"`, 2);
  if (action === 'migrate' && (values.from !== undefined || values['keys-file'] !== undefined)) throw new CliError('db migrate takes no --from or --keys-file', 2);
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
