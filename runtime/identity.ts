/**
 * Who may call the API: people with an OIDC access token (from the embedded provider, or the outside
 * issuer of `YJS_OIDC_ISSUER`) and integrators with an API key, on the same `Authorization` header.
 */
import { PeopleDirectory } from '../adapters/people';
import type { Authenticator } from '../api/auth';
import { BearerAuthenticator, JwtAuthenticator } from '../api/oidc';
import type { OidcConfig } from './oidc-config';
import { startEmbeddedOidc, type EmbeddedOidc } from './oidc-provider';

export interface Identity {
  authenticator: Authenticator;
  /** The issuer whose tokens are accepted; none when sign-in is off. */
  issuer?: string;
  /** The embedded provider, when this process runs it. */
  embedded?: EmbeddedOidc;
  /** The embedded provider's people: whom officers can transfer and assign steps to. */
  people?: PeopleDirectory;
  /** One line for the start banner. */
  description: string;
  close(): Promise<void>;
}

/**
 * The authenticator of the config over `apiKeys`, starting the embedded provider unless an outside
 * issuer is configured or `embedded` is false (an API process of a cluster: sessions of a provider
 * in memory are not shared between processes, so clusters name an outside issuer).
 */
export async function openIdentity(oidc: OidcConfig, apiKeys: Authenticator, { embedded: mayEmbed = true } = {}): Promise<Identity> {
  const off = { authenticator: apiKeys, description: 'off: API keys only', close: async () => {} };
  if (!oidc.enabled || (!oidc.issuer && !mayEmbed)) return off;
  let embedded: EmbeddedOidc | undefined;
  let people = 0;
  let directory: PeopleDirectory | undefined;
  if (!oidc.issuer) {
    directory = await PeopleDirectory.fromFile(oidc.embedded.peopleFile);
    people = directory.list().length;
    try {
      embedded = await startEmbeddedOidc({ people: directory!, audience: oidc.audience, ...oidc.embedded });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new Error(`the embedded OIDC provider cannot listen on ${oidc.embedded.host}:${oidc.embedded.port}: the port is taken (set YJS_OIDC_PORT, or YJS_OIDC=off for API keys only)`);
      }
      throw err;
    }
  }
  const issuer = oidc.issuer ?? embedded!.issuer;
  const jwt = new JwtAuthenticator({
    issuer,
    audience: oidc.audience,
    jwksUri: oidc.jwksUri,
    clockSkewSeconds: oidc.clockSkewSeconds,
    algorithms: oidc.algorithms,
    claims: oidc.claims,
  });
  return {
    authenticator: new BearerAuthenticator(jwt, apiKeys),
    issuer,
    embedded,
    ...(directory ? { people: directory } : {}),
    description: embedded
      ? `${issuer} (embedded, ${people} sample people, password in README; client ${oidc.embedded.clientId}), audience ${oidc.audience}`
      : `${issuer} (outside issuer), audience ${oidc.audience}`,
    close: async () => {
      await embedded?.close();
    },
  };
}
