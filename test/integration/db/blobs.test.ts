/**
 * Uploads with their metadata on the database and their bytes in files, on PGlite and on a PostgreSQL
 * server: stored once by content (the first media type and time stand), racing puts agree, the bytes
 * are checked when read, and bytes a crash left without metadata are completed by the next put.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BlobIntegrityError, FileBlobBytes, sha256Of } from '../../../adapters/blobs';
import { PostgresBlobStore } from '../../../adapters/db/blobs';
import type { Database } from '../../../adapters/db/schema';
import type { Kysely } from 'kysely';
import { testDatabases } from '../../helpers/databases';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

describe.each(testDatabases())('PostgresBlobStore on %s', (backend, database) => {
  let db: Kysely<Database>;
  let dir: string;
  let store: PostgresBlobStore;
  beforeAll(async () => {
    db = await database.open();
  });
  beforeEach(async () => {
    await database.reset();
    dir = await mkdtemp(join(tmpdir(), 'yjs-db-blobs-'));
    store = new PostgresBlobStore(db, new FileBlobBytes(dir), { now: () => new Date('2026-03-02T08:00:00.000Z') });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  afterAll(() => database.close());

  it('stores bytes once by their SHA-256; the first upload\'s media type and time stand', async () => {
    const blob = await store.put(PDF, 'application/pdf; charset=binary');
    expect(blob).toEqual({ sha256: sha256Of(PDF), size: PDF.length, mediaType: 'application/pdf', storedAt: '2026-03-02T08:00:00.000Z' });
    const later = new PostgresBlobStore(db, new FileBlobBytes(dir), { now: () => new Date('2027-01-01T00:00:00.000Z') });
    expect(await later.put(PDF, 'image/png')).toEqual(blob);
    expect(await store.get(blob.sha256.toUpperCase())).toEqual({ bytes: PDF, blob });
    expect(await store.has(blob.sha256)).toBe(true);
  });

  it('answers nothing for a hash it does not have, or one that names no blob', async () => {
    expect(await store.get(sha256Of(PNG))).toBeUndefined();
    expect(await store.has(sha256Of(PNG))).toBe(false);
    expect(await store.get('../../etc/passwd')).toBeUndefined();
    expect(await store.has('abc')).toBe(false);
  });

  it('agrees on one blob when puts of the same bytes race', async () => {
    const all = await Promise.all(Array.from({ length: 10 }, (_, i) => store.put(PNG, i % 2 ? 'image/png' : 'image/x-png')));
    expect(new Set(all.map((b) => JSON.stringify(b))).size).toBe(1);
  });

  it.runIf(backend === 'postgres')('agrees on one blob when two processes (two connection pools) put the same bytes', async () => {
    const other = new PostgresBlobStore(await database.openAnother(), new FileBlobBytes(dir));
    const all = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other).put(PNG, i % 2 ? 'image/png' : 'image/x-png')));
    expect(new Set(all.map((b) => JSON.stringify(b))).size).toBe(1);
  });

  it('refuses bytes that no longer hash to their name, and says when they are gone', async () => {
    const blob = await store.put(PDF, 'application/pdf');
    const bytes = new FileBlobBytes(dir);
    await writeFile(bytes.pathOf(blob.sha256), 'tampered');
    await expect(store.get(blob.sha256)).rejects.toBeInstanceOf(BlobIntegrityError);
    await rm(bytes.pathOf(blob.sha256));
    await expect(store.get(blob.sha256)).rejects.toThrow(/missing/);
  });

  it('completes bytes a crash left without metadata on the next put', async () => {
    await new FileBlobBytes(dir).write(sha256Of(PNG), PNG);
    expect(await store.has(sha256Of(PNG))).toBe(false);
    expect((await store.put(PNG, 'image/png')).mediaType).toBe('image/png');
    expect((await store.get(sha256Of(PNG)))?.bytes).toEqual(PNG);
  });
});
