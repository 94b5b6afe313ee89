/**
 * The parts every process of the deployment opens the same way: registry, document store, clients.
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { FileDocumentStore } from '../adapters/documents';
import { keyStoreFromEnv, type KeyStore } from '../adapters/keystore';
import { creditProviderFromEnv, DEFAULT_CREDIT_SAMPLE_FILE, type CreditProvider } from '../adapters/credit';
import { FileBlobStore, type BlobStore } from '../adapters/blobs';
import { certificateLibraryFromEnv, DEFAULT_CERTIFICATES_FILE, type CertificateLibrary } from '../adapters/certificates';
import { DefinitionRegistry, FileRegistryStore } from '../definitions/registry';
import type { Config } from './config';

export function openRegistry(config: Config): Promise<DefinitionRegistry> {
  return DefinitionRegistry.open({ bundlesDir: config.bundlesDir, store: new FileRegistryStore(join(config.dataDir, 'registry')) });
}

export function openDocuments(config: Config): FileDocumentStore {
  return new FileDocumentStore(join(config.dataDir, 'documents'));
}

/** The departments' seal keys: `YJS_SEAL_KEYS_DIR`, else `.data/seal-keys` (generated on first use). */
export function openKeys(config: Config): KeyStore {
  return keyStoreFromEnv(join(config.dataDir, 'seal-keys'));
}

/** The credit provider: `YJS_CREDIT_URL` (a province's platform), else sample subjects with records in `.data/credit`. */
export function openCredit(config: Config): CreditProvider {
  return creditProviderFromEnv({ sampleFile: DEFAULT_CREDIT_SAMPLE_FILE, recordsDir: join(config.dataDir, 'credit') });
}

/** Uploaded materials, content-addressed in `.data/blobs`. */
export function openBlobs(config: Config): BlobStore {
  return new FileBlobStore(join(config.dataDir, 'blobs'));
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
