/**
 * Uploaded materials, stored by content: a blob's name is the SHA-256 of its bytes.
 *
 * Content addressing makes uploads idempotent by nature: a retried upload, or the same scan handed in
 * for two cases, is stored once and gets the same id, which cases then reference. The bytes are never
 * changed once stored; reading them back checks their hash.
 *
 * The media type is what the first upload declared (without parameters, in lower case): the same bytes
 * put again with another declared type get the stored blob back unchanged, since bytes have one
 * type. Size and type rules (413, 415) are checked before a put, by `forms/uploads.ts`.
 *
 * A blob is its bytes ({@link BlobBytes}: files by default) and its metadata ({@link StoredBlob}):
 * {@link FileBlobStore} keeps both in files, `PostgresBlobStore` (`adapters/db/blobs.ts`) the metadata
 * in the database and the bytes in a {@link BlobBytes}.
 */
import { createHash, randomUUID } from 'node:crypto';
import { link, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from './private-files';

export interface StoredBlob {
  /** SHA-256 of the bytes, 64 lower-case hex digits: the blob's id. */
  sha256: string;
  /** Size in bytes. */
  size: number;
  /** Media type declared by the first upload, without parameters, in lower case. */
  mediaType: string;
  /** When the bytes were first stored: an ISO instant. */
  storedAt: string;
}

export interface BlobStore {
  /** Stores the bytes unless they are stored already; either way, the stored blob (the first one's metadata). */
  put(bytes: Buffer, mediaType: string): Promise<StoredBlob>;
  /** The bytes and metadata stored under `sha256` (hex, any case); undefined when there are none. */
  get(sha256: string): Promise<{ bytes: Buffer; blob: StoredBlob } | undefined>;
  /** Whether a blob is stored under `sha256` (hex, any case). */
  has(sha256: string): Promise<boolean>;
}

/** A stored blob whose bytes no longer hash to its name: the store is damaged. Not retryable. */
export class BlobIntegrityError extends Error {
  override name = 'BlobIntegrityError';
}

/**
 * Where a blob store keeps the bytes, by SHA-256: each written once and never changed. Metadata (the
 * media type, when) is the blob store's.
 */
export interface BlobBytes {
  /** Writes the bytes under `sha256` (theirs, lower-case hex) unless they are there. */
  write(sha256: string, bytes: Buffer): Promise<void>;
  /** The bytes under `sha256`, unchecked; undefined when there are none. */
  read(sha256: string): Promise<Buffer | undefined>;
}

/** The SHA-256 of the bytes, lower-case hex. */
export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const SHA256 = /^[0-9a-f]{64}$/;

/** The normalised hash, or undefined when `sha256` cannot name a blob (wrong length, not hex). */
export function normaliseSha256(sha256: string): string | undefined {
  const lower = typeof sha256 === 'string' ? sha256.toLowerCase() : '';
  return SHA256.test(lower) ? lower : undefined;
}

export function normaliseMediaType(mediaType: string): string {
  const essence = (mediaType.split(';', 1)[0] ?? '').trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(essence)) {
    throw new TypeError(`not a media type: ${JSON.stringify(mediaType)}`);
  }
  return essence;
}

export function checkBytes(bytes: Buffer): void {
  if (!Buffer.isBuffer(bytes)) throw new TypeError('blob bytes must be a Buffer');
}

/** The bytes read for a blob, checked against its metadata; a {@link BlobIntegrityError} if they do not match. */
export function checkedBlob(bytes: Buffer | undefined, blob: StoredBlob, where: string): { bytes: Buffer; blob: StoredBlob } {
  if (bytes === undefined) throw new BlobIntegrityError(`blob ${blob.sha256} in ${where} is damaged: its bytes are missing`);
  if (bytes.length !== blob.size || sha256Of(bytes) !== blob.sha256) {
    throw new BlobIntegrityError(`blob ${blob.sha256} in ${where} is damaged: its bytes no longer hash to its name`);
  }
  return { bytes, blob };
}

export interface BlobStoreOptions {
  /** The current time, for `storedAt`; `() => new Date()` by default. */
  now?: () => Date;
}

