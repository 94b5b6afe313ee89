/**
 * The API as `npm start` builds it (`api/app.ts`), listening on a free port of 127.0.0.1, over a
 * benchmark's dev server: the repository's bundles, API keys for the integrator, the window and every
 * department of enterprise-startup, the sample licence library, in-memory uploads. The rate limit is
 * lifted (the default 6,000 a minute per principal would be the bottleneck measured).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { MemoryBlobStore } from '../../adapters/blobs';
import { DEFAULT_CERTIFICATES_FILE, FileCertificateLibrary } from '../../adapters/certificates';
import { buildApp } from '../../api/app';
import { sha256Hex, type ApiKeyRecord, type Role } from '../../adapters/api-keys';
import { ApiKeyAuthenticator } from '../../api/auth';
import { BUNDLE_ID, openRegistry } from './cases';
import type { DevServer } from './server';

export interface ApiStack {
  url: string;
  app: FastifyInstance;
  /** Bearer tokens by principal: `integrator`, `window-<dept>`, `officer-<dept>`. */
  tokens: Record<string, string>;
  close(): Promise<void>;
}

export async function startApi(server: DevServer, taskQueue: string): Promise<ApiStack> {
  const registry = await openRegistry();
  const { plan } = registry.get(BUNDLE_ID);
  const principals: Array<{ id: string; roles: Role[]; department?: string }> = [
    { id: 'integrator', roles: ['integrator'] },
    { id: 'supervisor', roles: ['supervisor'] },
    { id: `window-${plan.window.department}`, roles: ['window'], department: plan.window.department },
    ...plan.departments.map((d) => ({ id: `officer-${d.id}`, roles: ['department'] as Role[], department: d.id })),
  ];
  const tokens: Record<string, string> = {};
  const records: ApiKeyRecord[] = principals.map((p) => {
    const token = randomBytes(24).toString('base64url');
    tokens[p.id] = token;
    return { ...p, tokenSha256: sha256Hex(token) };
  });
  const app = await buildApp({
    client: server.client,
    namespace: server.namespace,
    registry,
    authenticator: new ApiKeyAuthenticator(records),
    taskQueue,
    rateLimitPerMinute: 1_000_000_000,
    blobs: new MemoryBlobStore(),
    certificates: new FileCertificateLibrary(DEFAULT_CERTIFICATES_FILE),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, app, tokens, close: () => app.close() };
}
