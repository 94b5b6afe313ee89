/**
 * The public seal routes; no Temporal server needed (the client never connects).
 */
import { createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../../../adapters/documents';
import { MemoryKeyStore } from '../../../adapters/keystore';
import { verifySeal } from '../../../domain/seal';
import { Sealer, type SealedDocument } from '../../../adapters/sealer';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { mintKeys } from '../../../runtime/api-keys';
import { PROJECT_ROOT } from '../../../runtime/config';

interface Licence {
  documentId: string;
  type: 'result';
  holder: string;
}

let app: FastifyInstance;
let bare: FastifyInstance;
let keys: MemoryKeyStore;
let sealer: Sealer;
let sealed: SealedDocument<Licence>;
let revoked: SealedDocument<Licence>;

beforeAll(async () => {
  const registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
  const authenticator = new ApiKeyAuthenticator(mintKeys([{ id: 'integrator', roles: ['integrator'] }]).records);
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  keys = new MemoryKeyStore();
  const documents = new MemoryDocumentStore();
  sealer = new Sealer(keys, documents);
  const seal = async (key: string, department: string, holder: string) =>
    (
      await sealer.sealOnce<Licence>({
        key,
        department,
        appliedBy: 'default',
        signedAt: '2025-03-14T09:30:00+08:00',
        make: (documentId) => ({ documentId, type: 'result', holder }),
      })
    ).body;
  sealed = await seal('case-1/business-registration/issue', 'market-regulation', '张三餐饮有限公司');
  revoked = await seal('case-2/fire-check/issue', 'fire-rescue', '李四火锅店');
  await sealer.revoke({ documentId: revoked.document.documentId, at: '2025-04-01T10:00:00+08:00', reason: '许可被撤销', by: 'officer-9' });
  app = await buildApp({ client, namespace: 'default', registry, authenticator, keys, documents });
  bare = await buildApp({ client, namespace: 'default', registry, authenticator });
});
afterAll(async () => {
  await app?.close();
  await bare?.close();
});

const verify = (body: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/seals/verify', headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });

describe('POST /seals/verify', () => {
  it('reports a valid seal, with no API key needed', async () => {
    const response = await verify(sealed);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'valid',
      department: 'market-regulation',
      signedAt: '2025-03-14T09:30:00+08:00',
      appliedBy: 'default',
      keyId: sealed.seal.keyId,
      documentId: sealed.document.documentId,
    });
    expect((await verify(sealed, { authorization: 'Bearer not-a-key' })).json().status).toBe('valid');
  });

  it('answers 200 invalid for a tampered document or seal', async () => {
    const document = await verify({ ...sealed, document: { ...sealed.document, holder: '张四餐饮有限公司' } });
    expect(document.statusCode).toBe(200);
    expect(document.json()).toMatchObject({ status: 'invalid', reason: 'digest-mismatch' });
    const seal = await verify({ ...sealed, seal: { ...sealed.seal, appliedBy: 'person' } });
    expect(seal.json()).toMatchObject({ status: 'invalid', reason: 'bad-signature' });
  });

  it('reports a revoked document with when and why', async () => {
    expect((await verify(revoked)).json()).toMatchObject({
      status: 'revoked',
      department: 'fire-rescue',
      revoked: { at: '2025-04-01T10:00:00+08:00', reason: '许可被撤销' },
    });
  });

  it('answers 200 malformed for any JSON object it cannot read', async () => {
    for (const body of [{}, { document: 1 }, { seal: 'x' }, { document: sealed.document, seal: { keyId: ['a'] } }, { hello: 'world' }]) {
      const response = await verify(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(200);
      expect(response.json()).toMatchObject({ status: 'invalid', reason: 'malformed' });
    }
  });

  it('answers 400 for bodies that are not JSON objects, never 500', async () => {
    for (const payload of ['null', '[]', '"sealed"', '42', 'true', '{"document":', 'not json', '']) {
      const response = await app.inject({ method: 'POST', url: '/seals/verify', headers: { 'content-type': 'application/json' }, payload });
      expect(response.statusCode, payload).toBe(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const text = await app.inject({ method: 'POST', url: '/seals/verify', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(text.statusCode).toBe(400);
    const xml = await app.inject({ method: 'POST', url: '/seals/verify', headers: { 'content-type': 'application/xml' }, payload: '<seal/>' });
    expect(xml.statusCode).toBe(415);
  });

  it('answers 400 for a document nested deeper than any JSON body may be, never 500', async () => {
    const deep = '['.repeat(300_000) + ']'.repeat(300_000);
    const payload = `{"document":${deep},"seal":${JSON.stringify(sealed.seal)}}`;
    const response = await app.inject({ method: 'POST', url: '/seals/verify', headers: { 'content-type': 'application/json' }, payload });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json().errors[0]).toMatchObject({ path: expect.stringMatching(/^\/body\/document/) });
  });
});

describe('GET /seals/keys', () => {
  it("lists the departments' public keys, which verify seals offline", async () => {
    const response = await app.inject({ method: 'GET', url: '/seals/keys' });
    expect(response.statusCode).toBe(200);
    const list = response.json() as Array<{ department: string; keyId: string; publicKeyPem: string }>;
    expect(list.map((k) => k.department)).toEqual(['fire-rescue', 'market-regulation']);
    const entry = list.find((k) => k.keyId === sealed.seal.keyId)!;
    expect(entry.department).toBe('market-regulation');
    expect(entry.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(verifySeal({ ...sealed, publicKey: createPublicKey(entry.publicKeyPem) })).toEqual({ valid: true });
    expect(JSON.stringify(list)).not.toMatch(/PRIVATE/);
  });
});

describe('seal routes', () => {
  it('are public in the OpenAPI document', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.paths['/seals/verify'].post).toMatchObject({ operationId: 'verifySeal', tags: ['seals'], security: [] });
    expect(spec.paths['/seals/keys'].get).toMatchObject({ operationId: 'listSealKeys', tags: ['seals'], security: [] });
  });

  it('are not served without a key store', async () => {
    expect((await bare.inject({ method: 'GET', url: '/seals/keys' })).statusCode).toBe(404);
    expect((await bare.inject({ method: 'POST', url: '/seals/verify', payload: sealed })).statusCode).toBe(404);
  });
});
