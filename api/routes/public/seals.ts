/**
 * Public, unauthenticated seal routes: anyone holding a sealed document can check it here, or fetch
 * the departments' public keys and check it offline (`scripts/seal-verify.ts`, OpenSSL, GmSSL).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ProblemSchema } from '../../problems';

const SealedDocumentBody = z
  .object({
    document: z.unknown().optional().meta({ description: 'The sealed JSON document, exactly as issued.' }),
    seal: z.unknown().optional().meta({ description: 'Its seal: algorithm, signerId, department, keyId, documentDigest, signedAt, appliedBy, signature.' }),
  })
  .meta({ id: 'SealedDocument', description: 'A sealed document as issued. Any JSON object is accepted; what cannot be read is reported as invalid.' });

const VerificationReport = z
  .object({
    status: z.enum(['valid', 'invalid', 'revoked']),
    reason: z
      .enum(['malformed', 'unknown-key', 'digest-mismatch', 'bad-signature', 'department-mismatch'])
      .optional()
      .meta({ description: 'Why the seal is invalid.' }),
    department: z.string().optional(),
    signedAt: z.string().optional(),
    appliedBy: z.enum(['person', 'default']).optional().meta({ description: 'An official, or the system on a timeout default (超时默认).' }),
    keyId: z.string().optional(),
    documentId: z.string().optional(),
    revoked: z.object({ at: z.string(), reason: z.string() }).optional(),
    conditional: z
      .object({ since: z.string(), reason: z.string() })
      .optional()
      .meta({ description: 'Granted on a commitment (告知承诺) still open: valid, but conditional.' }),
  })
  .meta({ id: 'SealVerificationReport', description: 'The verdict; department, time, appliedBy and key as the seal states them.' });

const PublicKey = z
  .object({ department: z.string(), keyId: z.string(), publicKeyPem: z.string().meta({ description: 'SPKI PEM of the SM2 public key.' }) })
  .meta({ id: 'SealPublicKey' });

/** No `security`: these routes are public, whatever the API's default. */
const PUBLIC: Array<Record<string, string[]>> = [];

/** Default verifications per minute per address: a verifier checking a batch, not a flood. */
export const DEFAULT_SEAL_VERIFY_RATE_PER_MINUTE = 600;

export interface SealRouteOptions {
  /** `POST /seals/verify` per minute per address, counted apart from the API's authenticated traffic. */
  verifyRatePerMinute?: number;
}

/** Served over `app.seals` (the `seal-verification` service). */
export const sealRoutes: FastifyPluginAsyncZod<SealRouteOptions> = async (app, { verifyRatePerMinute }) => {
  app.post(
    '/seals/verify',
    {
      // Anyone may call it and each call costs a signature check and store reads: its own budget,
      // by address whatever key is sent, so a flood of it neither passes for nor starves API clients.
      config: {
        rateLimit: {
          max: verifyRatePerMinute ?? DEFAULT_SEAL_VERIFY_RATE_PER_MINUTE,
          timeWindow: '1 minute',
          keyGenerator: (request) => `seal-verify:${request.ip}`,
        },
      },
      schema: {
        tags: ['seals'],
        operationId: 'verifySeal',
        summary: 'Verify a sealed document: signature, department, revocation',
        description: 'An invalid seal is a 200 with status "invalid": the verification itself succeeded.',
        security: PUBLIC,
        body: SealedDocumentBody,
        response: { 200: VerificationReport, 400: ProblemSchema },
      },
    },
    async (request) => app.seals.verify(request.body),
  );

  app.get(
    '/seals/keys',
    {
      schema: {
        tags: ['seals'],
        operationId: 'listSealKeys',
        summary: "The departments' public seal keys, to verify seals offline",
        security: PUBLIC,
        response: { 200: z.array(PublicKey) },
      },
    },
    async () => app.seals.publicKeys(),
  );
};
