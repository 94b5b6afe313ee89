/**
 * Material uploads over real HTTP, as a browser's form sends them (multipart/form-data, one file in
 * field "file") and as integrators send them (the raw body): the same stored blob for the same bytes,
 * and the material's rules for both — 413 over its maxBytes (streamed: the file is cut off at the
 * limit), 415 for a type it does not accept or bytes that are not what they claim, 400 for no file,
 * two files, an empty file or a file in another field. The app listens on a port; bytes go to the
 * database blob store (PGlite) and a folder. No Temporal server is needed (uploads start nothing).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBlobBytes } from '../../../adapters/blobs';
import { PostgresBlobStore } from '../../../adapters/db/blobs';
import type { Database } from '../../../adapters/db/schema';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { mintKeys } from '../../../runtime/api-keys';
import { PROJECT_ROOT } from '../../../runtime/config';
import { openTestPglite } from '../../helpers/databases';

/** newborn's child-photo: JPEG or PNG, at most 2 MiB. */
const PHOTO = '/definitions/newborn/materials/child-photo/uploads';
const LIMIT = 2 * 1024 * 1024;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const png = (size: number) => {
  const bytes = Buffer.alloc(size, 7);
  Buffer.from(PNG_SIGNATURE).copy(bytes);
  return bytes;
};
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

let app: FastifyInstance;
let db: Kysely<Database>;
let dir: string;
let base: string;
let token: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yjs-uploads-'));
  db = await openTestPglite();
  const keys = mintKeys([{ id: 'integrator', roles: ['integrator'] }]);
  token = keys.tokens.integrator!;
  app = await buildApp({
    client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
    namespace: 'default',
    registry: await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() }),
    authenticator: new ApiKeyAuthenticator(keys.records),
    blobs: new PostgresBlobStore(db, new FileBlobBytes(join(dir, 'blobs'))),
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await db?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A form with these files, each `[field, bytes, media type, file name]`, and maybe other fields. */
function form(files: Array<[string, Buffer, string, string]>, fields: Record<string, string> = {}): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  for (const [field, bytes, type, name] of files) body.append(field, new Blob([bytes], { type }), name);
  return body;
}

const post = (body: FormData | Buffer, headers: Record<string, string> = {}) =>
  fetch(`${base}${PHOTO}`, { method: 'POST', body, headers: { authorization: `Bearer ${token}`, ...headers } });

async function problemOf(response: Response): Promise<{ type: string; status: number; detail: string }> {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await response.json()) as { type: string; status: number; detail: string };
}

describe('POST /definitions/:id/materials/:material/uploads (multipart/form-data)', () => {
  it('stores the file and answers the same sha256 as the raw upload of the same bytes', async () => {
    const bytes = png(4096);
    const multipart = await post(form([['file', bytes, 'image/png', 'baby.png']]), {});
    expect(multipart.status).toBe(201);
    const stored = (await multipart.json()) as { sha256: string; size: number; mediaType: string; material: string; ref: string };
    expect(stored).toMatchObject({ material: 'child-photo', size: 4096, mediaType: 'image/png', sha256: createHash('sha256').update(bytes).digest('hex') });

    const raw = await post(bytes, { 'content-type': 'image/png' });
    expect(raw.status).toBe(201);
    expect(((await raw.json()) as { sha256: string }).sha256).toBe(stored.sha256);
  });

  it('accepts a file of exactly the limit, ignoring other form fields', async () => {
    const response = await post(form([['file', png(LIMIT), 'image/png', 'limit.png']], { note: 'for the social security card' }));
    expect(response.status).toBe(201);
    expect(((await response.json()) as { size: number }).size).toBe(LIMIT);
  });

  it('refuses with 413 a file over the material limit, however large', async () => {
    const response = await post(form([['file', png(LIMIT + 1), 'image/png', 'big.png']]));
    expect(response.status).toBe(413);
    const problem = await problemOf(response);
    expect(problem.type).toBe('/problems/payload-too-large');
    expect(problem.detail).toContain(`limit of ${LIMIT} bytes`);
    // 20 MiB over a 2 MiB limit: refused the same, and the connection serves the next upload.
    const huge = await post(form([['file', png(20 * 1024 * 1024), 'image/png', 'huge.png']]));
    expect(huge.status).toBe(413);
    expect((await post(form([['file', png(100), 'image/png', 'small.png']]))).status).toBe(201);
  });

  it('refuses with 415 a type the material does not accept, and bytes that are not the declared type', async () => {
    const pdf = await post(form([['file', PDF, 'application/pdf', 'photo.pdf']]));
    expect(pdf.status).toBe(415);
    expect((await problemOf(pdf)).detail).toContain('does not accept "application/pdf"');

    const lying = await post(form([['file', PDF, 'image/png', 'photo.png']]));
    expect(lying.status).toBe(415);
    expect((await problemOf(lying)).detail).toBe('The content is application/pdf, not the declared image/png.');
  });

  it('refuses with 400 two files, no file, an empty file, and a file in another field', async () => {
    const two = await post(form([['file', png(100), 'image/png', 'a.png'], ['file', png(200), 'image/png', 'b.png']]));
    expect(two.status).toBe(400);
    expect((await problemOf(two)).detail).toContain('one file per upload');

    const none = await post(form([], { note: 'forgot the file' }));
    expect(none.status).toBe(400);
    expect((await problemOf(none)).detail).toContain('no file in the form field "file"');

    const empty = await post(form([['file', Buffer.alloc(0), 'image/png', 'empty.png']]));
    expect(empty.status).toBe(400);
    expect((await problemOf(empty)).detail).toBe('The upload is empty.');

    const elsewhere = await post(form([['photo', png(100), 'image/png', 'a.png']]));
    expect(elsewhere.status).toBe(400);
    expect((await problemOf(elsewhere)).detail).toContain('form field "file", not "photo"');
  });

  it('refuses with 400 a body that is not valid multipart', async () => {
    const response = await post(Buffer.from('not a multipart body'), { 'content-type': 'multipart/form-data; boundary=xyz' });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).type).toBe('/problems/malformed-request');
  });
});
