import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobIntegrityError, FileBlobStore, MemoryBlobStore, sha256Of, type BlobStore } from '../../../adapters/blobs';

const NOW = new Date('2026-11-22T06:00:00.000Z');
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n');
const PDF_SHA256 = createHash('sha256').update(PDF).digest('hex');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yjs-blobs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name))).sort();
}

describe.each([
  ['FileBlobStore', (now: () => Date = () => NOW) => new FileBlobStore(join(dir, 'blobs'), { now }) as BlobStore],
  ['MemoryBlobStore', (now: () => Date = () => NOW) => new MemoryBlobStore({ now }) as BlobStore],
])('%s', (_name, open) => {
  it('names a blob by the SHA-256 of its bytes', async () => {
    const blob = await open().put(PDF, 'application/pdf');
    expect(blob).toEqual({ sha256: PDF_SHA256, size: PDF.length, mediaType: 'application/pdf', storedAt: NOW.toISOString() });
    expect(sha256Of(PDF)).toBe(PDF_SHA256);
    // the well-known hash of the empty string
    expect((await open().put(Buffer.alloc(0), 'application/pdf')).sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('stores the same bytes once: the second put gets the first blob back', async () => {
    let t = NOW.getTime();
    const store = open(() => new Date((t += 1000)));
    const first = await store.put(PDF, 'application/pdf');
    const second = await store.put(Buffer.from(PDF), 'image/png'); // same bytes, another claim
    expect(second).toEqual(first); // first storedAt and media type stand
  });

  it('gives the bytes and metadata back; has says whether they are there', async () => {
    const store = open();
    expect(await store.has(PDF_SHA256)).toBe(false);
    expect(await store.get(PDF_SHA256)).toBeUndefined();
    const blob = await store.put(PDF, 'application/pdf');
    expect(await store.has(PDF_SHA256)).toBe(true);
    expect(await store.has(PDF_SHA256.toUpperCase())).toBe(true);
    const got = await store.get(PDF_SHA256);
    expect(got?.blob).toEqual(blob);
    expect(got?.bytes.equals(PDF)).toBe(true);
  });

  it('keeps its own copy of the bytes', async () => {
    const store = open();
    const bytes = Buffer.from(PDF);
    await store.put(bytes, 'application/pdf');
    bytes.fill(0);
    const got = await store.get(PDF_SHA256);
    got!.bytes.fill(1);
    expect((await store.get(PDF_SHA256))!.bytes.equals(PDF)).toBe(true);
  });

  it('stores the media type without parameters, in lower case', async () => {
    expect((await open().put(PDF, 'Application/PDF; charset=binary')).mediaType).toBe('application/pdf');
  });

  it('refuses what is not a media type', async () => {
    await expect(open().put(PDF, 'pdf')).rejects.toThrow(TypeError);
    await expect(open().put(PDF, '')).rejects.toThrow(TypeError);
  });

  it('knows nothing under a name that cannot be a hash (no path tricks)', async () => {
    const store = open();
    await store.put(PDF, 'application/pdf');
    for (const bad of ['', '../../etc/passwd', PDF_SHA256.slice(0, 63), `${PDF_SHA256}0`, `${PDF_SHA256.slice(0, 63)}g`]) {
      expect(await store.has(bad)).toBe(false);
      expect(await store.get(bad)).toBeUndefined();
    }
  });

  it('10 concurrent puts of the same bytes make one blob', async () => {
    const store = open();
    const blobs = await Promise.all(Array.from({ length: 10 }, () => store.put(Buffer.from(PDF), 'application/pdf')));
    for (const blob of blobs) expect(blob).toEqual(blobs[0]);
    expect((await store.get(PDF_SHA256))?.blob).toEqual(blobs[0]);
  });
});

describe('FileBlobStore on disk', () => {
  it('10 concurrent puts leave one bytes file and one metadata file, and no temp file', async () => {
    const root = join(dir, 'blobs');
    let tick = 0;
    const store = new FileBlobStore(root, { now: () => new Date(NOW.getTime() + tick++ * 1000) });
    const blobs = await Promise.all(Array.from({ length: 10 }, () => store.put(Buffer.from(PDF), 'application/pdf')));
    expect(new Set(blobs.map((b) => JSON.stringify(b))).size).toBe(1);
    const shard = PDF_SHA256.slice(0, 2);
    expect(await listFiles(root)).toEqual([join(shard, PDF_SHA256), join(shard, `${PDF_SHA256}.json`)]);
    expect((await readFile(join(root, shard, PDF_SHA256))).equals(PDF)).toBe(true);
    expect(JSON.parse(await readFile(join(root, shard, `${PDF_SHA256}.json`), 'utf8'))).toEqual(blobs[0]);
  });

  it('different bytes are different blobs', async () => {
    const root = join(dir, 'blobs');
    const store = new FileBlobStore(root);
    const a = await store.put(Buffer.from('a'), 'image/png');
    const b = await store.put(Buffer.from('b'), 'image/png');
    expect(a.sha256).not.toBe(b.sha256);
    expect(await listFiles(root)).toHaveLength(4);
  });

  it('survives a reopen: another instance over the same directory finds the blob', async () => {
    const root = join(dir, 'blobs');
    const blob = await new FileBlobStore(root, { now: () => NOW }).put(PDF, 'application/pdf');
    const reopened = new FileBlobStore(root);
    expect((await reopened.get(PDF_SHA256))?.blob).toEqual(blob);
    expect(await reopened.put(PDF, 'application/pdf')).toEqual(blob);
  });

  it('completes bytes a crash left without metadata', async () => {
    const root = join(dir, 'blobs');
    const store = new FileBlobStore(root, { now: () => NOW });
    await store.put(PDF, 'application/pdf');
    await unlink(join(root, PDF_SHA256.slice(0, 2), `${PDF_SHA256}.json`)); // as if the process died in between
    expect(await store.has(PDF_SHA256)).toBe(false);
    const again = await store.put(PDF, 'application/pdf');
    expect(again.sha256).toBe(PDF_SHA256);
    expect((await store.get(PDF_SHA256))?.bytes.equals(PDF)).toBe(true);
    expect(await listFiles(root)).toHaveLength(2);
  });

  it('refuses to hand out bytes that no longer hash to their name', async () => {
    const root = join(dir, 'blobs');
    const store = new FileBlobStore(root);
    await store.put(PDF, 'application/pdf');
    const path = join(root, PDF_SHA256.slice(0, 2), PDF_SHA256);
    await unlink(path); // a hard link: rewrite the name, not the inode
    await writeFile(path, Buffer.from(PDF).fill(0x20, 0, 4));
    await expect(store.get(PDF_SHA256)).rejects.toBeInstanceOf(BlobIntegrityError);
  });

  it('writes bytes and metadata 0600 in 0700 folders, even under a permissive umask', async () => {
    const root = join(dir, 'blobs');
    await mkdir(root, { mode: 0o755 }); // a store made before this rule is closed on its next write
    const old = process.umask(0);
    try {
      await new FileBlobStore(root).put(PDF, 'application/pdf');
    } finally {
      process.umask(old);
    }
    const shard = join(root, PDF_SHA256.slice(0, 2));
    for (const folder of [root, shard]) expect((await stat(folder)).mode & 0o777, folder).toBe(0o700);
    for (const file of await listFiles(root)) expect((await stat(join(root, file))).mode & 0o777, file).toBe(0o600);
  });
});
