/**
 * `yijianshi keys` as an operator runs it (`node bin/yijianshi.mjs keys …` in a child process), against
 * a key file that a running API (built here on a `FileApiKeyStore`) reads: a key minted after the API
 * started works at once, and a deleted one stops working.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { FileApiKeyStore } from '../../../adapters/api-keys';
import { PROJECT_ROOT } from '../../../runtime/config';

const bin = join(fileURLToPath(new URL('../../../', import.meta.url)), 'bin/yijianshi.mjs');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let keyFile: string;
let app: FastifyInstance;

function yijianshi(...args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir, timeout: 30_000, env: { ...process.env, YJS_API_KEYS_FILE: keyFile } }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yijianshi-keys-'));
  keyFile = join(dir, 'data', 'api-keys.json');
  const registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  // The API starts before the key file exists: nothing is a startup snapshot.
  app = await buildApp({ client, namespace: 'default', registry, authenticator: new ApiKeyAuthenticator(new FileApiKeyStore(keyFile)) });
}, 30_000);
afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const definitionsWith = (key: string) => app.inject({ method: 'GET', url: '/definitions', headers: { authorization: `Bearer ${key}` } });

describe('yijianshi keys create', () => {
  it('mints a department key that the running API accepts at once; the file keeps only its digest, mode 0600', async () => {
    const { code, stdout, stderr } = await yijianshi('keys', 'create', '--role', 'department', '--department', 'water-affairs');
    expect(code, stderr).toBe(0);
    const key = stdout.trim();
    expect(key).toMatch(/^yjs_[A-Za-z0-9_-]{32}$/);
    expect(stderr).toContain('"officer-water-affairs" (department of water-affairs)');

    const file = await readFile(keyFile, 'utf8');
    expect(file).not.toContain(key);
    expect(JSON.parse(file).keys).toEqual([expect.objectContaining({ id: 'officer-water-affairs', roles: ['department'], department: 'water-affairs' })]);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);

    expect((await definitionsWith(key)).statusCode).toBe(200);
  });

  it('gives a second key of the same department its own id, and prints JSON with --json', async () => {
    const { code, stdout } = await yijianshi('keys', 'create', '--role', 'department', '--department', 'water-affairs', '--json');
    expect(code).toBe(0);
    const minted = JSON.parse(stdout);
    expect(minted).toMatchObject({ id: 'officer-water-affairs-2', roles: ['department'], department: 'water-affairs' });
    expect((await definitionsWith(minted.key)).statusCode).toBe(200);
  });

  it('refuses a department role without a department (1), and unknown roles or no role as wrong usage (2)', async () => {
    const noDepartment = await yijianshi('keys', 'create', '--role', 'department');
    expect(noDepartment.code).toBe(1);
    expect(noDepartment.stderr).toContain('act for a department: name it');
    const unknownRole = await yijianshi('keys', 'create', '--role', 'mayor');
    expect(unknownRole.code).toBe(2);
    expect(unknownRole.stderr).toContain('unknown role mayor');
    expect((await yijianshi('keys', 'create')).code).toBe(2);
    expect((await yijianshi('keys', 'rotate')).code).toBe(2);
  });

  it('refuses an id that is taken', async () => {
    const taken = await yijianshi('keys', 'create', '--role', 'supervisor', '--id', 'officer-water-affairs');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('exists already');
  });
});

describe('yijianshi keys list and delete', () => {
  it('lists ids, roles and departments without keys or digests; a deleted key stops working at once', async () => {
    const minted = JSON.parse((await yijianshi('keys', 'create', '--role', 'integrator', '--json')).stdout);
    expect((await definitionsWith(minted.key)).statusCode).toBe(200);

    const listed = JSON.parse((await yijianshi('keys', 'list', '--json')).stdout);
    expect(listed).toEqual(expect.arrayContaining([{ id: 'integrator', roles: ['integrator'] }, { id: 'officer-water-affairs', roles: ['department'], department: 'water-affairs' }]));
    expect(JSON.stringify(listed)).not.toMatch(/tokenSha256|yjs_/);

    expect((await yijianshi('keys', 'delete', 'integrator')).code).toBe(0);
    expect((await definitionsWith(minted.key)).statusCode).toBe(401);
    expect((await yijianshi('keys', 'delete', 'integrator')).code).toBe(1);
  });
});
