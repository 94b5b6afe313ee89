/**
 * The served OpenAPI document tells the truth: it is valid OpenAPI 3.1 for two independent tools
 * (Redocly CLI's recommended rules, swagger-parser), every error is a problem, public routes need no
 * key (checked against the app itself), headers and the upload body are declared, no unused
 * components. No Temporal server needed (the client never connects); the generated client drives a
 * real case in `test/integration/api/openapi-client.test.ts`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../../../adapters/blobs';
import { MemoryDocumentStore } from '../../../adapters/documents';
import { MemoryKeyStore } from '../../../adapters/keystore';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { FileApiKeyStore } from '../../../adapters/api-keys';
import { mintKeys } from '../../../runtime/api-keys';
import { PROJECT_ROOT } from '../../../runtime/config';

type Json = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  op: Json;
}

let app: FastifyInstance;
let spec: Json;
let dir: string;

beforeAll(async () => {
  const registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  dir = await mkdtemp(join(tmpdir(), 'yjs-openapi-'));
  app = await buildApp({
    client,
    namespace: 'default',
    registry,
    authenticator: new ApiKeyAuthenticator(mintKeys([{ id: 'integrator', roles: ['integrator'] }]).records),
    keys: new MemoryKeyStore(),
    documents: new MemoryDocumentStore(),
    blobs: new MemoryBlobStore(),
    apiKeys: new FileApiKeyStore(join(dir, 'api-keys.json')),
  });
  const response = await app.inject({ method: 'GET', url: '/openapi.json' });
  expect(response.statusCode).toBe(200);
  spec = response.json();
}, 60_000);
afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function operations(): Operation[] {
  return Object.entries(spec.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method, path, op })),
  );
}

/** A URL for the path with plausible values in its parameters. */
const urlOf = (path: string) =>
  path.replace(/\{version\}/g, '1').replace(/\{caseId\}/g, 'abc123').replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' ? 'open-restaurant' : 'x'));

describe('GET /openapi.json', () => {
  it('is OpenAPI 3.1 with servers, a license and only components that are used', () => {
    expect(spec.openapi).toBe('3.1.0');
    expect(spec.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(spec.info.license).toMatchObject({ name: 'Apache-2.0' });
    const text = JSON.stringify({ ...spec, components: { ...spec.components, schemas: {} } });
    const referenced = new Set([...text.matchAll(/#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]));
    // Components reached only through other components count as used.
    for (const [name, schema] of Object.entries(spec.components.schemas as Json)) {
      if (referenced.has(name)) for (const m of JSON.stringify(schema).matchAll(/#\/components\/schemas\/([^"]+)"/g)) referenced.add(m[1]);
    }
    const unused = Object.keys(spec.components.schemas).filter((name) => !referenced.has(name));
    expect(unused).toEqual([]);
    expect(Object.keys(spec.components.schemas)).toContain('Problem');
  });

  it('declares every error response as application/problem+json with the Problem schema and a real description', () => {
    const wrong: string[] = [];
    for (const { method, path, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        if (!response.description || response.description === 'Default Response') wrong.push(`${method} ${path} ${status}: no description`);
        if (Number(status) < 400) continue;
        const content = Object.keys(response.content ?? {});
        if (content.join() !== 'application/problem+json' || response.content['application/problem+json'].schema.$ref !== '#/components/schemas/Problem') {
          wrong.push(`${method} ${path} ${status}: ${content.join()}`);
        }
      }
      for (const status of ['429', '500']) if (!op.responses[status]) wrong.push(`${method} ${path}: no ${status}`);
      if (op.security?.length !== 0 && !op.responses['401']) wrong.push(`${method} ${path}: secured without 401`);
    }
    expect(wrong).toEqual([]);
  });

  it('documents Location, Idempotent-Replayed and Retry-After', () => {
    const startCase = spec.paths['/cases'].post.responses;
    expect(Object.keys(startCase['201'].headers)).toEqual(['Location']);
    expect(Object.keys(startCase['200'].headers).sort()).toEqual(['Idempotent-Replayed', 'Location']);
    expect(startCase['503'].headers['Retry-After'].schema).toMatchObject({ type: 'integer' });
    expect(spec.paths['/definitions'].post.responses['201'].headers.Location).toBeDefined();
    expect(spec.paths['/admin/api-keys'].post.responses['201'].headers.Location).toBeDefined();
    expect(spec.paths['/cases/{caseId}/items/{itemId}/approve'].post.responses['200'].headers['Idempotent-Replayed']).toBeDefined();
    for (const { op } of operations()) expect(op.responses['429'].headers['Retry-After']).toBeDefined();
  });

  it('declares the upload body: binary media types, and a multipart form with one file', () => {
    const body = spec.paths['/definitions/{id}/materials/{material}/uploads'].post.requestBody;
    expect(body.required).toBe(true);
    expect(Object.keys(body.content)).toEqual(expect.arrayContaining(['multipart/form-data', 'application/pdf', 'image/jpeg', 'image/png']));
    expect(body.content['multipart/form-data'].schema.required).toEqual(['file']);
  });

  it('declares security: [] exactly on the routes that answer without a key', async () => {
    const lies: string[] = [];
    for (const { method, path, op } of operations()) {
      const declaredPublic = Array.isArray(op.security) && op.security.length === 0;
      const response = await app.inject({ method: method.toUpperCase() as 'GET', url: urlOf(path) });
      const needsKey = response.statusCode === 401;
      if (declaredPublic === needsKey) lies.push(`${method.toUpperCase()} ${path}: declared ${declaredPublic ? 'public' : 'secured'}, answered ${response.statusCode}`);
      if (response.statusCode >= 400) expect(response.headers['content-type'], `${method} ${path}`).toMatch(/^application\/problem\+json/);
    }
    expect(lies).toEqual([]);
    const publicPaths = operations().filter(({ op }) => op.security?.length === 0).map(({ path }) => path);
    expect(publicPaths).toEqual(expect.arrayContaining(['/health', '/definitions/schema', '/lifecycle', '/problems/{slug}', '/seals/verify', '/seals/keys']));
  });

  it('passes Redocly CLI lint (recommended rules) with no errors', async () => {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(spec));
    const report = await redoclyLint(file);
    const warnings = report.problems.filter((p) => p.severity === 'warn').map((p) => `${p.ruleId}: ${p.message}`);
    // Listed so that a reviewer sees them; they are allowed.
    if (warnings.length > 0) console.info(`redocly warnings:\n${warnings.join('\n')}`);
    expect(report.problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${JSON.stringify(p.location)}`)).toEqual([]);
    expect(report.totals.errors).toBe(0);
  }, 60_000);

  it('validates with swagger-parser', async () => {
    const api = await SwaggerParser.validate(structuredClone(spec) as never);
    expect((api as Json).openapi).toBe('3.1.0');
  });
});

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: Array<{ ruleId: string; severity: 'error' | 'warn'; message: string; location?: unknown }>;
}

/** `redocly lint --format=json`; it exits 1 when there are errors, with the report on stdout all the same. */
async function redoclyLint(file: string): Promise<LintReport> {
  const bin = join(PROJECT_ROOT, 'node_modules', '.bin', 'redocly');
  const run = promisify(execFile);
  let stdout: string;
  try {
    ({ stdout } = await run(bin, ['lint', file, '--format=json'], { cwd: dir, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }));
  } catch (error) {
    stdout = (error as { stdout?: string }).stdout ?? '';
    if (!stdout.trim().startsWith('{')) throw error;
  }
  return JSON.parse(stdout) as LintReport;
}
