/**
 * Uploads' bytes in an S3-compatible bucket, against a real S3 HTTP server (moto's, started for this
 * file by `test/helpers/s3.ts`): the behaviour the file store has (`test/helpers/blob-suites.ts`, on
 * PGlite and a PostgreSQL server), what is S3's own (keys, refused names and bytes, damaged objects
 * rewritten, a missing bucket an error), the `YJS_S3_*` configuration, and an upload over HTTP through
 * the stores `npm start` opens with the bucket configured.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileBlobBytes, FileBlobStore, sha256Of } from '../../../adapters/blobs';
import { fileLayoutOf, importFiles } from '../../../adapters/db/import-files';
import { S3BlobBytes } from '../../../adapters/s3-blobs';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { mintKeys } from '../../../runtime/api-keys';
import { openBlobBytes, openStores } from '../../../runtime/components';
import { loadConfig, PROJECT_ROOT } from '../../../runtime/config';
import { blobBytesSuite, blobStoreSuite, PDF, PNG, type BytesUnderTest } from '../../helpers/blob-suites';
import { testDatabases } from '../../helpers/databases';
import { startS3Server, S3_TEST_CREDENTIALS, type S3Server } from '../../helpers/s3';

let server: S3Server;
beforeAll(async () => {
  server = await startS3Server();
  console.log(`S3 test server: ${server.binary} (${server.source}), answering after ${server.startedInMs} ms`);
}, 180_000); // a first run pip-installs it
afterAll(() => server?.stop());

/** A fresh bucket per test, with a prefix, so tests never see each other's objects. */
async function bucket(prefix = 'uploads/'): Promise<BytesUnderTest> {
  const name = `yjs-${randomUUID()}`;
  await server.createBucket(name);
  const handles: S3BlobBytes[] = [];
  const open = () => {
    const handle = new S3BlobBytes(server.options(name, prefix));
    handles.push(handle);
    return handle;
  };
  const bytes = open();
  return {
    bytes,
    another: open,
    damage: async (sha256, content) => {
      await server.client.send(new PutObjectCommand({ Bucket: name, Key: bytes.keyOf(sha256), Body: content }));
    },
    remove: async (sha256) => {
      await server.client.send(new DeleteObjectCommand({ Bucket: name, Key: bytes.keyOf(sha256) }));
    },
    close: async () => {
      for (const handle of handles) handle.close();
    },
  };
}

blobBytesSuite('S3', () => bucket());
blobStoreSuite('S3', () => bucket());

