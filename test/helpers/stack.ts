/**
 * The product wired for a test: a real Temporal server (from `temporal-env.ts`), a worker running the
 * real workflows, the registry with the repository's bundles, and the API app to `inject` into.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundle } from '@temporalio/worker';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { MemoryDocumentStore, type DocumentStore } from '../../adapters/documents';
import { MemoryKeyStore, type KeyStore } from '../../adapters/keystore';
import { FileBlobBytes, MemoryBlobStore } from '../../adapters/blobs';
import { DEFAULT_CREDIT_SAMPLE_FILE, FileCreditProvider } from '../../adapters/credit';
import { PostgresApiKeyStore } from '../../adapters/db/api-keys';
import { PostgresBlobStore } from '../../adapters/db/blobs';
import { PostgresBrokenCommitmentStore } from '../../adapters/db/credit';
import { PostgresDocumentStore } from '../../adapters/db/documents';
import { PostgresOutbox } from '../../adapters/db/outbox';
import { PostgresReadModel } from '../../adapters/db/read-model';
import { PostgresCaseNumberSequence } from '../../adapters/db/case-numbers';
import { PostgresReviewStore } from '../../adapters/db/reviews';
import { PostgresRegistryStore } from '../../adapters/db/registry';
import type { Database } from '../../adapters/db/schema';
import type { Kysely } from 'kysely';
import { DEFAULT_CERTIFICATES_FILE, FileCertificateLibrary } from '../../adapters/certificates';
import { FileApiKeyStore, type ApiKeyRecord } from '../../adapters/api-keys';
import { ApiKeyAuthenticator, type Authenticator } from '../../api/auth';
import { buildApp } from '../../api/app';
import type { PeopleLookup } from '../../api/routes/department/steps';
import type { WebOptions } from '../../api/web';
import { DefinitionRegistry, MemoryRegistryStore } from '../../definitions/registry';
import { devPrincipals, mintKeys, type DevPrincipal } from '../../runtime/api-keys';
import { departmentsOf } from '../../runtime/components';
import { PROJECT_ROOT } from '../../runtime/config';
import { bundleWorkflows, createWorker, stopWorker } from '../../runtime/worker';
import { createActivities } from '../../activities';
import { PostgresNoticeStore } from '../../adapters/db/notices';
import { PostgresWebhookStore } from '../../adapters/db/webhooks';
import { MemoryContactBook, type NoticeDispatch } from '../../adapters/notices';
import type { WebhookDispatch } from '../../adapters/webhooks';
import { DEFAULT_NOTICE_RETRY } from '../../domain/notices';
import { DEFAULT_WEBHOOK_RETRY, type WebhookRetryPolicy } from '../../domain/webhooks';
import { testCreditProvider } from './credit';
import { openTestPglite } from './databases';

let bundle: Promise<WorkflowBundle> | undefined;
/** The workflow code, bundled once per test process. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflows();
  return bundle;
}

export interface Stack {
  app: FastifyInstance;
  /** The read model the worker writes and the API reads. */
  readModel: PostgresReadModel;
  registry: DefinitionRegistry;
  documents: DocumentStore;
  keys: KeyStore;
  worker: Worker;
  /** Stops the worker (running activities are cancelled after a second) and starts a new one on the same queue. */
  restartWorker(): Promise<void>;
  taskQueue: string;
  /** Webhook subscriptions and deliveries, in the stack's database. */
  webhooks: WebhookDispatch;
  /** 好差评: ratings and rectifications, in the stack's database. */
  reviews: PostgresReviewStore;
  /** Notification delivery (in-app always; the channels and contacts of `StackOptions.notices`). */
  notices: NoticeDispatch;
  /** Plain API keys by principal id: `integrator`, `designer`, `supervisor`, `window-<dept>`, `officer-<dept>`. */
  tokens: Record<string, string>;
  /** `app.inject` as a principal. */
  as(principal: string, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface StackOptions {
  documents?: DocumentStore;
  /** Replaces activities (e.g. a clock that runs in seconds on the dev server), keeping the rest real. */
  activityOverrides?: Record<string, (...args: never[]) => Promise<unknown>>;
  /** Principals minted besides the development ones (e.g. an admin), by id in `tokens`. */
  principals?: DevPrincipal[];
  /** Keep the keys in a key file (a temporary one) and serve the admin key routes over it. */
  keyFile?: boolean;
  /**
   * Keep every store in this database, as `npm start` does (registry, documents, outbox, upload
   * metadata, API keys, broken commitments); without it, in memory.
   */
  database?: Kysely<Database>;
  /** The API's authenticator, given the one over the API keys (e.g. people's access tokens besides: `api/oidc.ts`). */
  authenticator?: (apiKeys: Authenticator) => Authenticator;
  /** How long `GET /cases/:id` waits for the worker before the read model answers (ms). */
  progressFallbackMs?: number;
  /** The people directory (whom steps are transferred and assigned to). */
  people?: PeopleLookup;
  /** Serve the web screens (the built web/dist), as `npm start` does. */
  web?: WebOptions;
  /** How webhook messages are retried (default: the deployment's, 24 hours). */
  webhookRetry?: WebhookRetryPolicy;
  /** Notification channels, contacts and retries besides in-app (default: in-app only). */
  notices?: Partial<Omit<NoticeDispatch, 'store'>>;
  /** The worker's holiday data directory (holidays/, calendars/), e.g. with a test region; the repository's by default. */
  calendarDataDir?: string;
}

export async function startStack(env: TestWorkflowEnvironment, options: StackOptions = {}): Promise<Stack> {
  const taskQueue = `test-${Math.random().toString(36).slice(2, 10)}`;
  const db = options.database;
  // The read model is always in a database, as in every deployment: the given one, else a PGlite of this stack.
  const ownDatabase = db ? undefined : await openTestPglite();
  const readModel = new PostgresReadModel(db ?? ownDatabase!);
  const registry = await DefinitionRegistry.open({
    bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'),
    store: db ? new PostgresRegistryStore(db) : new MemoryRegistryStore(),
  });
  const documents = options.documents ?? (db ? new PostgresDocumentStore(db) : new MemoryDocumentStore());
  const keys = new MemoryKeyStore();
  const credit = db ? new FileCreditProvider(DEFAULT_CREDIT_SAMPLE_FILE, new PostgresBrokenCommitmentStore(db)) : testCreditProvider();
  // The outbox, webhooks and notification delivery in the database, as in every deployment.
  // Tests send only to this machine: subscriptions may name nothing else (the fuzzer makes some).
  const webhooks: WebhookDispatch = { store: new PostgresWebhookStore(db ?? ownDatabase!), retry: options.webhookRetry ?? DEFAULT_WEBHOOK_RETRY, allowedHosts: ['127.0.0.1', 'localhost'] };
  const notices: NoticeDispatch = {
    store: new PostgresNoticeStore(db ?? ownDatabase!),
    contacts: options.notices?.contacts ?? new MemoryContactBook({}),
    senders: options.notices?.senders ?? [],
    retry: options.notices?.retry ?? DEFAULT_NOTICE_RETRY,
  };
  const reviews = new PostgresReviewStore(db ?? ownDatabase!);
  const activities = {
    ...createActivities({
      documents,
      keys,
      credit,
      readModel,
      outbox: new PostgresOutbox(db ?? ownDatabase!),
      webhooks,
      notices,
      reviews,
      ...(options.calendarDataDir ? { calendarDataDir: options.calendarDataDir } : {}),
    }),
    ...options.activityOverrides,
  };
  const newWorker = async () => createWorker({ connection: env.nativeConnection, taskQueue, activities, workflowBundle: await workflowBundle(), shutdownGraceTime: '1 second' });
  let worker = await newWorker();
  let running = worker.run();
  const { departments, windows } = departmentsOf(registry);
  const { records, tokens } = mintKeys([...devPrincipals(departments, windows), ...(options.principals ?? [])]);
  const keyDir = options.keyFile ? await mkdtemp(join(tmpdir(), 'yjs-keys-')) : undefined;
  const apiKeys = keyDir ? await keyFileStore(join(keyDir, 'api-keys.json'), records) : db ? await databaseKeyStore(db, records) : undefined;
  const blobsDir = db ? await mkdtemp(join(tmpdir(), 'yjs-stack-blobs-')) : undefined;
  const app = await buildApp({
    client: env.client,
    namespace: env.namespace ?? 'default',
    registry,
    authenticator: (options.authenticator ?? ((keys) => keys))(new ApiKeyAuthenticator(apiKeys ?? records)),
    ...(apiKeys ? { apiKeys } : {}),
    taskQueue,
    keys,
    documents,
    blobs: blobsDir && db ? new PostgresBlobStore(db, new FileBlobBytes(blobsDir)) : new MemoryBlobStore(),
    certificates: new FileCertificateLibrary(DEFAULT_CERTIFICATES_FILE),
    readModel,
    // 办件编号 drawn from the stack's database, as npm start does.
    caseNumbers: new PostgresCaseNumberSequence(db ?? ownDatabase!),
    ...(options.people ? { people: options.people } : {}),
    ...(options.progressFallbackMs ? { progressFallbackMs: options.progressFallbackMs } : {}),
    ...(options.web ? { web: options.web } : {}),
    webhooks,
    notices,
    reviews,
  });
  return {
    app,
    readModel,
    registry,
    documents,
    keys,
    get worker() {
      return worker;
    },
    async restartWorker() {
      await stopWorker(worker, running);
      worker = await newWorker();
      running = worker.run();
    },
    taskQueue,
    webhooks,
    notices,
    reviews,
    tokens,
    as(principal, injectOptions) {
      const token = tokens[principal];
      if (!token) throw new Error(`no test principal "${principal}"`);
      return app.inject({ ...injectOptions, headers: { ...(injectOptions.headers ?? {}), authorization: `Bearer ${token}` } });
    },
    async close() {
      await app.close();
      await stopWorker(worker, running);
      if (keyDir) await rm(keyDir, { recursive: true, force: true });
      if (blobsDir) await rm(blobsDir, { recursive: true, force: true });
      await ownDatabase?.destroy();
    },
  };
}

/** A key file holding these records, as `npm start` writes it, and the store over it. */
async function keyFileStore(path: string, records: ApiKeyRecord[]): Promise<FileApiKeyStore> {
  await writeFile(path, `${JSON.stringify({ keys: records }, null, 2)}\n`, { mode: 0o600 });
  return new FileApiKeyStore(path);
}

/** The database's key store holding these records. */
async function databaseKeyStore(db: Kysely<Database>, records: ApiKeyRecord[]): Promise<PostgresApiKeyStore> {
  const store = new PostgresApiKeyStore(db);
  for (const record of records) await store.importRecord(record);
  return store;
}

/** Polls `read` until `accept` holds (visibility and cross-workflow effects are eventually consistent). */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what = 'condition', timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 2000)}`);
}
