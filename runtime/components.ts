/**
 * The parts every process of the deployment opens the same way: the database and its stores, the
 * registry, seal keys, credit, clients.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { FileApiKeyStore, type ApiKeyStore } from '../adapters/api-keys';
import { FileBlobBytes, type BlobBytes, type BlobStore } from '../adapters/blobs';
import { certificateLibraryFromEnv, DEFAULT_CERTIFICATES_FILE, type CertificateLibrary } from '../adapters/certificates';
import { creditProviderFromEnv, DEFAULT_CREDIT_SAMPLE_FILE, type BrokenCommitmentStore, type CreditProvider } from '../adapters/credit';
import { PostgresApiKeyStore } from '../adapters/db/api-keys';
import { PostgresBlobStore } from '../adapters/db/blobs';
import { PostgresBrokenCommitmentStore } from '../adapters/db/credit';
import { PostgresDocumentStore } from '../adapters/db/documents';
import { PostgresOutbox } from '../adapters/db/outbox';
import { PostgresReadModel } from '../adapters/db/read-model';
import { PostgresCaseNumberSequence } from '../adapters/db/case-numbers';
import type { CaseNumberSequence } from '../adapters/case-numbers';
import { PostgresRegistryStore } from '../adapters/db/registry';
import type { ReadModelStore } from '../adapters/read-model';
import { PostgresReviewStore } from '../adapters/db/reviews';
import type { ReviewStore } from '../adapters/reviews';
import type { Database } from '../adapters/db/schema';
import type { DocumentStore } from '../adapters/documents';
import { keyStoreFromEnv, type KeyStore } from '../adapters/keystore';
import type { Outbox } from '../adapters/outbox';
import { S3BlobBytes } from '../adapters/s3-blobs';
import { DefinitionRegistry, type RegistryStore } from '../definitions/registry';
import type { WebOptions } from '../api/web';
import { PROJECT_ROOT, type Config } from './config';
import { openDatabase, type AppDatabase } from './database';

/** The database of the config (`DATABASE_URL`, else PGlite in `<data>/pglite`), migrated. */
export function openAppDatabase(config: Config, url: string | undefined = config.databaseUrl): Promise<AppDatabase> {
  return openDatabase({ url, pgliteDir: config.pgliteDir });
}

/** Every store that lives in the database. */
export interface Stores {
  registry: RegistryStore;
  documents: DocumentStore;
  outbox: Outbox;
  /** Upload metadata in the database, the bytes in `<data>/blobs` or the S3 bucket of `YJS_S3_BUCKET`. */
  blobs: BlobStore;
  /** The database's, or the key file's with `YJS_API_KEYS_FILE`. */
  apiKeys: ApiKeyStore;
  brokenCommitments: BrokenCommitmentStore;
  /** The read model of cases and items, written by the case workflows. */
  readModel: ReadModelStore;
  /** 好差评: ratings and rectifications. */
  reviews: ReviewStore;
  /** 办件编号 counters, shared by every API node. */
  caseNumbers: CaseNumberSequence;
}

export function openStores(config: Config, db: Kysely<Database>): Stores {
  return {
    registry: new PostgresRegistryStore(db),
    documents: new PostgresDocumentStore(db),
    outbox: new PostgresOutbox(db),
    blobs: new PostgresBlobStore(db, openBlobBytes(config)),
    apiKeys: config.apiKeysFile ? new FileApiKeyStore(config.apiKeysFile) : new PostgresApiKeyStore(db),
    brokenCommitments: new PostgresBrokenCommitmentStore(db),
    readModel: new PostgresReadModel(db),
    reviews: new PostgresReviewStore(db),
    caseNumbers: new PostgresCaseNumberSequence(db),
  };
}

/** Where uploads' bytes are, by SHA-256: the S3 bucket of `YJS_S3_BUCKET`, else `<data>/blobs` (the metadata is in the database). */
export function openBlobBytes(config: Config): BlobBytes {
  if (config.s3Blobs) return new S3BlobBytes(config.s3Blobs);
  return new FileBlobBytes(join(config.dataDir, 'blobs'));
}

/** Where the API keys are, for messages. */
export function apiKeysLocation(config: Config, database: AppDatabase): string {
  return config.apiKeysFile ?? `the database (${database.kind === 'pglite' ? `PGlite, ${database.location}` : database.location})`;
}

/** The published versions in `store`, and the repository's bundles (`YJS_BUNDLES_DIR`) published into it. */
export function openRegistry(config: Config, store: RegistryStore): Promise<DefinitionRegistry> {
  return DefinitionRegistry.open({ bundlesDir: config.bundlesDir, store });
}

/** The departments' seal keys: `YJS_SEAL_KEYS_DIR`, else `.data/seal-keys` (generated on first use). Never in the database. */
export function openKeys(config: Config): KeyStore {
  return keyStoreFromEnv(join(config.dataDir, 'seal-keys'));
}

/** The credit provider: `YJS_CREDIT_URL` (a province's platform), else the sample subjects with broken commitments in `records`. */
export function openCredit(records: BrokenCommitmentStore): CreditProvider {
  return creditProviderFromEnv({ sampleFile: DEFAULT_CREDIT_SAMPLE_FILE, records });
}

/** The electronic-licence library: `YJS_CERTIFICATES_URL` (a province's 电子证照库), else the sample licences. */
export function openCertificates(): CertificateLibrary {
  return certificateLibraryFromEnv({ file: DEFAULT_CERTIFICATES_FILE });
}

export async function openClient(address: string, namespace: string): Promise<Client> {
  return new Client({ connection: await Connection.connect({ address }), namespace });
}

export function openWorkerConnection(address: string): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}

/** Every department and window department named by the published bundles. */
export function departmentsOf(registry: DefinitionRegistry): { departments: string[]; windows: string[] } {
  const departments = new Set<string>();
  const windows = new Set<string>();
  for (const summary of registry.list()) {
    for (const version of summary.versions) {
      const { plan } = registry.get(summary.id, version);
      plan.departments.forEach((d) => departments.add(d.id));
      windows.add(plan.window.department);
    }
  }
  return { departments: [...departments].sort(), windows: [...windows].sort() };
}

/** Runs `stop` once on SIGINT/SIGTERM, then exits. */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: shutting down…`);
      stop().then(
        () => process.exit(0),
        (err) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  }
}

/**
 * The web screens when they are built (web/dist: `npm start`'s prestart, the image's build stage), on
 * the API's own origin, signing people in at `issuer` with the screens' public client; undefined when
 * there is no build (the API alone).
 */
export function openWebScreens(config: Config, issuer: string | undefined): WebOptions | undefined {
  const root = join(PROJECT_ROOT, 'web', 'dist');
  if (!existsSync(join(root, 'index.html'))) return undefined;
  return { root, ...(issuer ? { oidc: { issuer, clientId: config.oidc.embedded.clientId } } : {}) };
}