describe('S3BlobBytes', () => {
  it('keeps bytes under <prefix>/<aa>/<sha256>, the file store\'s layout, whatever slashes the prefix has', async () => {
    const name = `yjs-${randomUUID()}`;
    await server.createBucket(name);
    const sha256 = sha256Of(PDF);
    for (const [prefix, key] of [
      ['/tenant-a/uploads/', `tenant-a/uploads/${sha256.slice(0, 2)}/${sha256}`],
      [undefined, `${sha256.slice(0, 2)}/${sha256}`],
    ] as const) {
      const bytes = new S3BlobBytes(server.options(name, prefix));
      await bytes.write(sha256, PDF);
      const object = await server.client.send(new GetObjectCommand({ Bucket: name, Key: key }));
      expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(PDF);
      expect(new FileBlobBytes('/d').pathOf(sha256)).toBe(`/d/${key.slice(key.length - 67)}`);
      bytes.close();
    }
  });

  it('says whether bytes are stored', async () => {
    const { bytes, close } = await bucket();
    const s3 = bytes as S3BlobBytes;
    expect(await s3.has(sha256Of(PNG))).toBe(false);
    await s3.write(sha256Of(PNG), PNG);
    expect(await s3.has(sha256Of(PNG))).toBe(true);
    await close();
  });

  it('refuses bytes that do not hash to their name, and a name that is not a lower-case SHA-256', async () => {
    const { bytes, close } = await bucket();
    await expect(bytes.write(sha256Of(PDF), PNG)).rejects.toThrow(/do not hash/);
    expect(await bytes.read(sha256Of(PDF))).toBeUndefined();
    await expect(bytes.read('../../etc/passwd')).rejects.toThrow(TypeError);
    await expect(bytes.read(sha256Of(PDF).toUpperCase())).rejects.toThrow(TypeError);
    await close();
  });

  it('replaces stored bytes of the wrong size with the right ones on the next write', async () => {
    const place = await bucket();
    await place.bytes.write(sha256Of(PDF), PDF);
    await place.damage(sha256Of(PDF), Buffer.from('truncated'));
    await place.bytes.write(sha256Of(PDF), PDF);
    expect(await place.bytes.read(sha256Of(PDF))).toEqual(PDF);
    await place.close();
  });

  it('fails, naming the bucket and the server, when the bucket does not exist (not "no such blob")', async () => {
    const bytes = new S3BlobBytes(server.options('yjs-no-such-bucket'));
    await expect(bytes.read(sha256Of(PDF))).rejects.toThrow(`in bucket yjs-no-such-bucket at ${server.endpoint} failed: NoSuchBucket`);
    await expect(bytes.write(sha256Of(PDF), PDF)).rejects.toThrow(`in bucket yjs-no-such-bucket at ${server.endpoint} failed: NoSuchBucket`);
    expect(await (bytes as S3BlobBytes).has(sha256Of(PDF))).toBe(false); // HEAD cannot tell: see isMissingKey
    bytes.close();
  });
});

describe('YJS_S3_* configuration', () => {
  const base = { YJS_DATA_DIR: '/tmp/yjs-s3-config' };

  it('keeps uploads in files without YJS_S3_BUCKET, and in the bucket with it', () => {
    expect(loadConfig(base).s3Blobs).toBeUndefined();
    expect(openBlobBytes(loadConfig(base))).toBeInstanceOf(FileBlobBytes);
    const config = loadConfig({ ...base, YJS_S3_BUCKET: 'uploads', YJS_S3_ENDPOINT: 'http://127.0.0.1:9000', YJS_S3_PREFIX: 'yjs', YJS_S3_REGION: 'cn-north-1' });
    expect(config.s3Blobs).toEqual({ bucket: 'uploads', endpoint: 'http://127.0.0.1:9000', region: 'cn-north-1', prefix: 'yjs', forcePathStyle: true });
    const bytes = openBlobBytes(config);
    expect(bytes).toBeInstanceOf(S3BlobBytes);
    expect((bytes as S3BlobBytes).keyOf(sha256Of(PDF))).toBe(`yjs/${sha256Of(PDF).slice(0, 2)}/${sha256Of(PDF)}`);
    (bytes as S3BlobBytes).close();
  });

  it('addresses buckets by host name on AWS, by path with an endpoint, unless YJS_S3_FORCE_PATH_STYLE says otherwise', () => {
    expect(loadConfig({ ...base, YJS_S3_BUCKET: 'b-1' }).s3Blobs?.forcePathStyle).toBe(false);
    expect(loadConfig({ ...base, YJS_S3_BUCKET: 'b-1', YJS_S3_FORCE_PATH_STYLE: 'true' }).s3Blobs?.forcePathStyle).toBe(true);
    expect(loadConfig({ ...base, YJS_S3_BUCKET: 'b-1', YJS_S3_ENDPOINT: 'https://s3.example', YJS_S3_FORCE_PATH_STYLE: '0' }).s3Blobs?.forcePathStyle).toBe(false);
  });

  it('stops the start on settings that cannot be meant', () => {
    expect(() => loadConfig({ ...base, YJS_S3_ENDPOINT: 'http://127.0.0.1:9000' })).toThrow(/YJS_S3_ENDPOINT set without YJS_S3_BUCKET/);
    expect(() => loadConfig({ ...base, YJS_S3_BUCKET: 'b-1', YJS_S3_ENDPOINT: '127.0.0.1:9000' })).toThrow(/YJS_S3_ENDPOINT must be an http\(s\) URL/);
    expect(() => loadConfig({ ...base, YJS_S3_BUCKET: 'b-1', YJS_S3_FORCE_PATH_STYLE: 'yes' })).toThrow(/YJS_S3_FORCE_PATH_STYLE must be true or false/);
  });
});

