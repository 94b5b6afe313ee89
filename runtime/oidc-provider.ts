/**
 * The embedded OpenID Connect provider of `npm start` (`oidc-provider`, on its own port): the sample
 * people of `adapters/data/people.json` sign in on a server-rendered page (Chinese and English) through
 * the authorization-code flow with PKCE, from the web screens' public client. Access tokens are JWTs
 * for the API's audience (RFC 9068, resource indicators), carrying the claims `api/oidc.ts` maps to a
 * principal: `sub`, `name`, `roles`, `department`, `department_role`, `subject_id`.
 *
 * Its signing key and cookie keys are made at the first start into the data folder (mode 0600), never
 * in the repository; sessions live in memory (a restart signs people out of the provider, not out of
 * the API: issued tokens stay valid until they expire).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { z } from 'zod';
import { writeFileAtomically } from '../adapters/api-keys';
import type { Person, PeopleDirectory } from '../adapters/people';
import { MemoryOidcStorage } from './oidc-memory-adapter';

export interface EmbeddedOidcOptions {
  people: PeopleDirectory;
  host: string;
  /** 0: any free port (tests). */
  port: number;
  /** The public issuer URL; default `http://<host>:<port>`. */
  issuer?: string;
  /** The audience of access tokens: the API's resource indicator. */
  audience: string;
  /** The web screens' public client. */
  clientId: string;
  redirectUris: string[];
  /** Where the signing and cookie keys are kept (made on first start, mode 0600). */
  keysFile: string;
  /** Access tokens' lifetime in seconds (default 3600). */
  accessTokenTtlSeconds?: number;
}

export interface EmbeddedOidc {
  issuer: string;
  /** Where the provider listens (the issuer, unless a proxy is in front). */
  url: string;
  close(): Promise<void>;
}

const KeysFile = z.object({
  signing: z.array(z.record(z.string(), z.unknown())).min(1),
  cookies: z.array(z.string().min(16)).min(1),
});
type Keys = z.infer<typeof KeysFile>;

