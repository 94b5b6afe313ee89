/**
 * Seal verification for anyone holding a sealed document: the verdict on a document and its seal
 * (signature, department, revocation), and the departments' public keys to check seals offline.
 * Decorated as `app.seals`.
 */
import fp from 'fastify-plugin';
import type { DocumentStore } from '../../adapters/documents';
import type { KeyStore, PublicKeyEntry } from '../../adapters/keystore';
import { verifySealed, type SealVerificationReport } from '../../adapters/sealer';

export interface SealVerificationOptions {
  /** The departments' seal keys. */
  keys: KeyStore;
  /** Where revocations are recorded; without it no seal reads as revoked. */
  documents?: DocumentStore;
}

export class SealVerification {
  constructor(private readonly options: SealVerificationOptions) {}

  /** The verdict on a sealed document as issued; what cannot be read is invalid, never an error. */
  verify(sealed: unknown): Promise<SealVerificationReport> {
    return verifySealed(this.options.keys, this.options.documents, sealed);
  }

  publicKeys(): Promise<PublicKeyEntry[]> {
    return this.options.keys.publicKeys();
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    seals: SealVerification;
  }
}

export const sealVerification = fp<SealVerificationOptions>(
  async (app, options) => {
    app.decorate('seals', new SealVerification(options));
  },
  { name: 'seal-verification', fastify: '5.x' },
);
