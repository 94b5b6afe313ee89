/**
 * A person's tokens from an OIDC provider, non-interactively but through the real flow: authorization
 * request with PKCE (S256), the sign-in form posted as a browser would (redirects followed, cookies
 * kept), the code exchanged at the token endpoint. For tests and scripts against the embedded provider
 * (`runtime/oidc-provider.ts`), whose form it knows.
 *
 *   npx tsx scripts/sign-in.ts <user name> [issuer]   prints the access token
 *
 * The issuer defaults to the embedded one of `npm start` (`http://127.0.0.1:3001`); the password to
 * the sample people's, `yijianshi-dev` (`YJS_OIDC_PASSWORD` for another).
 */
import { createHash, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { DEFAULT_REDIRECT_URIS } from '../runtime/oidc-config';

/** The sample people's password (README "Signing in (OIDC)"): a development sample, not a secret. */
export const DEV_PASSWORD = 'yijianshi-dev';
export const WEB_CLIENT_ID = 'yijianshi-web';

export interface Tokens {
  access_token: string;
  id_token?: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

/** The sign-in refused (a wrong password): the status and page of the last answer. */
export class SignInRefused extends Error {
  constructor(
    readonly status: number,
    readonly page: string,
  ) {
    super(`sign-in refused with ${status}`);
  }
}

/** Cookies by name, as a browser keeps them for one site (paths ignored: the test talks to one provider). */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) <= Date.now()) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/**
 * Signs `username` in at `issuer` and returns the tokens: authorization request with PKCE (S256),
 * the sign-in form posted, redirects followed to the redirect URI, the code exchanged at the token
 * endpoint. Throws {@link SignInRefused} when the provider shows the form again (a wrong password).
 */
export async function signIn(
  issuer: string,
  username: string,
  options: { password?: string; clientId?: string; redirectUri?: string; scope?: string } = {},
): Promise<Tokens> {
  const clientId = options.clientId ?? WEB_CLIENT_ID;
  const redirectUri = options.redirectUri ?? DEFAULT_REDIRECT_URIS[0]!;
  const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { authorization_endpoint: string; token_endpoint: string };
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(metadata.authorization_endpoint);
  for (const [name, value] of Object.entries({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: options.scope ?? 'openid profile yijianshi api',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    nonce: randomBytes(16).toString('base64url'),
  })) {
    authorize.searchParams.set(name, value);
  }

  const jar = new CookieJar();
  const request = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
    jar.take(response);
    return response;
  };

  let response = await request(authorize.href);
  let posted = false;
  for (let hops = 0; hops < 20; hops++) {
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, response.url || issuer);
      if (next.href.startsWith(redirectUri)) return exchange(metadata.token_endpoint, next, { clientId, redirectUri, verifier, state });
      response = await request(next.href);
      continue;
    }
    const page = await response.text();
    const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
    if (!action || posted) throw new SignInRefused(response.status, page);
    posted = true;
    response = await request(new URL(action.replace(/&amp;/g, '&'), issuer).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password: options.password ?? DEV_PASSWORD }).toString(),
    });
  }
  throw new Error('the sign-in did not reach the redirect URI in 20 steps');
}

async function exchange(
  tokenEndpoint: string,
  callback: URL,
  { clientId, redirectUri, verifier, state }: { clientId: string; redirectUri: string; verifier: string; state: string },
): Promise<Tokens> {
  if (callback.searchParams.get('error')) throw new Error(`authorization failed: ${callback.searchParams.get('error')} ${callback.searchParams.get('error_description') ?? ''}`);
  if (callback.searchParams.get('state') !== state) throw new Error('the state came back changed');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code at ${callback.href}`);
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier }).toString(),
  });
  const body = (await response.json()) as Tokens & { error?: string; error_description?: string };
  if (!response.ok) throw new Error(`token endpoint: ${response.status} ${body.error} ${body.error_description ?? ''}`);
  return body;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [username, issuer = `http://127.0.0.1:${process.env.YJS_OIDC_PORT ?? 3001}`] = process.argv.slice(2);
  if (!username) {
    console.error('usage: npx tsx scripts/sign-in.ts <user name> [issuer]');
    process.exitCode = 2;
  } else {
    try {
      console.log((await signIn(issuer, username, { password: process.env.YJS_OIDC_PASSWORD })).access_token);
    } catch (err) {
      console.error(err instanceof SignInRefused ? `${username}: the user name or password is wrong` : (err as Error).message);
      process.exitCode = 1;
    }
  }
}
