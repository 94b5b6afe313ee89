/**
 * The behaviour every place for uploads' bytes shares, run against each (files: `blobs.test.ts`; an S3
 * bucket: `s3-blobs.test.ts`):
 *
 * - {@link blobBytesSuite}: the {@link BlobBytes} contract: bytes read back as written, by hash,
 *   nothing for a hash not written, a repeated or racing write of the same bytes is no error;
 * - {@link blobStoreSuite}: the database blob store over those bytes, on PGlite and a PostgreSQL
 *   server: stored once by content (the first media type and time stand), racing puts agree, bytes
 *   are checked when read, bytes a crash left without metadata are completed by the next put.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BlobIntegrityError, sha256Of, type BlobBytes } from '../../adapters/blobs';
import { PostgresBlobStore } from '../../adapters/db/blobs';
import type { Database } from '../../adapters/db/schema';
import { testDatabases } from './databases';

/** One empty place for bytes, made for one test, and ways around it to damage what it holds. */
export interface BytesUnderTest {
  bytes: BlobBytes;
  /** Another handle on the same place, as a second process opens it. */
  another(): BlobBytes;
  /** Replaces what is stored under `sha256` behind the store's back. */
  damage(sha256: string, content: Buffer): Promise<void>;
  /** Deletes what is stored under `sha256` behind the store's back. */
  remove(sha256: string): Promise<void>;
  close(): Promise<void>;
}

export const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');
export const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

export function blobBytesSuite(name: string, open: () => Promise<BytesUnderTest>): void {
  describe(`BlobBytes: ${name}`, () => {
    let place: BytesUnderTest;
    beforeEach(async () => {
      place = await open();
    });
    afterEach(() => place.close());

    it('reads back the bytes written under their hash, and nothing under a hash not written', async () => {
      expect(await place.bytes.read(sha256Of(PDF))).toBeUndefined();
      await place.bytes.write(sha256Of(PDF), PDF);
      expect(await place.bytes.read(sha256Of(PDF))).toEqual(PDF);
      expect(await place.another().read(sha256Of(PDF))).toEqual(PDF);
      expect(await place.bytes.read(sha256Of(PNG))).toBeUndefined();
    });

    it('keeps any bytes as they are: none, binary, a megabyte', async () => {
      const all = [Buffer.alloc(0), Buffer.from([0, 255, 13, 10, 0]), randomBytes(1024 * 1024)];
      for (const bytes of all) await place.bytes.write(sha256Of(bytes), bytes);
      for (const bytes of all) expect((await place.bytes.read(sha256Of(bytes)))?.equals(bytes)).toBe(true);
    });

    it('writes the same bytes again without an error, from this handle or another', async () => {
      await place.bytes.write(sha256Of(PNG), PNG);
      await place.bytes.write(sha256Of(PNG), PNG);
      await place.another().write(sha256Of(PNG), PNG);
      expect(await place.bytes.read(sha256Of(PNG))).toEqual(PNG);
    });

    it('agrees when writes of the same bytes race, in one process or two', async () => {
      const bytes = randomBytes(256 * 1024);
      const other = place.another();
      await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? place.bytes : other).write(sha256Of(bytes), bytes)));
      expect((await place.bytes.read(sha256Of(bytes)))?.equals(bytes)).toBe(true);
    });
  });
}

export function blobStoreSuite(name: string, open: () => Promise<BytesUnderTest>): void {
  describe.each(testDatabases())(`PostgresBlobStore, bytes in ${name}, on %s`, (backend, database) => {
    let db: Kysely<Database>;
    let place: BytesUnderTest;
    let store: PostgresBlobStore;
    beforeAll(async () => {
      db = await database.open();
    });
    beforeEach(async () => {
      await database.reset();
      place = await open();
      store = new PostgresBlobStore(db, place.bytes, { now: () => new Date('2026-03-02T08:00:00.000Z') });
    });
    afterEach(() => place.close());
    afterAll(() => database.close());

    it('stores bytes once by their SHA-256; the first upload\'s media type and time stand', async () => {
      const blob = await store.put(PDF, 'application/pdf; charset=binary');
      expect(blob).toEqual({ sha256: sha256Of(PDF), size: PDF.length, mediaType: 'application/pdf', storedAt: '2026-03-02T08:00:00.000Z' });
      const later = new PostgresBlobStore(db, place.another(), { now: () => new Date('2027-01-01T00:00:00.000Z') });
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
      const other = new PostgresBlobStore(await database.openAnother(), place.another());
      const all = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other).put(PNG, i % 2 ? 'image/png' : 'image/x-png')));
      expect(new Set(all.map((b) => JSON.stringify(b))).size).toBe(1);
    });

    it('refuses bytes that no longer hash to their name, and says when they are gone', async () => {
      const blob = await store.put(PDF, 'application/pdf');
      await place.damage(blob.sha256, Buffer.from('tampered'));
      await expect(store.get(blob.sha256)).rejects.toBeInstanceOf(BlobIntegrityError);
      await place.remove(blob.sha256);
      await expect(store.get(blob.sha256)).rejects.toThrow(/missing/);
    });

    it('completes bytes a crash left without metadata on the next put', async () => {
      await place.bytes.write(sha256Of(PNG), PNG);
      expect(await store.has(sha256Of(PNG))).toBe(false);
      expect((await store.put(PNG, 'image/png')).mediaType).toBe('image/png');
      expect((await store.get(sha256Of(PNG)))?.bytes).toEqual(PNG);
    });
  });
}
