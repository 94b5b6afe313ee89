/**
 * Uploads' bytes in an S3-compatible bucket (AWS S3, MinIO, Ceph, …) instead of files, so API nodes
 * and workers on several hosts share them. The metadata stays in the database (`adapters/db/blobs.ts`).
 *
 * Keys have the file store's layout under an optional prefix, `<prefix>/<aa>/<sha256>` (`<aa>`: the
 * hash's first two hex digits), so moving from files is a plain sync of `.data/blobs` without the
 * `.json` files. A key is written once and never changed:
 * - a write first looks (HEAD): bytes already stored with the right size (and, where the server keeps
 *   one, the right SHA-256 checksum) are not sent again; stored bytes that do not match are damaged
 *   and are replaced by these, which hash to the name;
 * - otherwise a conditional PUT (`If-None-Match: *`) creates the key: of racing writes one wins and
 *   the others get 412, which means stored. The PUT carries Content-MD5 and the SHA-256 checksum, so
 *   a server that checks them refuses bytes damaged on the way.
 * Reads are unchecked here, as {@link BlobBytes} says: the blob store checks them against the hash.
 *
 * Credentials come from the AWS SDK's default chain (environment, shared files, SSO, instance or
 * container role), never from this project's configuration.
 */
import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type HeadObjectCommandOutput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { BlobIntegrityError, normaliseSha256, sha256Of, type BlobBytes } from './blobs';

export interface S3BlobBytesOptions {
  bucket: string;
  /** Folder of the keys in the bucket (`a/b` and `a/b/` are the same); none by default. */
  prefix?: string;
  /** An S3-compatible server's URL (`http://127.0.0.1:9000`); unset: AWS S3 of {@link region}. */
  endpoint?: string;
  /** Unset: the SDK's (`AWS_REGION`, the shared config), else `us-east-1` when an endpoint is set. */
  region?: string;
  /** Keys in the path (`endpoint/bucket/key`), not the host name: what most servers other than AWS need. */
  forcePathStyle?: boolean;
  /** Fixed credentials (tests); unset: the SDK's default chain. */
  credentials?: S3ClientConfig['credentials'];
}

export class S3BlobBytes implements BlobBytes {
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;

  constructor(readonly options: S3BlobBytesOptions) {
    if (!options.bucket) throw new TypeError('S3BlobBytes needs a bucket');
    this.bucket = options.bucket;
    this.prefix = normalisePrefix(options.prefix);
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region ?? (options.endpoint ? process.env.AWS_REGION || 'us-east-1' : undefined),
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      // The SDK's default CRC32 on every request trips some S3-compatible servers; the PUT names its
      // own checksums instead.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // An unreachable server fails the upload in seconds instead of holding the request open.
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    });
  }

  async write(sha256: string, bytes: Buffer): Promise<void> {
    const key = this.keyOf(sha256);
    if (sha256Of(bytes) !== sha256) throw new TypeError(`bytes written under ${sha256} do not hash to it`);
    const found = await this.head(key, true);
    if (found && storedMatches(found, sha256, bytes.length)) return; // written before: bytes never change
    // Missing: create it once. Damaged (wrong size or checksum): overwrite with bytes that hash to the name.
    await this.put(key, sha256, bytes, found === undefined);
  }

  async read(sha256: string): Promise<Buffer | undefined> {
    const key = this.keyOf(sha256);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = await out.Body!.transformToByteArray();
      return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    } catch (err) {
      if (isMissingKey(err)) return undefined;
      throw this.failure('GET', key, err);
    }
  }

  /** Whether bytes are stored under `sha256` (unchecked). */
  async has(sha256: string): Promise<boolean> {
    return (await this.head(this.keyOf(sha256), false)) !== undefined;
  }

  /** The object key of `sha256` (lower-case hex): `<prefix><aa>/<sha256>`. */
  keyOf(sha256: string): string {
    const name = normaliseSha256(sha256);
    if (name === undefined || name !== sha256) throw new TypeError(`not a lower-case SHA-256: ${JSON.stringify(sha256)}`);
    return `${this.prefix}${name.slice(0, 2)}/${name}`;
  }

  /** Closes the client's connections. */
  close(): void {
    this.client.destroy();
  }

  private async head(key: string, checksum: boolean): Promise<HeadObjectCommandOutput | undefined> {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: checksum ? 'ENABLED' : undefined }));
    } catch (err) {
      if (isMissingKey(err)) return undefined;
      throw this.failure('HEAD', key, err);
    }
  }

  private async put(key: string, sha256: string, bytes: Buffer, onlyIfAbsent: boolean): Promise<void> {
    const checksum = Buffer.from(sha256, 'hex').toString('base64');
    try {
      const out = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: 'application/octet-stream',
          ContentMD5: createHash('md5').update(bytes).digest('base64'),
          ChecksumSHA256: checksum,
          IfNoneMatch: onlyIfAbsent ? '*' : undefined,
        }),
      );
      if (out.ChecksumSHA256 !== undefined && out.ChecksumSHA256 !== checksum) {
        throw new BlobIntegrityError(`S3 stored other bytes under ${key} in bucket ${this.bucket}: its SHA-256 checksum is not the key's`);
      }
    } catch (err) {
      if (err instanceof BlobIntegrityError) throw err;
      // 412: created since the HEAD, by a racing write of the same bytes. 409: a concurrent conditional write.
      if (onlyIfAbsent && (statusOf(err) === 412 || statusOf(err) === 409)) return;
      throw this.failure('PUT', key, err);
    }
  }

  private failure(operation: string, key: string, err: unknown): Error {
    const where = `bucket ${this.bucket}${this.options.endpoint ? ` at ${this.options.endpoint}` : ''}`;
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return new Error(`S3 ${operation} of ${key} in ${where} failed: ${what}`, { cause: err });
  }
}

function normalisePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed ? `${trimmed}/` : '';
}

function storedMatches(found: HeadObjectCommandOutput, sha256: string, size: number): boolean {
  if (found.ContentLength !== undefined && found.ContentLength !== size) return false;
  const checksum = found.ChecksumSHA256;
  // A checksum of a multipart upload ends in `-<parts>` and is not the object's hash: nothing to compare.
  if (checksum === undefined || checksum.includes('-')) return true;
  return checksum === Buffer.from(sha256, 'hex').toString('base64');
}

/**
 * A key that is not there: GET's NoSuchKey, HEAD's bare 404 (a HEAD answer has no body, so a missing
 * bucket looks the same there; the GET or PUT that follows names it). A missing bucket on GET, or a
 * 403, stays an error.
 */
function isMissingKey(err: unknown): boolean {
  const name = err instanceof Error ? err.name : undefined;
  return statusOf(err) === 404 && (name === 'NoSuchKey' || name === 'NotFound');
}

/** The HTTP status of an S3 service error (the SDK's `$metadata`), else undefined. */
function statusOf(err: unknown): number | undefined {
  const metadata = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}
