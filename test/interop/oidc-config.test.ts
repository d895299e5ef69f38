import { describe, expect, it } from 'vitest';
import { createAuthKit, oidc, PAPE_MULTI_FACTOR } from '../../src/index.js';
import { resolveConfig } from '../../src/core/config.js';
import { internal } from '../../src/core/internal.js';
import { configErrorOf } from '../helpers/config-error.js';
import { APP, COOKIE_PASSWORD } from '../helpers/flow.js';

// Which provider a configuration selects, and what it reads. No network: configuration and the
// provider object are built lazily and offline.

const oidcEnv = {
  AUTH_ISSUER: 'https://tenant.example-idp.com/',
  AUTH_CLIENT_ID: 'oidc-client',
  AUTH_CLIENT_SECRET: 'oidc-secret',
  AUTH_REDIRECT_URI: 'https://app.example.com/callback',
  AUTH_COOKIE_PASSWORD: 'p'.repeat(32),
};
const workosEnv = {
  WORKOS_CLIENT_ID: 'client_123',
  WORKOS_API_KEY: 'sk_test_123',
  WORKOS_REDIRECT_URI: 'http://localhost:3000/callback',
  WORKOS_COOKIE_PASSWORD: 'w'.repeat(32),
};

describe('provider selection', () => {
  it('AUTH_ISSUER/AUTH_CLIENT_ID/AUTH_CLIENT_SECRET alone select OpenID Connect', () => {
    const config = resolveConfig({ env: { ...oidcEnv, AUTH_AUDIENCE: 'https://api.example.com', AUTH_SCOPE: 'openid email offline_access' } });
    expect(config).toMatchObject({
      providerKind: 'oidc',
      clientId: 'oidc-client',
      apiKey: 'oidc-secret',
      issuer: 'https://tenant.example-idp.com/',
      apiUrl: 'https://tenant.example-idp.com',
      cookieName: 'wos-session',
      secureCookies: true,
      mfaAcrValues: PAPE_MULTI_FACTOR,
      oidc: { audience: 'https://api.example.com', scope: 'openid email offline_access' },
    });
    expect(config.redirectUri.href).toBe('https://app.example.com/callback');
    expect(internal(createAuthKit({ env: oidcEnv })).provider.kind).toBe('oidc');
  });

  it('falls back to the WORKOS_ names for the redirect URI and cookie password', () => {
    const { AUTH_REDIRECT_URI: _r, AUTH_COOKIE_PASSWORD: _p, ...rest } = oidcEnv;
    const config = resolveConfig({ env: { ...rest, WORKOS_REDIRECT_URI: 'http://localhost:3000/cb', WORKOS_COOKIE_PASSWORD: 'w'.repeat(32) } });
    expect(config.providerKind).toBe('oidc');
    expect(config.redirectUri.href).toBe('http://localhost:3000/cb');
    expect(config.cookiePassword).toBe('w'.repeat(32));
  });

  it('WorkOS wins whenever WORKOS_CLIENT_ID is set, with its messages unchanged', () => {
    const config = resolveConfig({ env: { ...oidcEnv, ...workosEnv } });
    expect(config.providerKind).toBe('workos');
    expect(config.clientId).toBe('client_123');
    expect(internal(createAuthKit({ env: { ...oidcEnv, ...workosEnv } })).provider.kind).toBe('workos');
    const missing = configErrorOf(() => resolveConfig({ env: { ...workosEnv, WORKOS_API_KEY: '' } }));
    expect(missing.code).toBe('config_missing_api_key');
    expect(missing.message).toMatch(/^WORKOS_API_KEY is not set/);
  });

  it('names the AUTH_ variable to fix', () => {
    const noClient = configErrorOf(() => resolveConfig({ env: { ...oidcEnv, AUTH_CLIENT_ID: '' } }));
    expect(noClient.code).toBe('config_missing_client_id');
    expect(noClient.message).toMatch(/^AUTH_CLIENT_ID is not set/);
    const noPassword = configErrorOf(() => resolveConfig({ env: { ...oidcEnv, AUTH_COOKIE_PASSWORD: '' } }));
    expect(noPassword.code).toBe('config_missing_cookie_password');
    expect(noPassword.message).toMatch(/^AUTH_COOKIE_PASSWORD is not set/);
    const weak = configErrorOf(() => resolveConfig({ env: { ...oidcEnv, AUTH_COOKIE_PASSWORD: 'short' } }));
    expect(weak.code).toBe('config_weak_cookie_password');
    const badRedirect = configErrorOf(() => resolveConfig({ env: { ...oidcEnv, AUTH_REDIRECT_URI: 'callback' } }));
    expect(badRedirect.code).toBe('config_invalid_redirect_uri');
    expect(badRedirect.message).toMatch(/^AUTH_REDIRECT_URI/);
    const badIssuer = configErrorOf(() => resolveConfig({ providerKind: 'oidc', env: { ...oidcEnv, AUTH_ISSUER: 'ftp://idp' } }));
    expect(badIssuer.code).toBe('config_invalid_issuer');
    expect(badIssuer.message).toMatch(/^AUTH_ISSUER/);
    expect(configErrorOf(() => resolveConfig({ providerKind: 'oidc', env: {} })).message).toMatch(/^AUTH_ISSUER is not set/);
  });

  it('without AUTH_CLIENT_SECRET it is a public client (PKCE only)', () => {
    const { AUTH_CLIENT_SECRET: _s, ...publicEnv } = oidcEnv;
    expect(resolveConfig({ env: publicEnv }).apiKey).toBe('');
  });

  it('createAuthKit({ provider: oidc({...}) }) configures in code, over WORKOS_* and AUTH_* variables', () => {
    const kit = createAuthKit({
      provider: oidc({ issuer: 'https://login.example.org/realms/acme', clientId: 'from-code', clientSecret: 'code-secret', mfaAcrValues: 'gold' }),
      env: { ...workosEnv, ...oidcEnv },
    });
    expect(internal(kit).config).toMatchObject({ providerKind: 'oidc', clientId: 'from-code', apiKey: 'code-secret', issuer: 'https://login.example.org/realms/acme', mfaAcrValues: 'gold' });
    expect(internal(kit).config.cookiePassword).toBe('p'.repeat(32));
    expect(internal(kit).provider.kind).toBe('oidc');
  });
});

describe('explicit WorkOS', () => {
  it('createAuthKit({ provider: workos }) stays WorkOS even when only AUTH_* variables are set', async () => {
    const { workos } = await import('../../src/index.js');
    const failureOf = configErrorOf(() => internal(createAuthKit({ provider: workos, env: oidcEnv })).config);
    expect(failureOf.code).toBe('config_missing_client_id');
    expect(failureOf.message).toMatch(/^WORKOS_CLIENT_ID/);
  });
});

describe('a provider whose discovery fails', () => {
  it('is provider_unavailable (transient, 503), not a refused refresh: no session ends over it; a sign-in start explains it and seals nothing', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('not here'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const kit = createAuthKit({ provider: oidc({ issuer: `http://127.0.0.1:${port}/`, clientId: 'c' }), redirectUri: `${APP}/callback`, cookiePassword: COOKIE_PASSWORD, env: {} });
      const response = await kit.signIn(new Request(`${APP}/`));
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('<code>provider_unavailable</code>');
      expect(response.headers.getSetCookie()).toEqual([]);
      await expect(internal(kit).authorize({ kind: 'sign-in' }, null)).rejects.toMatchObject({ code: 'provider_unavailable', status: 503, transient: true });
    } finally {
      server.close();
    }
  });
});