/** The keys of the file, or new ones written to it (an RS256 signing key, cookie keys). */
export async function loadOrCreateKeys(file: string): Promise<Keys> {
  try {
    return KeysFile.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file}: not a key file of the embedded OIDC provider (${(err as Error).message}); move it away to make new keys`);
  }
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = await exportJWK(privateKey);
  const keys: Keys = {
    signing: [{ ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' }],
    cookies: [randomBytes(32).toString('base64url')],
  };
  await writeFileAtomically(file, `${JSON.stringify(keys, null, 2)}\n`);
  return keys;
}

/** The claims of a person in an access token (and, with the `yijianshi` scope, in the ID token). */
export function personClaims(person: Person): Record<string, unknown> {
  return {
    name: person.name,
    roles: person.roles,
    ...(person.department ? { department: person.department } : {}),
    ...(person.departmentRole ? { department_role: person.departmentRole } : {}),
    ...(person.subjectId ? { subject_id: person.subjectId } : {}),
  };
}

export async function startEmbeddedOidc(options: EmbeddedOidcOptions): Promise<EmbeddedOidc> {
  const keys = await loadOrCreateKeys(options.keysFile);
  // Listen first: with port 0 the issuer is known only once the port is.
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  const issuer = options.issuer ?? url;
  const provider = new Provider(issuer, configuration(options, keys));
  const handleProvider = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path.startsWith('/interaction/')) {
      interaction(provider, options.people, req, res, path).catch((err: unknown) => {
        if (!res.headersSent) page(res, 400, errorPage(err instanceof errors.OIDCProviderError ? err.error_description ?? err.message : 'The sign-in could not continue.'));
        else res.end();
      });
      return;
    }
    handleProvider(req, res);
  });
  return {
    issuer,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function configuration(options: EmbeddedOidcOptions, keys: Keys): Configuration {
  const { people, audience } = options;
  const storage = new MemoryOidcStorage();
  const hour = 3600;
  return {
    adapter: storage.adapterFactory,
    clients: [
      {
        client_id: options.clientId,
        client_name: '一件事 Yijianshi',
        token_endpoint_auth_method: 'none', // a public client: the web screens keep no secret
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.redirectUris.map((uri) => new URL(uri).origin + '/'),
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    // The web screens call the token endpoint from the origin of their redirect URIs.
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
    pkce: { methods: ['S256'], required: () => true },
    findAccount: async (_ctx, id) => {
      const person = people.find(id);
      return person ? { accountId: person.id, claims: async () => ({ sub: person.id, ...personClaims(person) }) } : undefined;
    },
    claims: {
      openid: ['sub'],
      profile: ['name'],
      yijianshi: ['roles', 'department', 'department_role', 'subject_id'],
    },
    // The web screens read the name and roles from the ID token; nothing calls userinfo for them.
    conformIdTokenClaims: false,
    scopes: ['openid', 'offline_access', 'profile', 'yijianshi', 'api'],
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // Every access token is for the API, whether or not the client names it.
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== audience) throw new errors.InvalidTarget();
          return { scope: 'api', audience, accessTokenTTL: options.accessTokenTtlSeconds ?? hour, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = layout('退出登录 Sign out', `${form}<p>确定要退出登录吗？ Sign out of 一件事?</p><button form="op.logoutForm" name="logout" value="yes" type="submit">退出 Sign out</button>`);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = layout('已退出 Signed out', '<p>您已退出登录。 You are signed out.</p>');
        },
      },
    },
    extraTokenClaims: async (_ctx, token) => {
      // Only tokens of a person (not a client's own, client-credentials tokens) carry a person's claims.
      const person = 'accountId' in token && token.accountId ? people.find(token.accountId) : undefined;
      return person ? personClaims(person) : undefined;
    },
    jwks: { keys: keys.signing as unknown as NonNullable<Configuration['jwks']>['keys'] },
    cookies: { keys: keys.cookies, long: { signed: true, sameSite: 'lax' }, short: { signed: true, sameSite: 'lax' } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? hour,
      AuthorizationCode: 60,
      IdToken: hour,
      Interaction: hour,
      Session: 10 * hour,
      Grant: 10 * hour,
      RefreshToken: 10 * hour,
      ClientCredentials: 10 * 60,
      DeviceCode: 10 * 60,
      BackchannelAuthenticationRequest: 10 * 60,
    },
    renderError: async (ctx: KoaContextWithOIDC, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(out.error_description ?? out.error);
    },
  };
}

/**
 * The interaction pages: `GET /interaction/<uid>` shows the sign-in form (or, once signed in, grants
 * the web screens — our own client — what they asked for without a consent page); `POST
 * /interaction/<uid>/login` checks the password.
 */
async function interaction(provider: Provider, people: PeopleDirectory, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params, session } = details;
  if (req.method === 'POST' && path === `/interaction/${uid}/login`) {
    const form = new URLSearchParams(await readBody(req));
    const username = (form.get('username') ?? '').trim();
    const person = await people.verify(username, form.get('password') ?? '');
    if (!person) return page(res, 401, loginPage(uid, username, '用户名或密码不正确。 The user name or password is wrong.'));
    await provider.interactionFinished(req, res, { login: { accountId: person.id } }, { mergeWithLastSubmission: false });
    return;
  }
  if (req.method === 'GET' && path === `/interaction/${uid}/abort`) {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The person cancelled the sign-in.' }, { mergeWithLastSubmission: false });
    return;
  }
  if (req.method !== 'GET' || path !== `/interaction/${uid}`) return page(res, 404, errorPage('No such page.'));
  if (prompt.name === 'login') return page(res, 200, loginPage(uid, typeof params.login_hint === 'string' ? params.login_hint : ''));
  if (prompt.name === 'consent' && session?.accountId) {
    const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: session.accountId, clientId: String(params.client_id) });
    if (!grant) throw new errors.InvalidRequest('the grant of this sign-in is gone; start again');
    const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  return page(res, 400, errorPage(`Unexpected step "${prompt.name}".`));
}

async function readBody(req: IncomingMessage, limit = 16 * 1024): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new errors.InvalidRequest('the form is too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function page(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#1f2328}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;box-sizing:border-box;font-size:1rem}
button{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem}.error{color:#b42318}.hint{color:#59636e;font-size:.9rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function loginPage(uid: string, username: string, error?: string): string {
  return layout(
    '登录 一件事 · Sign in',
    `${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<label for="username">用户名 User name</label><input id="username" name="username" required value="${escapeHtml(username)}" autofocus>
<label for="password">密码 Password</label><input id="password" name="password" type="password" required>
<button type="submit">登录 Sign in</button>
</form>
<p class="hint">开发样例：人员见 README“Signing in (OIDC)”。 Development sample: the people are listed in the README.</p>
<p><a href="/interaction/${escapeHtml(uid)}/abort">取消 Cancel</a></p>`,
  );
}

function errorPage(message: string): string {
  return layout('登录出错 Sign-in error', `<p class="error" role="alert">${escapeHtml(message)}</p>`);
}
