/**
 * Signing in with OpenID Connect, end to end: the embedded provider of `npm start` on a free port, the
 * API on a real Temporal dev server (the inbox is a visibility query), people's tokens from the real
 * authorization-code flow with PKCE (`test/helpers/oidc.ts`), and tokens that are not valid made here
 * with jose: signed with another key, expired, for another audience or issuer, unsigned, tampered.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { decodeJwt, generateKeyPair, importJWK, SignJWT, UnsecuredJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeopleDirectory } from '../../../adapters/people';
import { BearerAuthenticator, JwtAuthenticator } from '../../../api/oidc';
import { startEmbeddedOidc } from '../../../runtime/oidc-provider';
import { restaurantApplication } from '../../fixtures/applications';
import { signIn, SignInRefused, startTestOidc, type TestOidc } from '../../helpers/oidc';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { createDevServerEnv } from '../../helpers/temporal-env';

let env: TestWorkflowEnvironment;
let oidc: TestOidc;
let verifier: JwtAuthenticator;
let stack: Stack;

beforeAll(async () => {
  [env, oidc] = await Promise.all([createDevServerEnv(), startTestOidc()]);
  verifier = new JwtAuthenticator({ issuer: oidc.issuer, audience: oidc.audience });
  stack = await startStack(env, { authenticator: (apiKeys) => new BearerAuthenticator(verifier, apiKeys) });
});
afterAll(async () => {
  await stack?.close();
  await oidc?.close();
  await env?.teardown();
});

const withToken = (token: string, method: 'GET' | 'POST', url: string) => stack.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
type InboxPage = { items: Array<{ caseId: string; itemId: string }> };

/** A restaurant case started by the integrator's key and accepted by the window's: its business licence is in market regulation's inbox. */
async function acceptedCase(): Promise<string> {
  const started = await stack.as('integrator', { method: 'POST', url: '/cases', payload: restaurantApplication() });
  expect(started.statusCode, started.body).toBe(201);
  const caseId: string = started.json().caseId;
  const accepted = await stack.as('window-gov-service', { method: 'POST', url: `/cases/${caseId}/accept`, payload: {} });
  expect(accepted.statusCode, accepted.body).toBe(200);
  return caseId;
}

