/**
 * Uploads with their bytes in files (`FileBlobBytes`, the default) and their metadata on the database,
 * on PGlite and on a PostgreSQL server: the behaviour of `test/helpers/blob-suites.ts`, which the S3
 * bucket (`s3-blobs.test.ts`) shares.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBlobBytes } from '../../../adapters/blobs';
import { blobBytesSuite, blobStoreSuite, type BytesUnderTest } from '../../helpers/blob-suites';

async function files(): Promise<BytesUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'yjs-db-blobs-'));
  const bytes = new FileBlobBytes(dir);
  return {
    bytes,
    another: () => new FileBlobBytes(dir),
    damage: (sha256, content) => writeFile(bytes.pathOf(sha256), content),
    remove: (sha256) => rm(bytes.pathOf(sha256)),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

blobBytesSuite('files', files);
blobStoreSuite('files', files);