/** In memory, for unit tests and throw-away runs. Bytes are copied in and out. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, { bytes: Buffer; blob: StoredBlob }>();
  private readonly now: () => Date;

  constructor(options: BlobStoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
  }

  async put(bytes: Buffer, mediaType: string): Promise<StoredBlob> {
    checkBytes(bytes);
    const type = normaliseMediaType(mediaType);
    const sha256 = sha256Of(bytes);
    const existing = this.blobs.get(sha256);
    if (existing) return { ...existing.blob };
    const blob: StoredBlob = { sha256, size: bytes.length, mediaType: type, storedAt: this.now().toISOString() };
    this.blobs.set(sha256, { bytes: Buffer.from(bytes), blob });
    return { ...blob };
  }

  async get(sha256: string): Promise<{ bytes: Buffer; blob: StoredBlob } | undefined> {
    const key = normaliseSha256(sha256);
    const found = key === undefined ? undefined : this.blobs.get(key);
    return found && { bytes: Buffer.from(found.bytes), blob: { ...found.blob } };
  }

  async has(sha256: string): Promise<boolean> {
    const key = normaliseSha256(sha256);
    return key !== undefined && this.blobs.has(key);
  }
}

/**
 * Bytes in a directory: `dir/<aa>/<sha256>`, where `<aa>` is the hash's first two hex digits (so no
 * directory grows huge). Each file is created once: written in full to a temp file beside it, then
 * hard-linked to its name, which the file system makes atomic and exclusive; temp files are removed
 * whatever happens. Uploads are personal (ID cards, contracts): folders are 0700 and files 0600.
 */
export class FileBlobBytes implements BlobBytes {
  constructor(readonly dir: string) {}

  async write(sha256: string, bytes: Buffer): Promise<void> {
    const shard = this.shardOf(sha256);
    await ensurePrivateDir(this.dir);
    await ensurePrivateDir(shard);
    if (await exists(this.pathOf(sha256))) return; // written before: bytes never change
    await createOnce(shard, this.pathOf(sha256), bytes);
  }

  async read(sha256: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  shardOf(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2));
  }

  pathOf(sha256: string): string {
    return join(this.shardOf(sha256), sha256);
  }
}

/**
 * A directory of blobs: the bytes as {@link FileBlobBytes} (`dir/<aa>/<sha256>`) and beside them
 * `dir/<aa>/<sha256>.json` the metadata ({@link StoredBlob}).
 *
 * Of racing puts of the same bytes exactly one link of each file wins; the others find the name taken
 * (EEXIST) and return what is stored. A crash never leaves a half-written blob under its name. The
 * bytes are linked before the metadata, and a blob exists once its metadata does: bytes left without
 * metadata by a crash are completed by the next put of the same bytes.
 *
 * Suits one host (or a shared POSIX file system); a cluster shares an object store instead.
 */
export class FileBlobStore implements BlobStore {
  private readonly now: () => Date;
  private readonly bytes: FileBlobBytes;

  constructor(
    readonly dir: string,
    options: BlobStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.bytes = new FileBlobBytes(dir);
  }

  async put(bytes: Buffer, mediaType: string): Promise<StoredBlob> {
    checkBytes(bytes);
    const type = normaliseMediaType(mediaType);
    const sha256 = sha256Of(bytes);
    const existing = await this.readMeta(sha256);
    if (existing) return existing;
    await this.bytes.write(sha256, bytes);
    const blob: StoredBlob = { sha256, size: bytes.length, mediaType: type, storedAt: this.now().toISOString() };
    const won = await createOnce(this.bytes.shardOf(sha256), this.metaPath(sha256), `${JSON.stringify(blob, null, 2)}\n`);
    if (won) return blob;
    return (await this.readMeta(sha256))!; // lost the race: the first metadata stands
  }

  async get(sha256: string): Promise<{ bytes: Buffer; blob: StoredBlob } | undefined> {
    const key = normaliseSha256(sha256);
    if (key === undefined) return undefined;
    const blob = await this.readMeta(key);
    if (!blob) return undefined;
    return checkedBlob(await this.bytes.read(key), blob, this.dir);
  }

  async has(sha256: string): Promise<boolean> {
    const key = normaliseSha256(sha256);
    return key !== undefined && (await this.readMeta(key)) !== undefined;
  }

  /** Every blob's metadata (for moving it to another store), in no particular order. */
  async *metadata(): AsyncGenerator<StoredBlob> {
    for (const shard of await listDir(this.dir)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await listDir(join(this.dir, shard))) {
        const sha256 = /^([0-9a-f]{64})\.json$/.exec(name)?.[1];
        const blob = sha256 === undefined ? undefined : await this.readMeta(sha256);
        if (blob) yield blob;
      }
    }
  }

  private async readMeta(sha256: string): Promise<StoredBlob | undefined> {
    let text: string;
    try {
      text = await readFile(this.metaPath(sha256), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return JSON.parse(text) as StoredBlob;
  }

  private metaPath(sha256: string): string {
    return `${this.bytes.pathOf(sha256)}.json`;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Creates `path` with `content` unless it exists; true when this call created it. */
async function createOnce(dir: string, path: string, content: Buffer | string): Promise<boolean> {
  const temp = join(dir, `.tmp-${randomUUID()}`);
  try {
    await writePrivateFile(temp, content);
    try {
      await link(temp, path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false; // created by an earlier or racing put
      throw err;
    }
  } finally {
    await rm(temp, { force: true });
  }
}
