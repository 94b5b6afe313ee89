/**
 * One form and one set of materials over HTTP: the merged form, its TypeScript, pre-fill from the
 * electronic-licence library, uploads checked against the definition, the four reductions. No
 * Temporal server needed (the client never connects).
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../../../adapters/blobs';
import { DEFAULT_CERTIFICATES_FILE, FileCertificateLibrary } from '../../../adapters/certificates';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { reductions } from '../../../domain/reductions';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { mintKeys } from '../../../runtime/api-keys';
import { PROJECT_ROOT } from '../../../runtime/config';

let app: FastifyInstance;
let registry: DefinitionRegistry;
let tokens: Record<string, string>;
const MOTHER = '420111199205154321'; // in the sample electronic-licence library

beforeAll(async () => {
  registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
  const keys = mintKeys([{ id: 'integrator', roles: ['integrator'] }, { id: 'officer', roles: ['department'], department: 'health' }]);
  tokens = keys.tokens;
  app = await buildApp({
    client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
    namespace: 'default',
    registry,
    authenticator: new ApiKeyAuthenticator(keys.records),
    blobs: new MemoryBlobStore(),
    certificates: new FileCertificateLibrary(DEFAULT_CERTIFICATES_FILE),
  });
});
afterAll(async () => {
  await app?.close();
});

const as = (principal: string, options: InjectOptions) =>
  app.inject({ ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${tokens[principal]}` } });

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(64, 2)]);

describe('GET /definitions/:id/form', () => {
  it('serves one JSON Schema with every field once and conditional requirements', async () => {
    const response = await as('integrator', { method: 'GET', url: '/definitions/open-restaurant/form' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/application\/schema\+json/);
    const form = response.json();
    expect(form.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(form.properties)).toHaveLength(registry.get('open-restaurant').plan.fields.length);
    expect(form.properties.shopName['x-items']).toEqual(['business-licence', 'food-permit', 'outdoor-sign', 'fire-check', 'tobacco-permit']);
    expect(form.required).toContain('shopName');
    expect(form.required).not.toContain('nearestTobaccoRetailerMeters');
  });

  it('serves the TypeScript types of the form', async () => {
    const response = await as('integrator', { method: 'GET', url: '/definitions/newborn/form.d.ts' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/typescript/);
    expect(response.body).toMatch(/export (interface|type) NewbornApplication/);
  });

  it('answers 404 for an unknown bundle', async () => {
    expect((await as('integrator', { method: 'GET', url: '/definitions/nope/form' })).statusCode).toBe(404);
  });
});

describe('GET /definitions/:id/prefill', () => {
  it('fills the form from the electronic licences the state holds and asks only for what it cannot fetch', async () => {
    const body = (await as('integrator', { method: 'GET', url: `/definitions/newborn/prefill?subject=${MOTHER}` })).json();
    expect(body.form).toMatchObject({ motherName: '张丽', motherIdNumber: MOTHER, fatherName: '陈建国' });
    expect(body.form.householdAddress).toEqual(expect.any(String));
    expect(body.satisfiedMaterials.map((m: { material: string }) => m.material)).toEqual(
      expect.arrayContaining(['parents-id-cards', 'household-book', 'marriage-certificate']),
    );
    expect(body.materialsToUpload).toEqual(['child-photo']);
  });

  it('asks a subject the library does not know for everything', async () => {
    const body = (await as('integrator', { method: 'GET', url: '/definitions/newborn/prefill?subject=110101190001010000' })).json();
    expect(body.form).toEqual({});
    expect(body.satisfiedMaterials).toEqual([]);
  });

  it('is for integrators and the window', async () => {
    expect((await as('officer', { method: 'GET', url: `/definitions/newborn/prefill?subject=${MOTHER}` })).statusCode).toBe(403);
  });
});

describe('POST /definitions/:id/materials/:material/uploads', () => {
  const upload = (material: string, bytes: Buffer, contentType: string) =>
    as('integrator', { method: 'POST', url: `/definitions/newborn/materials/${material}/uploads`, payload: bytes, headers: { 'content-type': contentType } });

  it('stores an upload once, by content hash', async () => {
    const first = await upload('child-photo', PNG, 'image/png');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ material: 'child-photo', size: PNG.length, mediaType: 'image/png', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const again = await upload('child-photo', PNG, 'image/png');
    expect(again.json().sha256).toBe(first.json().sha256);
  });

  it('refuses a media type the material does not take with 415', async () => {
    const response = await upload('child-photo', PDF, 'application/pdf');
    expect(response.statusCode).toBe(415);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('refuses bytes that are not what the Content-Type says with 415', async () => {
    expect((await upload('child-photo', PDF, 'image/png')).statusCode).toBe(415);
  });

  it('refuses an upload over the material limit with 413', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(3 * 1024 * 1024)]); // child-photo takes at most 2 MiB
    const response = await upload('child-photo', big, 'image/png');
    expect(response.statusCode).toBe(413);
    expect(response.json().type).toBe('/problems/payload-too-large');
  });

  it('answers 404 for a material the bundle does not have, and 401 without a key', async () => {
    expect((await upload('no-such-material', PNG, 'image/png')).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/definitions/newborn/materials/child-photo/uploads', payload: PNG, headers: { 'content-type': 'image/png' } })).statusCode).toBe(401);
  });
});

describe('GET /definitions/:id/reductions', () => {
  it('serves the four reductions computed from the definition', async () => {
    const body = (await as('integrator', { method: 'GET', url: '/definitions/enterprise-startup/reductions' })).json();
    expect(body).toEqual(JSON.parse(JSON.stringify(reductions(registry.get('enterprise-startup').plan))));
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['time', 'materials', 'steps', 'trips']));
  });
});
