import { afterEach, describe, expect, it } from 'vitest';
import { createAuthKit, ProviderError } from '../../src/index.js';
import { parseCookieHeader } from '../../src/core/cookies.js';
import { APP, COOKIE_PASSWORD } from '../helpers/flow.js';
import { startOidcHarness, type OidcHarness } from './oidc-flow.js';
import { RESOURCE } from './op-server.js';
import { internal } from '../../src/core/internal.js';

// The generic OpenID Connect provider against a real, certified OP (oidc-provider) over loopback
// HTTP: which configuration selects it, which tokens and callbacks it refuses (audience, client,
// signature, nonce, issuer), and how it reports an OP that is down. The flows themselves:
// oidc-provider-flows.test.ts.

const now = () => Math.floor(Date.now() / 1000);

let h: OidcHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('oidc provider: configuration, audience and errors', () => {
  it('is selected by AUTH_ISSUER/AUTH_CLIENT_ID/AUTH_CLIENT_SECRET alone and signs in', async () => {
    h = await startOidcHarness({ op: { claimsIn: 'id-token' } });
    const env = {
      AUTH_ISSUER: h.op.issuer,
      AUTH_CLIENT_ID: h.op.clientId,
      AUTH_CLIENT_SECRET: h.op.clientSecret,
      AUTH_REDIRECT_URI: `${APP}/callback`,
      AUTH_COOKIE_PASSWORD: COOKIE_PASSWORD,
      AUTH_RESOURCE: RESOURCE,
    };
    const kit = createAuthKit({ env });
    expect(internal(kit).config.providerKind).toBe('oidc');
    expect(internal(kit).provider.kind).toBe('oidc');
    const done = await kit.handleCallback(await h.throughOp(await kit.signIn(h.request('/'), { returnTo: '/x' })));
    expect(done.headers.get('location')).toBe('/x');
    h.app.store(done);
    expect((await kit.getSession(h.app.header()))!.user.email).toBe('alice@example.com');
  });

  it('explains an access token for another audience instead of accepting it', async () => {
    h = await startOidcHarness({ op: { claimsIn: 'access-token' }, oidc: { audience: 'https://some-other-api.test' } });
    const res = await h.kit.handleCallback(await h.throughOp(await h.kit.signIn(h.request('/'))));
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('code_exchange_failed');
    expect(body).toContain('AUTH_AUDIENCE');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('wos-session='))).toBe(false);
  });

  it('accepts access tokens for its audience issued to this client only, and maps a custom subject claim', async () => {
    h = await startOidcHarness({ op: { claimsIn: 'access-token' } });
    const verify = internal(h.kit).provider.verifyAccessToken;
    const base = { sub: 'acct-alice', aud: RESOURCE };
    expect((await verify(await h.op.sign({ ...base, client_id: h.op.clientId }))).ok).toBe(true);
    expect((await verify(await h.op.sign({ ...base, azp: h.op.clientId }))).ok).toBe(true);
    expect((await verify(await h.op.sign(base))).ok).toBe(true);
    // Issued to another client of the same API, or for another API, or by another issuer: refused.
    expect((await verify(await h.op.sign({ ...base, client_id: 'someone-else' }))).ok).toBe(false);
    expect((await verify(await h.op.sign({ ...base, azp: 'someone-else' }))).ok).toBe(false);
    expect((await verify(await h.op.sign({ ...base, cid: 'someone-else' }))).ok).toBe(false);
    expect((await verify(await h.op.sign({ ...base, aud: 'https://other.test' }))).ok).toBe(false);
    expect((await verify(await h.op.sign({ ...base, iss: 'https://evil.test' }))).ok).toBe(false);
    // An expired one is reported as refreshable, with the same client checks.
    const expired = { ...base, iat: now() - 600, exp: now() - 300 };
    expect(await verify(await h.op.sign(expired))).toMatchObject({ ok: false, reason: 'expired' });
    expect(await verify(await h.op.sign({ ...expired, azp: 'someone-else' }))).toMatchObject({ ok: false, reason: 'invalid' });

    // Okta's custom authorization servers put the login in `sub` and the user id in `uid`.
    const okta = internal(h.newKit({}, { subjectClaim: 'uid' })).provider.verifyAccessToken;
    const verdict = await okta(await h.op.sign({ ...base, sub: 'alice@example.com', uid: 'acct-alice' }));
    expect(verdict.ok && verdict.payload.sub).toBe('acct-alice');
    expect((await okta(await h.op.sign(base))).ok).toBe(false);
  });

  it('rejects an ID token whose signature does not verify with the published keys', async () => {
    h = await startOidcHarness({ op: { claimsIn: 'id-token', foreignJwks: true } });
    const res = await h.kit.handleCallback(await h.throughOp(await h.kit.signIn(h.request('/'))));
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('code_exchange_failed');
    expect(body).toContain('signature');
  });

  it('rejects an ID token minted for another nonce, and a callback naming another issuer', async () => {
    h = await startOidcHarness({ op: { claimsIn: 'id-token' } });
    // The browser-side request was altered: the OP signs the nonce it saw, not the one we sealed.
    const start = await h.kit.signIn(h.request('/'));
    const altered = new URL(start.headers.get('location')!);
    altered.searchParams.set('nonce', 'a-nonce-this-transaction-never-issued');
    const headers = new Headers(start.headers);
    headers.set('location', altered.href);
    const res = await h.kit.handleCallback(await h.throughOp(new Response(null, { status: 302, headers })));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('code_exchange_failed');

    // Mix-up defence (RFC 9207): the OP announces `iss` on its callbacks; another value is refused.
    const callback = await h.throughOp(await h.kit.signIn(h.request('/')));
    const url = new URL(callback.url);
    expect(url.searchParams.get('iss')).toBe(h.op.issuer);
    url.searchParams.set('iss', 'https://attacker.example');
    const mixedUp = await h.kit.handleCallback(new Request(url, { headers: callback.headers }));
    expect(mixedUp.status).toBe(400);
    expect(await mixedUp.text()).toContain('code_exchange_failed');
    // The untouched code still works: nothing was exchanged for the forged callback.
    const done = await h.kit.handleCallback(callback);
    expect(done.status).toBe(302);
  });

  it('reports an unreachable OP as transient (the session is kept) and an unknown refresh token as definitive', async () => {
    h = await startOidcHarness({ op: { claimsIn: 'id-token' } });
    await h.signIn();
    const session = await h.session();
    await expect(internal(h.kit).store.refresh({ ...session, refreshToken: 'not-a-real-token' })).rejects.toMatchObject({
      code: 'refresh_failed',
      transient: false,
      providerCode: 'invalid_grant',
    });
    await h.op.close();
    const error = await internal(h.kit).store.refresh(session).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'provider_unavailable', transient: true });
    // A fresh process that cannot even discover the OP treats sessions as unavailable, not invalid.
    const cold = h.newKit();
    expect(await internal(cold).store.read(parseCookieHeader(h.app.header()))).toMatchObject({ status: 'unavailable' });
    h = undefined;
  });
});
