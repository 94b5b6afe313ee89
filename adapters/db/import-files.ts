/**
 * Moves what the file stores kept in `.data/` into the database: published versions (`registry/`),
 * documents (`documents/`: sealed documents, revocations, conditions; its `notifications/…` entries go
 * to the outbox), upload metadata (`blobs/`; the bytes are copied into the database's blob bytes, a
 * no-op when they are the same folder), API keys (the key file, digests only) and broken-commitment
 * records (`credit/`).
 *
 * Idempotent: every row is inserted on its natural key with `ON CONFLICT DO NOTHING`, so a second run
 * adds nothing and a run interrupted half-way is completed by the next. The database rows are written
 * in one transaction: a run that fails leaves the database as it was. The files are only read; seal
 * keys stay in their folder.
 */
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { FileRegistryStore } from '../../definitions/registry';
import { loadApiKeys } from '../api-keys';
import { FileBlobStore, type BlobBytes, type StoredBlob } from '../blobs';
import { FileBrokenCommitmentStore } from '../credit';
import { FileDocumentStore } from '../documents';
import type { Notification } from '../outbox';
import { PostgresApiKeyStore } from './api-keys';
import { PostgresBlobStore } from './blobs';
import { PostgresBrokenCommitmentStore } from './credit';
import { PostgresDocumentStore } from './documents';
import { PostgresOutbox } from './outbox';
import { PostgresRegistryStore } from './registry';
import type { Database } from './schema';

/** Where the file stores kept their data: the folders and files under a data directory. */
export interface FileLayout {
  registryDir: string;
  documentsDir: string;
  blobsDir: string;
  apiKeysFile: string;
  creditRecordsDir: string;
}

/** The layout under a data directory (`YJS_DATA_DIR`, `.data` by default), as the file stores used it. */
export function fileLayoutOf(dataDir: string, apiKeysFile = join(dataDir, 'api-keys.json')): FileLayout {
  return {
    registryDir: join(dataDir, 'registry'),
    documentsDir: join(dataDir, 'documents'),
    blobsDir: join(dataDir, 'blobs'),
    apiKeysFile,
    creditRecordsDir: join(dataDir, 'credit'),
  };
}

/** How many of each were found in the files, and how many of those were new to the database. */
export type ImportReport = Record<'definitions' | 'documents' | 'notifications' | 'uploads' | 'apiKeys' | 'brokenCommitments', { found: number; added: number }>;

/** A published version in the files whose id and version the database holds with other content. */
export class ImportConflictError extends Error {
  override name = 'ImportConflictError';
}

/**
 * Imports the files of `layout` into `db`; uploads' bytes go to `blobBytes` (the database blob store's
 * bytes). Throws, adding nothing, if a published version conflicts or a file is unreadable.
 */
export async function importFiles(db: Kysely<Database>, layout: FileLayout, blobBytes: BlobBytes): Promise<ImportReport> {
  const report: ImportReport = {
    definitions: { found: 0, added: 0 },
    documents: { found: 0, added: 0 },
    notifications: { found: 0, added: 0 },
    uploads: { found: 0, added: 0 },
    apiKeys: { found: 0, added: 0 },
    brokenCommitments: { found: 0, added: 0 },
  };
  const count = (what: keyof ImportReport, added: boolean) => {
    report[what].found++;
    if (added) report[what].added++;
  };

  // Read every file before the transaction: PGlite serves one query at a time, and a long read inside
  // the transaction would hold it.
  const versions = await new FileRegistryStore(layout.registryDir).loadAll();
  const documents = await new FileDocumentStore(layout.documentsDir).list('');
  const fileBlobs = new FileBlobStore(layout.blobsDir);
  const blobs: StoredBlob[] = [];
  for await (const blob of fileBlobs.metadata()) {
    const stored = await fileBlobs.get(blob.sha256); // checks the bytes against their hash, throws if damaged
    if (!stored) continue;
    await blobBytes.write(blob.sha256, stored.bytes);
    blobs.push(blob);
  }
  const keys = (await loadApiKeys(layout.apiKeysFile)) ?? [];
  const broken = await new FileBrokenCommitmentStore(layout.creditRecordsDir).all();

  await db.transaction().execute(async (trx) => {
    const registry = new PostgresRegistryStore(trx);
    for (const entry of versions) {
      const { stored, created } = await registry.save(entry);
      if (stored.plan.hash !== entry.plan.hash) {
        throw new ImportConflictError(
          `${entry.definition.id} version ${entry.definition.version} in ${layout.registryDir} differs from the version the database has; nothing was imported`,
        );
      }
      count('definitions', created);
    }
    const documentStore = new PostgresDocumentStore(trx);
    const outbox = new PostgresOutbox(trx);
    for (const doc of documents) {
      if (doc.key.startsWith('notifications/')) {
        const notification = doc.body as Notification;
        const prefix = `notifications/${notification.caseId}/`;
        if (!doc.key.startsWith(prefix)) throw new Error(`${layout.documentsDir}: the notification ${doc.key} is not of its case ${notification.caseId}`);
        const key = doc.key.slice(prefix.length);
        count('notifications', await outbox.importEntry({ key, notification, createdAt: doc.createdAt }));
      } else {
        count('documents', await documentStore.importDocument(doc));
      }
    }
    const blobStore = new PostgresBlobStore(trx, blobBytes);
    for (const blob of blobs) count('uploads', await blobStore.importMetadata(blob));
    const apiKeys = new PostgresApiKeyStore(trx);
    for (const key of keys) count('apiKeys', await apiKeys.importRecord(key));
    const records = new PostgresBrokenCommitmentStore(trx);
    for (const record of broken) count('brokenCommitments', await records.add(record));
  });
  return report;
}
