import { describe, expect, it } from 'vitest';
import { loadOidcConfig, parseClaimNames } from '../../../runtime/oidc-config';

describe('loadOidcConfig', () => {
  it('runs the embedded provider on port 3001 by default, tokens for urn:yijianshi:api, 60 s skew', () => {
    const config = loadOidcConfig({}, '/data', '127.0.0.1');
    expect(config).toMatchObject({ enabled: true, issuer: undefined, audience: 'urn:yijianshi:api', clockSkewSeconds: 60, claims: {} });
    expect(config.embedded).toMatchObject({ host: '127.0.0.1', port: 3001, clientId: 'yijianshi-web', keysFile: '/data/oidc/keys.json' });
  });

  it('lets the web screens sign in on the API\'s own origin (PORT) and on Vite\'s dev server by default', () => {
    expect(loadOidcConfig({}, '/data', '127.0.0.1').embedded.redirectUris).toEqual([
      'http://127.0.0.1:3000/auth/callback',
      'http://localhost:3000/auth/callback',
      'http://127.0.0.1:5173/auth/callback',
      'http://localhost:5173/auth/callback',
    ]);
    expect(loadOidcConfig({ PORT: '8080' }, '/data', '127.0.0.1').embedded.redirectUris.slice(0, 2)).toEqual([
      'http://127.0.0.1:8080/auth/callback',
      'http://localhost:8080/auth/callback',
    ]);
  });

  it('takes an outside issuer, its audience, claim names, algorithms and skew', () => {
    const config = loadOidcConfig(
      {
        YJS_OIDC_ISSUER: 'https://sso.example.gov.cn/realms/hubei',
        YJS_OIDC_AUDIENCE: 'yijianshi-api',
        YJS_OIDC_CLAIMS: 'roles=realm_access.roles, id=preferred_username',
        YJS_OIDC_ALGORITHMS: 'RS256,ES256',
        YJS_OIDC_CLOCK_SKEW_SECONDS: '30',
        YJS_OIDC_REDIRECT_URIS: 'https://desk.example.gov.cn/auth/callback',
      },
      '/data',
      '0.0.0.0',
    );
    expect(config).toMatchObject({
      issuer: 'https://sso.example.gov.cn/realms/hubei',
      audience: 'yijianshi-api',
      claims: { roles: 'realm_access.roles', id: 'preferred_username' },
      algorithms: ['RS256', 'ES256'],
      clockSkewSeconds: 30,
    });
    expect(config.embedded.redirectUris).toEqual(['https://desk.example.gov.cn/auth/callback']);
  });

  it('is off with YJS_OIDC=off, and stops the start on a bad value', () => {
    expect(loadOidcConfig({ YJS_OIDC: 'off' }, '/d', 'h').enabled).toBe(false);
    expect(() => loadOidcConfig({ YJS_OIDC_ISSUER: 'sso.example' }, '/d', 'h')).toThrow(/YJS_OIDC_ISSUER/);
    expect(() => loadOidcConfig({ YJS_OIDC_CLOCK_SKEW_SECONDS: '-1' }, '/d', 'h')).toThrow(/SKEW/);
    expect(() => loadOidcConfig({ YJS_OIDC_PORT: 'x' }, '/d', 'h')).toThrow(/YJS_OIDC_PORT/);
    expect(() => parseClaimNames('group=groups')).toThrow(/YJS_OIDC_CLAIMS/);
  });
});
