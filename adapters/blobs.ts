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
 */
import { createHash, randomUUID } from 'node:crypto';
import { link, readFile, rm } from 'node:fs/promises';
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

/** The SHA-256 of the bytes, lower-case hex. */
export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const SHA256 = /^[0-9a-f]{64}$/;

/** The normalised hash, or undefined when `sha256` cannot name a blob (wrong length, not hex). */
function normalise(sha256: string): string | undefined {
  const lower = typeof sha256 === 'string' ? sha256.toLowerCase() : '';
  return SHA256.test(lower) ? lower : undefined;
}

function normaliseMediaType(mediaType: string): string {
  const essence = (mediaType.split(';', 1)[0] ?? '').trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(essence)) {
    throw new TypeError(`not a media type: ${JSON.stringify(mediaType)}`);
  }
  return essence;
}

function checkBytes(bytes: Buffer): void {
  if (!Buffer.isBuffer(bytes)) throw new TypeError('blob bytes must be a Buffer');
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
    const key = normalise(sha256);
    const found = key === undefined ? undefined : this.blobs.get(key);
    return found && { bytes: Buffer.from(found.bytes), blob: { ...found.blob } };
  }

  async has(sha256: string): Promise<boolean> {
    const key = normalise(sha256);
    return key !== undefined && this.blobs.has(key);
  }
}

/**
 * A directory of blobs: `dir/<aa>/<sha256>` holds the bytes and `dir/<aa>/<sha256>.json` the metadata
 * ({@link StoredBlob}), where `<aa>` is the hash's first two hex digits (so no directory grows huge).
 *
 * Each file is created once: written in full to a temp file beside it, then hard-linked to its name,
 * which the file system makes atomic and exclusive. Of racing puts of the same bytes exactly one link
 * wins; the others find the name taken (EEXIST) and return what is stored. A crash never leaves a
 * half-written blob under its name, and temp files are removed whatever happens. The bytes are linked
 * before the metadata, and a blob exists once its metadata does: bytes left without metadata by a crash
 * are completed by the next put of the same bytes.
 *
 * Uploads are personal (ID cards, contracts): folders are 0700 and files 0600.
 *
 * Suits one host (or a shared POSIX file system); a cluster shares an object store instead.
 */
export class FileBlobStore implements BlobStore {
  private readonly now: () => Date;

  constructor(
    readonly dir: string,
    options: BlobStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async put(bytes: Buffer, mediaType: string): Promise<StoredBlob> {
    checkBytes(bytes);
    const type = normaliseMediaType(mediaType);
    const sha256 = sha256Of(bytes);
    const existing = await this.readMeta(sha256);
    if (existing) return existing;
    const shard = this.shardOf(sha256);
    await ensurePrivateDir(this.dir);
    await ensurePrivateDir(shard);
    await createOnce(shard, this.bytesPath(sha256), bytes);
    const blob: StoredBlob = { sha256, size: bytes.length, mediaType: type, storedAt: this.now().toISOString() };
    const won = await createOnce(shard, this.metaPath(sha256), `${JSON.stringify(blob, null, 2)}\n`);
    if (won) return blob;
    return (await this.readMeta(sha256))!; // lost the race: the first metadata stands
  }

  async get(sha256: string): Promise<{ bytes: Buffer; blob: StoredBlob } | undefined> {
    const key = normalise(sha256);
    if (key === undefined) return undefined;
    const blob = await this.readMeta(key);
    if (!blob) return undefined;
    const bytes = await readFile(this.bytesPath(key));
    if (bytes.length !== blob.size || sha256Of(bytes) !== key) {
      throw new BlobIntegrityError(`blob ${key} in ${this.dir} is damaged: its bytes no longer hash to its name`);
    }
    return { bytes, blob };
  }

  async has(sha256: string): Promise<boolean> {
    const key = normalise(sha256);
    return key !== undefined && (await this.readMeta(key)) !== undefined;
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

  private shardOf(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2));
  }

  private bytesPath(sha256: string): string {
    return join(this.shardOf(sha256), sha256);
  }

  private metaPath(sha256: string): string {
    return join(this.shardOf(sha256), `${sha256}.json`);
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
