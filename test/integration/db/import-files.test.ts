/**
 * `yijianshi db import`: what the file stores kept in `.data/` (written here by those very stores) is
 * read back through the database stores after the import, on PGlite and on a PostgreSQL server; a
 * second import adds nothing; a conflicting version imports nothing. And the command itself, as an
 * operator runs it, on the embedded PGlite of a data folder.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileApiKeyStore, sha256Hex } from '../../../adapters/api-keys';
import { FileBlobBytes, FileBlobStore } from '../../../adapters/blobs';
import { DEFAULT_CREDIT_SAMPLE_FILE, FileCreditProvider, type BrokenCommitmentRecord } from '../../../adapters/credit';
import { PostgresApiKeyStore } from '../../../adapters/db/api-keys';
import { PostgresBlobStore } from '../../../adapters/db/blobs';
import { PostgresBrokenCommitmentStore } from '../../../adapters/db/credit';
import { PostgresDocumentStore } from '../../../adapters/db/documents';
import { fileLayoutOf, ImportConflictError, importFiles } from '../../../adapters/db/import-files';
import { PostgresOutbox } from '../../../adapters/db/outbox';
import { PostgresRegistryStore } from '../../../adapters/db/registry';
import { FileDocumentStore } from '../../../adapters/documents';
import { MemoryKeyStore } from '../../../adapters/keystore';
import { DocumentOutbox, type Notification } from '../../../adapters/outbox';
import { recordConditions, Sealer, verifySealed } from '../../../adapters/sealer';
import { DefinitionRegistry, FileRegistryStore } from '../../../definitions/registry';
import { validDefinition } from '../../unit/definitions/fixtures';
import { testDatabases } from '../../helpers/databases';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');
const broken: BrokenCommitmentRecord = {
  subjectId: '91350100M000100Y43',
  caseId: 'case-9',
  bundleId: 'open-restaurant',
  materials: ['lease-contract'],
  deadline: '2026-03-20',
  brokenAt: '2026-03-21T00:00:00.000Z',
};
const notice: Notification = {
  caseId: 'case-9',
  to: ['applicant:91350100M000100Y43'],
  subject: { zh: '承诺未履行', en: 'Commitment broken' },
  body: { zh: '正文', en: 'Body' },
  at: '2026-03-21T00:00:00.000Z',
};

function definition(version: number, title = 'test bundle') {
  const d = validDefinition();
  d.version = version;
  d.title = { zh: title, en: title };
  return d;
}

/** A data folder as the file stores of the version before the database left it. */
async function writeFileStores(dataDir: string) {
  const layout = fileLayoutOf(dataDir);
  const registry = await DefinitionRegistry.open({ store: new FileRegistryStore(layout.registryDir) });
  await registry.publish(definition(1), 'api');
  await registry.publish(definition(2, 'second'), 'api');
  const documents = new FileDocumentStore(layout.documentsDir);
  const keys = new MemoryKeyStore();
  const sealer = new Sealer(keys, documents);
  const seal = (key: string, holder: string) =>
    sealer.sealOnce({ key, department: 'market-regulation', appliedBy: 'person', signedAt: '2026-03-02T08:00:00.000Z', make: (documentId) => ({ documentId, type: 'result', holder }) });
  const revoked = await seal('case-9/outdoor-sign/issue', '张三');
  const conditional = await seal('case-9/food-permit/issue', '张三');
  await sealer.revoke({ documentId: revoked.documentId, at: '2026-03-21T00:00:00.000Z', reason: 'commitment broken', by: 'system' });
  await recordConditions(documents, { documentIds: [conditional.documentId], state: 'conditional', at: '2026-03-02T08:00:00.000Z', reason: 'materials promised', seq: 1 });
  await new DocumentOutbox(documents).put('commitment-broken', notice);
  const upload = await new FileBlobStore(layout.blobsDir).put(PDF, 'application/pdf');
  const apiKeys = new FileApiKeyStore(layout.apiKeysFile);
  const admin = await apiKeys.create({ roles: ['admin'] });
  await apiKeys.create({ roles: ['department'], department: 'water-affairs' });
  await new FileCreditProvider(DEFAULT_CREDIT_SAMPLE_FILE, layout.creditRecordsDir).recordBrokenCommitment(broken);
  return { keys, revoked, conditional, upload, adminToken: admin.token, documents: await documents.list(''), fileRegistry: registry };
}

