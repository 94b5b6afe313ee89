/**
 * Uploads with their metadata in PostgreSQL (a server or PGlite): table `uploads` (SHA-256, size,
 * media type, when), and their bytes in a {@link BlobBytes} (files in `.data/blobs` by default, the
 * layout of the file blob store, so moving to the database leaves the bytes where they are).
 *
 * A put writes the bytes first (once, by hash), then inserts the metadata with `ON CONFLICT DO NOTHING`:
 * the first upload's media type and time stand, and bytes whose metadata a crash left unwritten are
 * completed by the next put of the same bytes. A blob exists once its row does.
 */
import type { Kysely, Selectable } from 'kysely';
import {
  checkBytes,
  checkedBlob,
  normaliseMediaType,
  normaliseSha256,
  sha256Of,
  type BlobBytes,
  type BlobStore,
  type BlobStoreOptions,
  type StoredBlob,
} from '../blobs';
import type { Database, UploadsTable } from './schema';

export class PostgresBlobStore implements BlobStore {
  private readonly now: () => Date;

  constructor(
    private readonly db: Kysely<Database>,
    readonly bytes: BlobBytes,
    options: BlobStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async put(bytes: Buffer, mediaType: string): Promise<StoredBlob> {
    checkBytes(bytes);
    const type = normaliseMediaType(mediaType);
    const sha256 = sha256Of(bytes);
    const existing = await this.metadata(sha256);
    if (existing) return existing;
    await this.bytes.write(sha256, bytes);
    const blob: StoredBlob = { sha256, size: bytes.length, mediaType: type, storedAt: this.now().toISOString() };
    if (await this.importMetadata(blob)) return blob;
    return (await this.metadata(sha256))!; // lost the race: the first upload's metadata stands
  }

  async get(sha256: string): Promise<{ bytes: Buffer; blob: StoredBlob } | undefined> {
    const key = normaliseSha256(sha256);
    const blob = key === undefined ? undefined : await this.metadata(key);
    if (!blob) return undefined;
    return checkedBlob(await this.bytes.read(blob.sha256), blob, 'the blob store');
  }

  async has(sha256: string): Promise<boolean> {
    const key = normaliseSha256(sha256);
    return key !== undefined && (await this.metadata(key)) !== undefined;
  }

  /**
   * Adds a blob's metadata as another store kept it, unless its hash has a row; the bytes must be in
   * {@link PostgresBlobStore.bytes} already. Whether it was added.
   */
  async importMetadata(blob: StoredBlob): Promise<boolean> {
    const inserted = await this.db
      .insertInto('uploads')
      .values({ sha256: blob.sha256, size: blob.size, media_type: blob.mediaType, stored_at: blob.storedAt })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .returning('sha256')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  private async metadata(sha256: string): Promise<StoredBlob | undefined> {
    const row = await this.db.selectFrom('uploads').selectAll().where('sha256', '=', sha256).executeTakeFirst();
    return row && stored(row);
  }
}

function stored(row: Selectable<UploadsTable>): StoredBlob {
  return { sha256: row.sha256, size: Number(row.size), mediaType: row.media_type, storedAt: row.stored_at.toISOString() };
}
