/**
 * Signing in for tests: the embedded OIDC provider on a free port, and people's tokens through the
 * real authorization-code flow with PKCE, driven over HTTP with `fetch` as a browser would
 * (`scripts/sign-in.ts`: follow the redirects, keep the cookies, post the sign-in form, exchange the code).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PeopleDirectory } from '../../adapters/people';
import { DEFAULT_AUDIENCE, DEFAULT_REDIRECT_URIS } from '../../runtime/oidc-config';
import { startEmbeddedOidc, type EmbeddedOidc } from '../../runtime/oidc-provider';
import { WEB_CLIENT_ID } from '../../scripts/sign-in';

export { DEV_PASSWORD, signIn, SignInRefused, type Tokens } from '../../scripts/sign-in';
export const TEST_REDIRECT_URI = DEFAULT_REDIRECT_URIS[0]!;

export interface TestOidc extends EmbeddedOidc {
  audience: string;
  /** The provider's key file (its private signing key), for tests that sign tokens of their own. */
  keysFile: string;
}

/** The embedded provider with the sample people, on a free port, its keys in a temporary folder. */
export async function startTestOidc(options: { accessTokenTtlSeconds?: number } = {}): Promise<TestOidc> {
  const dir = await mkdtemp(join(tmpdir(), 'yjs-oidc-'));
  const keysFile = join(dir, 'keys.json');
  const provider = await startEmbeddedOidc({
    people: await PeopleDirectory.fromFile(),
    host: '127.0.0.1',
    port: 0,
    audience: DEFAULT_AUDIENCE,
    clientId: WEB_CLIENT_ID,
    redirectUris: [TEST_REDIRECT_URI],
    keysFile,
    ...options,
  });
  return {
    ...provider,
    audience: DEFAULT_AUDIENCE,
    keysFile,
    async close() {
      await provider.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