describe.each(testDatabases().filter(([name]) => name === 'pglite'))('Uploads with YJS_S3_BUCKET set, on %s', (_backend, database) => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(() => database.close());

  it('lands in the bucket under its hash, its metadata in the database, once however often it is sent', async () => {
    const name = `yjs-${randomUUID()}`;
    await server.createBucket(name);
    // Credentials as a deployment gives them: through the SDK's chain (here its environment provider).
    vi.stubEnv('AWS_ACCESS_KEY_ID', S3_TEST_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', S3_TEST_CREDENTIALS.secretAccessKey);
    const config = loadConfig({ YJS_DATA_DIR: '/tmp/yjs-s3-http', YJS_S3_BUCKET: name, YJS_S3_ENDPOINT: server.endpoint, YJS_S3_PREFIX: 'yjs/uploads' });
    const db = await database.open();
    await database.reset();
    const { blobs } = openStores(config, db);
    const registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
    const { records, tokens } = mintKeys([{ id: 'integrator', roles: ['integrator'] }]);
    const app = await buildApp({
      client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }), // uploads need no Temporal
      namespace: 'default',
      registry,
      authenticator: new ApiKeyAuthenticator(records),
      blobs,
    });
    try {
      const photo = Buffer.concat([PNG.subarray(0, 8), Buffer.from(randomUUID())]);
      const upload = () =>
        app.inject({
          method: 'POST',
          url: '/definitions/newborn/materials/child-photo/uploads',
          payload: photo,
          headers: { 'content-type': 'image/png', authorization: `Bearer ${tokens.integrator}` },
        });
      const first = await upload();
      expect(first.statusCode, first.body).toBe(201);
      expect(first.json()).toMatchObject({ sha256: sha256Of(photo), size: photo.length, mediaType: 'image/png', ref: `blob:${sha256Of(photo)}` });
      expect((await upload()).json()).toEqual(first.json());

      const key = `yjs/uploads/${sha256Of(photo).slice(0, 2)}/${sha256Of(photo)}`;
      const object = await server.client.send(new GetObjectCommand({ Bucket: name, Key: key }));
      expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(photo);
      expect(await db.selectFrom('uploads').select(['sha256', 'media_type']).execute()).toEqual([{ sha256: sha256Of(photo), media_type: 'image/png' }]);
      expect((await blobs.get(sha256Of(photo)))?.bytes).toEqual(photo);
    } finally {
      await app.close();
    }
  });

  it('are copied from the files of the version before into the bucket by the file import', async () => {
    const name = `yjs-${randomUUID()}`;
    await server.createBucket(name);
    const dataDir = await mkdtemp(join(tmpdir(), 'yjs-s3-import-'));
    try {
      const old = await new FileBlobStore(join(dataDir, 'blobs')).put(PDF, 'application/pdf');
      const db = await database.open();
      await database.reset();
      const bytes = new S3BlobBytes(server.options(name, 'yjs'));
      const report = await importFiles(db, fileLayoutOf(dataDir), bytes);
      expect(report.uploads).toEqual({ found: 1, added: 1 });
      expect(await bytes.read(old.sha256)).toEqual(PDF);
      expect(await db.selectFrom('uploads').select('sha256').execute()).toEqual([{ sha256: old.sha256 }]);
      expect((await importFiles(db, fileLayoutOf(dataDir), bytes)).uploads).toEqual({ found: 1, added: 0 });
      bytes.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
