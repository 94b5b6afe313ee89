/**
 * Where issued documents (licences, notices, later sealed) are kept, keyed by the action that made them.
 *
 * `createOnce` is the idempotency primitive of every side effect: a retried or replayed activity asks
 * for the same key and gets the document that was made the first time, never a second one.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile, readdir, rm, link } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from './private-files';

export interface StoredDocument<T = unknown> {
  /** The idempotency key: `{caseId}/{itemId}/{action}`. */
  key: string;
  documentId: string;
  createdAt: string;
  body: T;
}

export interface DocumentStore {
  /** The document stored under `key`; made with `make()` and stored only if there is none yet. */
  createOnce<T>(key: string, make: (documentId: string) => T): Promise<StoredDocument<T>>;
  get<T>(key: string): Promise<StoredDocument<T> | undefined>;
  /** Every document whose key starts with `prefix` (e.g. a case's), oldest first. */
  list<T>(prefix: string): Promise<Array<StoredDocument<T>>>;
}

/** The document id for a key: stable, so a document is the same wherever it is made. */
export function documentIdFor(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/** In-memory store, for unit tests and throw-away runs. */
export class MemoryDocumentStore implements DocumentStore {
  private readonly docs = new Map<string, StoredDocument>();

  async createOnce<T>(key: string, make: (documentId: string) => T): Promise<StoredDocument<T>> {
    const existing = this.docs.get(key);
    if (existing) return existing as StoredDocument<T>;
    const documentId = documentIdFor(key);
    const doc: StoredDocument<T> = { key, documentId, createdAt: new Date().toISOString(), body: make(documentId) };
    this.docs.set(key, doc);
    return doc;
  }

  async get<T>(key: string): Promise<StoredDocument<T> | undefined> {
    return this.docs.get(key) as StoredDocument<T> | undefined;
  }

  async list<T>(prefix: string): Promise<Array<StoredDocument<T>>> {
    return [...this.docs.values()].filter((d) => d.key.startsWith(prefix)) as Array<StoredDocument<T>>;
  }
}

/**
 * One JSON file per document. Creation is a hard link of a fully written temp file, which the
 * file system makes atomic and exclusive: of two racing writers exactly one wins, and a crash never
 * leaves a half-written document behind. Documents carry names and ID numbers: the folder is 0700 and
 * every file 0600. Suits one host; a cluster shares a database instead.
 */
export class FileDocumentStore implements DocumentStore {
  /**
   * The key of each document file read so far. A file never changes once linked into place, so
   * `list` parses every file once and afterwards reads only the files whose keys match: the public
   * seal verification lists a document's conditions on every call.
   */
  private readonly keysByFile = new Map<string, string>();

  constructor(private readonly dir: string) {}

  async createOnce<T>(key: string, make: (documentId: string) => T): Promise<StoredDocument<T>> {
    const existing = await this.get<T>(key);
    if (existing) return existing;
    const documentId = documentIdFor(key);
    const doc: StoredDocument<T> = { key, documentId, createdAt: new Date().toISOString(), body: make(documentId) };
    await ensurePrivateDir(this.dir);
    const temp = join(this.dir, `.tmp-${randomUUID()}`);
    try {
      await writePrivateFile(temp, JSON.stringify(doc, null, 2));
      await link(temp, this.pathFor(documentId));
      return doc;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return (await this.get<T>(key))!; // lost the race: the winner's document is the document
    } finally {
      await rm(temp, { force: true });
    }
  }

  async get<T>(key: string): Promise<StoredDocument<T> | undefined> {
    try {
      return JSON.parse(await readFile(this.pathFor(documentIdFor(key)), 'utf8')) as StoredDocument<T>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async list<T>(prefix: string): Promise<Array<StoredDocument<T>>> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const files = names.filter((n) => n.endsWith('.json'));
    const present = new Set(files);
    for (const name of this.keysByFile.keys()) if (!present.has(name)) this.keysByFile.delete(name);
    const docs = await Promise.all(
      files.map(async (name) => {
        const key = this.keysByFile.get(name);
        if (key !== undefined && !key.startsWith(prefix)) return undefined;
        const doc = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as StoredDocument<T>;
        this.keysByFile.set(name, doc.key);
        return doc.key.startsWith(prefix) ? doc : undefined;
      }),
    );
    return docs.filter((d) => d !== undefined).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  private pathFor(documentId: string): string {
    return join(this.dir, `${documentId}.json`);
  }
}
