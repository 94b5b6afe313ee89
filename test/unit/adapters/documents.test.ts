import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileDocumentStore, MemoryDocumentStore, documentIdFor } from '../../../adapters/documents';
import { issueAll, type IssueResultsInput } from '../../../activities/issue';
import { MemoryKeyStore } from '../../../adapters/keystore';
import { Sealer } from '../../../adapters/sealer';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yjs-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each([
  ['FileDocumentStore', () => new FileDocumentStore(join(dir, 'docs'))],
  ['MemoryDocumentStore', () => new MemoryDocumentStore()],
])('%s', (_name, open) => {
  it('makes a document once per key, whatever the retries', async () => {
    const store = open();
    let made = 0;
    const make = () => ({ n: ++made });
    const first = await store.createOnce('c1/a/result', make);
    const second = await store.createOnce('c1/a/result', make);
    expect(second).toEqual(first);
    expect(made).toBe(1);
  });

  it('lets exactly one of many racing writers win', async () => {
    const store = open();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.createOnce('c2/a/result', () => ({ writer: i }))));
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(await store.list('c2/')).toHaveLength(1);
  });
});

describe('FileDocumentStore', () => {
  it('leaves no temporary files behind', async () => {
    const store = new FileDocumentStore(join(dir, 'docs'));
    await Promise.all(Array.from({ length: 5 }, () => store.createOnce('c3/a/result', () => ({}))));
    expect((await readdir(join(dir, 'docs'))).filter((n) => n.startsWith('.tmp'))).toEqual([]);
  });

  it('writes documents 0600 in a 0700 folder, even under a permissive umask', async () => {
    const root = join(dir, 'docs');
    const old = process.umask(0);
    try {
      await new FileDocumentStore(root).createOnce('c4/a/result', () => ({ name: '张三', idNumber: '110101199003071234' }));
    } finally {
      process.umask(old);
    }
    expect((await stat(root)).mode & 0o777).toBe(0o700);
    const [file] = (await readdir(root)).filter((n) => n.endsWith('.json'));
    expect((await stat(join(root, file!))).mode & 0o777).toBe(0o600);
  });

  it('reads each file once to list by prefix: later lists read only the files of their prefix', async () => {
    const root = join(dir, 'docs');
    const store = new FileDocumentStore(root);
    await store.createOnce('conditions/d1/000001', () => ({ state: 'conditional' }));
    await store.createOnce('c6/a/result', () => ({ holder: '张三' }));
    expect((await store.list('conditions/d1/')).map((d) => d.key)).toEqual(['conditions/d1/000001']);
    // Documents never change once written: a file of another prefix is not read again.
    await writeFile(join(root, `${documentIdFor('c6/a/result')}.json`), 'not read again');
    await store.createOnce('conditions/d1/000002', () => ({ state: 'unconditional' }));
    expect((await store.list('conditions/d1/')).map((d) => d.key)).toEqual(['conditions/d1/000001', 'conditions/d1/000002']);
    await rm(join(root, `${documentIdFor('conditions/d1/000001')}.json`));
    expect((await store.list('conditions/d1/')).map((d) => d.key)).toEqual(['conditions/d1/000002']);
  });

  it('closes a folder made before with a looser mode', async () => {
    const root = join(dir, 'docs');
    await mkdir(root, { mode: 0o755 });
    await new FileDocumentStore(root).createOnce('c5/a/result', () => ({}));
    expect((await stat(root)).mode & 0o777).toBe(0o700);
  });
});

describe('issueAll', () => {
  const input: IssueResultsInput = {
    caseId: 'c9',
    bundleId: 'open-restaurant',
    bundleVersion: 1,
    issuedAt: '2026-03-02T08:00:00.000Z',
    applicant: { subjectId: 's', name: 'n' },
    items: ['a', 'b'].map((itemId) => ({
      itemId,
      code: `CODE-${itemId}`,
      department: 'd',
      result: { kind: 'licence', title: { zh: itemId, en: itemId } },
      decision: 'approved' as const,
      decidedAt: '2026-03-01T08:00:00.000Z',
    })),
  };

  it('gives a retried issue the same documents and certificate numbers', async () => {
    const store = new MemoryDocumentStore();
    const sealer = new Sealer(new MemoryKeyStore(), store);
    const first = await issueAll(sealer, input);
    const retried = await issueAll(sealer, { ...input, issuedAt: '2026-03-05T08:00:00.000Z' });
    expect(retried).toEqual(first);
    expect(first.map((r) => r.certificateNumber)).toEqual([expect.stringMatching(/^CODE-a-20260302-[0-9A-F]{8}$/), expect.stringMatching(/^CODE-b-20260302-/)]);
    expect(await store.list('c9/')).toHaveLength(2);
  });
});
