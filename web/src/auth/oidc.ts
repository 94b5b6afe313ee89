/**
 * Signing in with OpenID Connect: authorization code with PKCE (S256) from the public client, through
 * oauth4webapi (discovery, the authorization request's parameters, the callback's validation, the code
 * exchange and the ID token's claims checked). The verifier and state wait in sessionStorage across
 * the redirect; nothing is kept that another tab or site could use.
 */
import * as oauth from 'oauth4webapi';
import { config } from '../config';
import { clearSession, currentSession, personOf, saveSession } from './session';

const PENDING = 'yjs.signin';
const CALLBACK_PATH = '/auth/callback';

interface Pending {
  verifier: string;
  state: string;
  returnTo: string;
}

function oidc() {
  if (!config.oidc) throw new Error('sign-in is not configured');
  return config.oidc;
}

/** Plain HTTP only for a provider on this machine (the embedded one of `npm start`). */
function requestOptions(issuer: URL) {
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  return issuer.protocol === 'http:' && loopback ? { [oauth.allowInsecureRequests]: true } : {};
}

let server: Promise<oauth.AuthorizationServer> | undefined;
function authorizationServer(): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(oidc().issuer);
  server ??= oauth
    .discoveryRequest(issuer, requestOptions(issuer))
    .then((response) => oauth.processDiscoveryResponse(issuer, response))
    .catch((err: unknown) => {
      server = undefined; // try again next time
      throw err;
    });
  return server;
}

const client = (): oauth.Client => ({ client_id: oidc().clientId, token_endpoint_auth_method: 'none' });
const redirectUri = () => `${window.location.origin}${CALLBACK_PATH}`;

/** Sends the browser to the provider's sign-in page; back at `returnTo` once signed in. */
export async function signIn(returnTo = window.location.pathname + window.location.search): Promise<void> {
  const as = await authorizationServer();
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const pending: Pending = { verifier, state, returnTo };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: oidc().clientId,
    redirect_uri: redirectUri(),
    scope: oidc().scope,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ui_locales: document.documentElement.lang,
  }).toString();
  window.location.assign(url.href);
}

/** On the callback page: checks the answer, exchanges the code, keeps the session; where to go next. */
export async function completeSignIn(currentUrl: URL): Promise<string> {
  const raw = sessionStorage.getItem(PENDING);
  if (!raw) throw new Error('no sign-in was started in this tab');
  sessionStorage.removeItem(PENDING);
  const pending = JSON.parse(raw) as Pending;
  const as = await authorizationServer();
  const params = oauth.validateAuthResponse(as, client(), currentUrl, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(as, client(), oauth.None(), params, redirectUri(), pending.verifier, requestOptions(new URL(oidc().issuer)));
  const result = await oauth.processAuthorizationCodeResponse(as, client(), response);
  const claims = oauth.getValidatedIdTokenClaims(result);
  if (!claims) throw new Error('the provider sent no ID token');
  saveSession({
    accessToken: result.access_token,
    expiresAt: Date.now() + (result.expires_in ?? 3600) * 1000,
    idToken: result.id_token,
    person: personOf(claims as unknown as Record<string, unknown>),
  });
  return pending.returnTo.startsWith('/') && !pending.returnTo.startsWith('//') ? pending.returnTo : '/';
}

/** Forgets the session here and at the provider (RP-initiated logout, back to the home page). */
export async function signOut(): Promise<void> {
  const idToken = currentSession()?.idToken;
  clearSession();
  const as = await authorizationServer().catch(() => undefined);
  if (!as?.end_session_endpoint) {
    window.location.assign('/');
    return;
  }
  const url = new URL(as.end_session_endpoint);
  url.search = new URLSearchParams({
    client_id: oidc().clientId,
    post_logout_redirect_uri: `${window.location.origin}/`,
    ...(idToken ? { id_token_hint: idToken } : {}),
  }).toString();
  window.location.assign(url.href);
}

export const SIGN_IN_CALLBACK_PATH = CALLBACK_PATH;
