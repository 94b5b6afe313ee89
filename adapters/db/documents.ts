/**
 * The document store in PostgreSQL (a server or PGlite): table `documents`, one row per key.
 *
 * `createOnce` is an `INSERT … ON CONFLICT (key) DO NOTHING`: of racing writers, in one process or
 * many, exactly one row is inserted and every writer returns that row. Revocations
 * (`revocations/{documentId}`) and conditions (`conditions/{documentId}/{seq}`) are documents of this
 * store like the sealed documents themselves (see `adapters/sealer.ts`).
 */
import type { Kysely, Selectable } from 'kysely';
import { documentIdFor, type DocumentStore, type StoredDocument } from '../documents';
import type { Database, DocumentsTable } from './schema';

export class PostgresDocumentStore implements DocumentStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createOnce<T>(key: string, make: (documentId: string) => T): Promise<StoredDocument<T>> {
    // A retry (the common case of a second call) finds the document without making it again: making
    // a sealed document signs it.
    const existing = await this.get<T>(key);
    if (existing) return existing;
    const documentId = documentIdFor(key);
    const doc: StoredDocument<T> = { key, documentId, createdAt: nextCreatedAt(), body: make(documentId) };
    const inserted = await this.db
      .insertInto('documents')
      .values({ key, document_id: documentId, created_at: doc.createdAt, body: JSON.stringify(doc.body) })
      // No conflict target: document_id is unique too and derived from the key, so a racing insert may
      // hit either constraint; both mean the same document already exists.
      .onConflict((oc) => oc.doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) return doc;
    return (await this.get<T>(key))!; // lost the race: the winner's document is the document
  }

  async get<T>(key: string): Promise<StoredDocument<T> | undefined> {
    const row = await this.db.selectFrom('documents').selectAll().where('key', '=', key).executeTakeFirst();
    return row && stored<T>(row);
  }

  async list<T>(prefix: string): Promise<Array<StoredDocument<T>>> {
    const rows = await this.db
      .selectFrom('documents')
      .selectAll()
      .where('key', 'like', `${escapeLike(prefix)}%`)
      .orderBy('created_at')
      .orderBy('key')
      .execute();
    return rows.map((row) => stored<T>(row));
  }

  /**
   * Adds a document as another store kept it (its id and creation time unchanged), unless its key is
   * taken: for moving the file store's documents here. Whether it was added.
   */
  async importDocument(doc: StoredDocument): Promise<boolean> {
    if (doc.documentId !== documentIdFor(doc.key)) throw new Error(`document ${doc.key}: its id ${doc.documentId} is not the id of its key`);
    const inserted = await this.db
      .insertInto('documents')
      .values({ key: doc.key, document_id: doc.documentId, created_at: doc.createdAt, body: JSON.stringify(doc.body) })
      // No conflict target: document_id is unique too and derived from the key, so a racing insert may
      // hit either constraint; both mean the same document already exists.
      .onConflict((oc) => oc.doNothing())
      .returning('key')
      .executeTakeFirst();
    return inserted !== undefined;
  }
}

function stored<T>(row: Selectable<DocumentsTable>): StoredDocument<T> {
  return { key: row.key, documentId: row.document_id, createdAt: row.created_at.toISOString(), body: row.body as T };
}

/** `prefix` for `LIKE 'prefix%'` with its own `%`, `_` and `\` taken literally (`\` is PostgreSQL's default escape). */
export function escapeLike(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
}

let lastCreatedMs = 0;

/**
 * Creation times that never repeat in this process: lists are oldest first, and two documents made
 * within one millisecond (a result and its condition record, say) must keep the order they were made in.
 */
function nextCreatedAt(): string {
  lastCreatedMs = Math.max(Date.now(), lastCreatedMs + 1);
  return new Date(lastCreatedMs).toISOString();
}