describe.each(testDatabases())('importFiles on %s', (_backend, database) => {
  let dataDir: string;
  let blobsDir: string;
  beforeAll(() => database.open());
  beforeEach(async () => {
    await database.reset();
    dataDir = await mkdtemp(join(tmpdir(), 'yjs-import-'));
    blobsDir = await mkdtemp(join(tmpdir(), 'yjs-import-blobs-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(blobsDir, { recursive: true, force: true });
  });
  afterAll(() => database.close());

  it('brings every store over, read back through the database stores; a second import adds nothing', async () => {
    const written = await writeFileStores(dataDir);
    const db = await database.open();
    const report = await importFiles(db, fileLayoutOf(dataDir), new FileBlobBytes(blobsDir));
    expect(report).toEqual({
      definitions: { found: 2, added: 2 },
      documents: { found: 4, added: 4 }, // two sealed results, a revocation, a condition
      notifications: { found: 1, added: 1 },
      uploads: { found: 1, added: 1 },
      apiKeys: { found: 2, added: 2 },
      brokenCommitments: { found: 1, added: 1 },
    } satisfies typeof report);

    // Definitions: the same versions, plans and times.
    const registry = await DefinitionRegistry.open({ store: new PostgresRegistryStore(db) });
    expect(registry.get('test-bundle', 1)).toEqual(written.fileRegistry.get('test-bundle', 1));
    expect(registry.versions('test-bundle')).toEqual([1, 2]);
    // Documents: as the file store had them; a verifier sees the revocation and the condition.
    const documents = new PostgresDocumentStore(db);
    for (const doc of written.documents.filter((d) => !d.key.startsWith('notifications/'))) expect(await documents.get(doc.key)).toEqual(doc);
    expect(await verifySealed(written.keys, documents, written.revoked.body)).toMatchObject({ status: 'revoked', revoked: { reason: 'commitment broken' } });
    expect(await verifySealed(written.keys, documents, written.conditional.body)).toMatchObject({ status: 'valid', conditional: { reason: 'materials promised' } });
    // The outbox, the upload (bytes copied to the database's blob bytes), the keys, the records.
    expect(await new PostgresOutbox(db).list('case-9')).toEqual([{ key: 'commitment-broken', notification: notice, createdAt: expect.any(String) }]);
    expect(await new PostgresBlobStore(db, new FileBlobBytes(blobsDir)).get(written.upload.sha256)).toEqual({ bytes: PDF, blob: written.upload });
    expect(await new PostgresApiKeyStore(db).lookup(sha256Hex(written.adminToken))).toMatchObject({ id: 'admin', roles: ['admin'] });
    expect((await new PostgresApiKeyStore(db).list()).map((k) => k.id)).toEqual(['admin', 'officer-water-affairs']);
    expect(await new PostgresBrokenCommitmentStore(db).ofSubject(broken.subjectId)).toEqual([broken]);

    const again = await importFiles(db, fileLayoutOf(dataDir), new FileBlobBytes(blobsDir));
    for (const counts of Object.values(again)) expect(counts.added).toBe(0);
    expect(again.documents.found).toBe(4);
  });

  it('imports nothing when a published version differs from the database\'s', async () => {
    await writeFileStores(dataDir);
    const db = await database.open();
    await (await DefinitionRegistry.open({ store: new PostgresRegistryStore(db) })).publish(definition(2, 'published elsewhere'), 'api');
    await expect(importFiles(db, fileLayoutOf(dataDir), new FileBlobBytes(blobsDir))).rejects.toBeInstanceOf(ImportConflictError);
    expect(await new PostgresApiKeyStore(db).list()).toEqual([]);
    expect(await new PostgresDocumentStore(db).list('')).toEqual([]);
    expect((await new PostgresRegistryStore(db).loadAll()).map((e) => e.definition.version)).toEqual([2]);
  });

  it('imports an empty or missing data folder as nothing', async () => {
    const report = await importFiles(await database.open(), fileLayoutOf(join(dataDir, 'missing')), new FileBlobBytes(blobsDir));
    for (const counts of Object.values(report)) expect(counts).toEqual({ found: 0, added: 0 });
  });
});

describe('yijianshi db import, on the embedded PGlite of a data folder', () => {
  const bin = fileURLToPath(new URL('../../../bin/yijianshi.mjs', import.meta.url));
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'yjs-import-cli-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const yijianshi = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { ...process.env, YJS_DATA_DIR: dataDir };
      delete env.DATABASE_URL;
      delete env.YJS_API_KEYS_FILE;
      execFile(process.execPath, [bin, ...args], { env, timeout: 120_000 }, (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      });
    });

  it('migrates, imports the files once, and the keys work through `yijianshi keys`', async () => {
    const written = await writeFileStores(dataDir);
    const migrate = await yijianshi('db', 'migrate');
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toMatch(/applied 0001-stores, 0002-people-reviews-webhooks-read-model/);
    const first = await yijianshi('db', 'import', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ definitions: { found: 2, added: 2 }, apiKeys: { added: 2 }, uploads: { added: 1 } });
    const second = await yijianshi('db', 'import');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/published versions\s+2 found,\s+0 added/);
    const keys = await yijianshi('keys', 'list', '--json');
    expect(JSON.parse(keys.stdout).map((k: { id: string }) => k.id)).toEqual(['admin', 'officer-water-affairs']);
    expect(written.adminToken).toMatch(/^yjs_/);
  });
});
