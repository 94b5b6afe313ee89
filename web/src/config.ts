/**
 * What the screens need to know about their deployment, written into index.html by the API that
 * serves it (api/web.ts): the OpenID Connect issuer and the public client to sign people in with.
 * The Vite dev server has none, so the defaults are `npm start`'s embedded provider.
 */
export interface WebConfig {
  oidc?: {
    issuer: string;
    clientId: string;
    scope: string;
  };
  /** This page's nonce for style elements (the code editor's): the CSP allows no other inline style. */
  styleNonce?: string;
}

const DEV_DEFAULTS: WebConfig = {
  oidc: { issuer: 'http://127.0.0.1:3001', clientId: 'yijianshi-web', scope: 'openid profile yijianshi api' },
};

function readConfig(): WebConfig {
  const element = document.getElementById('yjs-config');
  if (!element?.textContent) return DEV_DEFAULTS;
  return JSON.parse(element.textContent) as WebConfig;
}

export const config: WebConfig = readConfig();