describe('people signed in at the embedded provider (authorization code + PKCE)', () => {
  it('reads its own department\'s inbox with a handler\'s token (200), over HTTP too, and not another department\'s (403)', async () => {
    const tokens = await signIn(oidc.issuer, 'market-regulation-handler');
    expect(decodeJwt(tokens.access_token)).toMatchObject({ iss: oidc.issuer, aud: oidc.audience, sub: 'market-regulation-handler', department_role: 'handler' });
    const caseId = await acceptedCase();

    await eventually(
      () => withToken(tokens.access_token, 'GET', '/departments/market-regulation/inbox').then((r) => ({ status: r.statusCode, page: r.json() as InboxPage })),
      ({ status, page }) => status === 200 && page.items.some((i) => i.caseId === caseId && i.itemId === 'business-licence'),
      'the business licence in the handler\'s inbox',
    );
    const other = await withToken(tokens.access_token, 'GET', '/departments/fire-rescue/inbox');
    expect(other.statusCode).toBe(403);

    // The same through a listening API, as the web screens will call it.
    await stack.app.listen({ host: '127.0.0.1', port: 0 });
    const address = stack.app.server.address() as { port: number };
    const overHttp = await fetch(`http://127.0.0.1:${address.port}/departments/market-regulation/inbox`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(overHttp.status).toBe(200);
    expect(((await overHttp.json()) as InboxPage).items.some((i) => i.caseId === caseId)).toBe(true);
  });

  it('maps an applicant\'s token to their subject (ID number, or credit code for a company), with no role of the API', async () => {
    const person = await verifier.authenticate((await signIn(oidc.issuer, 'wang-xiaoming')).access_token);
    expect(person).toEqual({ id: 'wang-xiaoming', name: '王小明', roles: [], subjectId: '420104199003071234', person: true });
    const company = await verifier.authenticate((await signIn(oidc.issuer, 'yijianshi-tech')).access_token);
    expect(company).toMatchObject({ name: '武汉一件事科技有限公司', subjectId: '91420100MA4K0000X1', roles: [] });

    const applicant = (await signIn(oidc.issuer, 'wang-xiaoming')).access_token;
    expect((await withToken(applicant, 'GET', '/definitions')).statusCode).toBe(200); // signed in
    expect((await withToken(applicant, 'GET', '/departments/market-regulation/inbox')).statusCode).toBe(403); // but no officer
  });

  it('gives a supervisor\'s token the supervisor\'s reach: any department\'s inbox', async () => {
    const tokens = await signIn(oidc.issuer, 'supervision-officer');
    expect((await withToken(tokens.access_token, 'GET', '/departments/tobacco/inbox')).statusCode).toBe(200);
  });

  it('shows the sign-in form again (401) for a wrong password, and issues no code', async () => {
    const refused = await signIn(oidc.issuer, 'market-regulation-handler', { password: 'guess' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(SignInRefused);
    expect((refused as SignInRefused).status).toBe(401);
    expect((refused as SignInRefused).page).toContain('用户名或密码不正确');
  });

  it('keeps API keys working beside tokens', async () => {
    expect((await stack.as('officer-market-regulation', { method: 'GET', url: '/departments/market-regulation/inbox' })).statusCode).toBe(200);
    expect((await withToken('yjs_not-a-key', 'GET', '/departments/market-regulation/inbox')).statusCode).toBe(401);
  });
});

describe('tokens that are not valid', () => {
  let providerKey: CryptoKey;
  let kid: string;
  const now = () => Math.floor(Date.now() / 1000);
  /** A token as the provider would sign it for market regulation's head, with what a case changes. */
  function token(change: { key?: CryptoKey; iss?: string; aud?: string; exp?: number; claims?: Record<string, unknown> } = {}): Promise<string> {
    return new SignJWT({ sub: 'market-regulation-head', roles: ['department'], department: 'market-regulation', department_role: 'head', ...change.claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid })
      .setIssuer(change.iss ?? oidc.issuer)
      .setAudience(change.aud ?? oidc.audience)
      .setIssuedAt(now() - 600)
      .setExpirationTime(change.exp ?? now() + 600)
      .sign(change.key ?? providerKey);
  }
  const inbox = (bearer: string) => withToken(bearer, 'GET', '/departments/market-regulation/inbox');

  beforeAll(async () => {
    const { signing } = JSON.parse(await readFile(oidc.keysFile, 'utf8')) as { signing: JWK[] };
    kid = signing[0]!.kid!;
    providerKey = (await importJWK(signing[0]!, 'RS256')) as CryptoKey;
  });

  it('accepts the control: the provider\'s own key, issuer, audience, unexpired (so each 401 below is for its one defect)', async () => {
    expect((await inbox(await token())).statusCode).toBe(200);
  });

  it('answers 401 for a forged signature (another key under the provider\'s kid), and for an unknown kid', async () => {
    const forger = (await generateKeyPair('RS256')).privateKey;
    const forged = await inbox(await token({ key: forger }));
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ type: '/problems/unauthenticated', detail: expect.stringContaining('access token') });
    const unknownKid = await new SignJWT({ sub: 'x', roles: ['supervisor'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'no-such-key' })
      .setIssuer(oidc.issuer)
      .setAudience(oidc.audience)
      .setExpirationTime('5m')
      .sign(forger);
    expect((await inbox(unknownKid)).statusCode).toBe(401);
  });

  it('answers 401 for an expired token (past the 60 s skew), a wrong audience, a wrong issuer', async () => {
    expect((await inbox(await token({ exp: now() - 120 }))).statusCode).toBe(401);
    expect((await inbox(await token({ exp: now() - 20 }))).statusCode).toBe(200); // within the skew
    expect((await inbox(await token({ aud: 'yijianshi-web' }))).statusCode).toBe(401); // e.g. an ID token's audience
    expect((await inbox(await token({ iss: 'http://127.0.0.1:1' }))).statusCode).toBe(401);
  });

  it('answers 401 for alg none and for a real token whose claims were changed', async () => {
    const unsigned = new UnsecuredJWT({ sub: 'x', roles: ['supervisor'] }).setIssuer(oidc.issuer).setAudience(oidc.audience).setExpirationTime('5m').encode();
    expect((await inbox(unsigned)).statusCode).toBe(401);

    const real = (await signIn(oidc.issuer, 'fire-rescue-handler')).access_token;
    expect((await withToken(real, 'GET', '/departments/fire-rescue/inbox')).statusCode).toBe(200);
    const [header, payload, signature] = real.split('.');
    const widened = Buffer.from(JSON.stringify({ ...decodeJwt(real), roles: ['supervisor'] })).toString('base64url');
    expect(payload).not.toBe(widened);
    expect((await inbox(`${header}.${widened}.${signature}`)).statusCode).toBe(401);
  });
});

describe('the embedded provider\'s keys', () => {
  it('are made at the first start into a 0600 file and kept: a restarted provider publishes the same key set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'yjs-oidc-keys-'));
    const keysFile = join(dir, 'oidc', 'keys.json');
    const start = async () =>
      startEmbeddedOidc({ people: await PeopleDirectory.fromFile(), host: '127.0.0.1', port: 0, audience: oidc.audience, clientId: 'yijianshi-web', redirectUris: ['http://127.0.0.1:5173/auth/callback'], keysFile });
    const jwks = async (issuer: string) => {
      const { jwks_uri } = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
      return (await (await fetch(jwks_uri)).json()) as { keys: JWK[] };
    };
    try {
      const first = await start();
      const published = await jwks(first.issuer);
      await first.close();
      expect((await stat(keysFile)).mode & 0o777).toBe(0o600);
      expect(published.keys).toHaveLength(1);
      expect(published.keys[0]).not.toHaveProperty('d'); // the private part stays in the file
      const second = await start();
      expect(await jwks(second.issuer)).toEqual(published);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
