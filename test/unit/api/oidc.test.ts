/**
 * People's access tokens: claims mapped to a principal, and the verifier against an issuer served
 * here (discovery and a key set over HTTP): what is refused (401), and an issuer that does not answer
 * (503, never a 500 or a 401). No Temporal server needed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator, looksLikeJwt, type Authenticator } from '../../../api/auth';
import { buildApp } from '../../../api/app';
import { BearerAuthenticator, claimAt, JwtAuthenticator, principalFromClaims } from '../../../api/oidc';
import { DefinitionRegistry, MemoryRegistryStore } from '../../../definitions/registry';
import { mintKeys } from '../../../runtime/api-keys';
import { PROJECT_ROOT } from '../../../runtime/config';

describe('principalFromClaims', () => {
  it('maps a department officer: id from sub, name, roles, department, department role; a person', () => {
    expect(
      principalFromClaims({ sub: 'market-regulation-reviewer', name: '汪俊杰', roles: ['department'], department: 'market-regulation', department_role: 'reviewer' }),
    ).toEqual({ id: 'market-regulation-reviewer', name: '汪俊杰', roles: ['department'], department: 'market-regulation', departmentRole: 'reviewer', person: true });
  });

  it('maps an applicant with their subject and no roles', () => {
    expect(principalFromClaims({ sub: 'wang-xiaoming', name: '王小明', roles: [], subject_id: '420104199003071234' })).toEqual({
      id: 'wang-xiaoming',
      name: '王小明',
      roles: [],
      subjectId: '420104199003071234',
      person: true,
    });
  });

  it('keeps only our role names, from an array or a space- or comma-separated string', () => {
    expect(principalFromClaims({ sub: 'a', roles: ['supervisor', 'offline_access', 'uma_authorization', 'supervisor'] })?.roles).toEqual(['supervisor']);
    expect(principalFromClaims({ sub: 'a', roles: 'window department' })?.roles).toEqual(['window', 'department']);
    expect(principalFromClaims({ sub: 'a', roles: 'designer,admin' })?.roles).toEqual(['designer', 'admin']);
    expect(principalFromClaims({ sub: 'a', roles: 7 })?.roles).toEqual([]);
  });

  it('leaves out a department role that is not handler, reviewer or head, and claims that are not text', () => {
    const principal = principalFromClaims({ sub: 'a', department_role: 'boss', department: 12, name: '  ' });
    expect(principal).toEqual({ id: 'a', roles: [], person: true });
  });

  it('is no principal without a subject', () => {
    expect(principalFromClaims({ name: 'nobody', roles: ['admin'] })).toBeUndefined();
    expect(principalFromClaims({ sub: '', roles: ['admin'] })).toBeUndefined();
  });

  it('reads claims where an issuer puts them: nested paths (Keycloak) and names with dots (namespaced)', () => {
    const keycloak = { sub: 'u1', preferred_username: 'zhang', realm_access: { roles: ['department', 'default-roles-gov'] }, dept: 'tobacco', 'https://gov.example/role': 'head' };
    expect(
      principalFromClaims(keycloak, { id: 'preferred_username', name: 'name', roles: 'realm_access.roles', department: 'dept', departmentRole: 'https://gov.example/role', subjectId: 'subject_id' }),
    ).toEqual({ id: 'zhang', roles: ['department'], department: 'tobacco', departmentRole: 'head', person: true });
    expect(claimAt({ a: { b: ['x'] } }, 'a.b.c')).toBeUndefined();
    expect(claimAt({ a: [{ b: 1 }] }, 'a.0.b')).toBeUndefined();
  });
});

describe('looksLikeJwt and BearerAuthenticator', () => {
  it('sends JWT-shaped tokens (alg none included) to the verifier and API keys to the key store', async () => {
    expect(looksLikeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.')).toBe(true);
    expect(looksLikeJwt('a.b.c')).toBe(true);
    expect(looksLikeJwt('yjs_QUJDREVGR0hJSktMTU5PUFFSU1RVVldY')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
    const asked: string[] = [];
    const named = (name: string): Authenticator => ({ authenticate: async () => (asked.push(name), { id: name, roles: [] }) });
    const bearer = new BearerAuthenticator(named('jwt'), named('keys'));
    expect((await bearer.authenticate('h.p.s'))?.id).toBe('jwt');
    expect((await bearer.authenticate('yjs_abc'))?.id).toBe('keys');
    expect(asked).toEqual(['jwt', 'keys']);
  });
});

// --- an issuer served here -----------------------------------------------------------------------

const AUDIENCE = 'urn:yijianshi:api';
let server: Server;
let issuer: string;
let key: CryptoKey;
let publicJwk: JWK;
let discoveryIssuer: string | undefined; // what discovery says its issuer is (default: the real one)

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer: discoveryIssuer ?? issuer, jwks_uri: `${issuer}/jwks` }));
    else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [publicJwk] }));
    else res.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const now = () => Math.floor(Date.now() / 1000);
function token(claims: Record<string, unknown> = {}, options: { key?: CryptoKey; kid?: string; alg?: string; iss?: string; aud?: string; exp?: number | null } = {}) {
  let jwt = new SignJWT({ sub: 'taxation-head', roles: ['department'], department: 'taxation', department_role: 'head', ...claims })
    .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'k1', typ: 'at+jwt' })
    .setIssuer(options.iss ?? issuer)
    .setAudience(options.aud ?? AUDIENCE)
    .setIssuedAt(now() - 10);
  if (options.exp !== null) jwt = jwt.setExpirationTime(options.exp ?? now() + 300);
  return jwt.sign(options.key ?? key);
}

describe('JwtAuthenticator', () => {
  const verifier = () => new JwtAuthenticator({ issuer, audience: AUDIENCE });

  it('accepts a token signed with the issuer\'s key for the audience, found through discovery', async () => {
    expect(await verifier().authenticate(await token())).toMatchObject({ id: 'taxation-head', department: 'taxation', departmentRole: 'head', person: true });
  });

  it('refuses a forged signature, an unknown kid, alg none, another issuer or audience, no exp', async () => {
    const other = (await generateKeyPair('RS256')).privateKey;
    const v = verifier();
    expect(await v.authenticate(await token({}, { key: other }))).toBeUndefined();
    expect(await v.authenticate(await token({}, { key: other, kid: 'k2' }))).toBeUndefined();
    expect(await v.authenticate(new UnsecuredJWT({ sub: 'taxation-head', roles: ['admin'] }).setIssuer(issuer).setAudience(AUDIENCE).setExpirationTime('5m').encode())).toBeUndefined();
    expect(await v.authenticate(await token({}, { iss: 'http://127.0.0.1:1' }))).toBeUndefined();
    expect(await v.authenticate(await token({}, { aud: 'yijianshi-web' }))).toBeUndefined();
    expect(await v.authenticate(await token({}, { exp: null }))).toBeUndefined();
  });

  it('tolerates 60 s of clock skew by default, and what is configured', async () => {
    expect(await verifier().authenticate(await token({}, { exp: now() - 30 }))).toBeDefined();
    expect(await verifier().authenticate(await token({}, { exp: now() - 90 }))).toBeUndefined();
    expect(await new JwtAuthenticator({ issuer, audience: AUDIENCE, clockSkewSeconds: 0 }).authenticate(await token({}, { exp: now() - 5 }))).toBeUndefined();
    expect(await new JwtAuthenticator({ issuer, audience: AUDIENCE, clockSkewSeconds: 120 }).authenticate(await token({}, { exp: now() - 90 }))).toBeDefined();
  });

  it('accepts only the configured algorithms', async () => {
    expect(await new JwtAuthenticator({ issuer, audience: AUDIENCE, algorithms: ['ES256'] }).authenticate(await token())).toBeUndefined();
  });

  it('fails with 503 "unavailable" when discovery names another issuer, and tries discovery again next time', async () => {
    const v = verifier();
    discoveryIssuer = 'https://impostor.example';
    try {
      await expect(v.authenticate(await token())).rejects.toMatchObject({ slug: 'unavailable' });
    } finally {
      discoveryIssuer = undefined;
    }
    expect(await v.authenticate(await token())).toBeDefined();
  });

  it('uses the configured key set without discovery', async () => {
    const v = new JwtAuthenticator({ issuer: 'https://no-discovery.example', audience: AUDIENCE, jwksUri: `${issuer}/jwks` });
    expect(await v.authenticate(await token({}, { iss: 'https://no-discovery.example' }))).toBeDefined();
  });
});

describe('the API with people\'s tokens and API keys', () => {
  it('answers 200 for a good token, 401 for a bad one, 503 (not 500) when the issuer does not answer, and keeps API keys working', async () => {
    const registry = await DefinitionRegistry.open({ bundlesDir: join(PROJECT_ROOT, 'definitions', 'bundles'), store: new MemoryRegistryStore() });
    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const keys = mintKeys([{ id: 'integrator', roles: ['integrator'] }]);
    const apiKeys = new ApiKeyAuthenticator(keys.records);
    const reachable = await buildApp({ client, namespace: 'default', registry, authenticator: new BearerAuthenticator(new JwtAuthenticator({ issuer, audience: AUDIENCE }), apiKeys) });
    // An issuer on a port nothing listens on.
    const dead = 'http://127.0.0.1:9';
    const unreachable = await buildApp({ client, namespace: 'default', registry, authenticator: new BearerAuthenticator(new JwtAuthenticator({ issuer: dead, audience: AUDIENCE, timeoutMs: 1000 }), apiKeys) });
    try {
      const get = (app: typeof reachable, bearer: string) => app.inject({ method: 'GET', url: '/definitions', headers: { authorization: `Bearer ${bearer}` } });
      expect((await get(reachable, await token({ roles: ['designer'] }))).statusCode).toBe(200);
      const refused = await get(reachable, await token({ roles: ['designer'] }, { aud: 'another-api' }));
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ type: '/problems/unauthenticated', detail: expect.stringContaining('access token') });

      const down = await get(unreachable, await token({ roles: ['designer'] }, { iss: dead }));
      expect(down.statusCode, down.body).toBe(503);
      expect(down.json()).toMatchObject({ type: '/problems/unavailable' });
      expect(down.headers['retry-after']).toBeDefined();
      expect((await get(unreachable, keys.tokens.integrator!)).statusCode).toBe(200);
      expect((await unreachable.inject({ method: 'GET', url: '/health', headers: { authorization: `Bearer ${await token()}` } })).statusCode).toBe(200);
    } finally {
      await reachable.close();
      await unreachable.close();
    }
  });
});
