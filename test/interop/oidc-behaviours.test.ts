import { generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateStepUp, hasMfa, PAPE_MULTI_FACTOR, type AuthKit } from '../../src/index.js';
import { toClientAuth } from '../../src/core/client-auth.js';
import { APP } from '../helpers/flow.js';
import { startOidcHarness, type OidcHarness } from './oidc-flow.js';
import { MFA_ACR, PASSWORD_ACR, RESOURCE } from './op-server.js';
import { internal } from '../../src/core/internal.js';

// OpenID providers as they really behave (issue 14): MFA reported in the provider's own `amr`
// names, or only through `acr`; `oidc({ mfa })` says what counts, on verified tokens only. And
// RP-initiated logout with a `state`, for OPs that return the browser only when it is there.

/** An independent OP's names (`password`, `otp`) → RFC 8176. */
const ALIASES = { password: 'pwd', otp: 'otp', webauthn: 'hwk' };

/** A rejected callback: 4xx with the code, no redirect, and only the transaction cookie touched. */
async function expectRejected(response: Response, code: string): Promise<void> {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(response.headers.get('location')).toBeNull();
  expect(await response.text()).toContain(code);
  expect(response.headers.getSetCookie().every((c) => c.split('=')[0]!.includes('-tx-'))).toBe(true);
}

/** An MFA step-up through the OP with `kit`; the callback response, not yet stored. */
async function mfaStepUp(h: OidcHarness, kit: AuthKit, login = {}, returnTo = '/admin'): Promise<{ authorize: URL; done: Response }> {
  const start = await kit.stepUp(h.request('/'), { mfa: true, returnTo });
  const authorize = new URL(start.headers.get('location')!);
  return { authorize, done: await kit.handleCallback(await h.throughOp(start, login)) };
}

let h: OidcHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each(['access-token', 'id-token'] as const)('an OP with its own amr names (password, otp), claims in the %s', (claimsIn) => {
  it('fails an MFA step-up closed without oidc({ mfa: { amr } }); with the aliases it passes, and every reader sees RFC 8176 values', async () => {
    h = await startOidcHarness({ op: { claimsIn, mfaStyle: 'own-names' } });
    await h.signIn();
    const cookie = h.app.get('wos-session');

    // Without the mapping: the OP did MFA, but `password` is no RFC 8176 method, so one factor class.
    const plain = await mfaStepUp(h, h.kit);
    await expectRejected(plain.done, 'step_up_mfa_missing');
    h.app.store(plain.done);
    expect(h.app.get('wos-session')).toBe(cookie);

    const kit = h.newKit({}, { mfa: { amr: ALIASES } });
    const before = (await kit.getSession(h.app.header()))!;
    // Access tokens are mapped each time they are verified; ID-token claims when they are verified
    // (callback, refresh) and kept mapped in the cookie, so a session sealed before the option
    // keeps the provider's names until its next step-up or refresh (still not MFA: fails closed).
    expect(before.amr).toEqual(claimsIn === 'access-token' ? ['pwd'] : ['password']);
    expect(hasMfa(before.amr)).toBe(false);

    const { authorize, done } = await mfaStepUp(h, kit);
    // No `mfa.acr`: the request for MFA is still the PAPE policy.
    expect(authorize.searchParams.get('acr_values')).toBe(PAPE_MULTI_FACTOR);
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/admin');
    h.app.store(done);

    const after = (await kit.getSession(h.app.header()))!;
    expect(after.amr).toEqual(['pwd', 'otp']);
    expect(hasMfa(after.amr)).toBe(true);
    expect(evaluateStepUp(after, { mfa: true, maxAge: 60 }).satisfied).toBe(true);
    // What the session-reading action hands to useAuth(): the same mapped list.
    expect(toClientAuth(after).amr).toEqual(['pwd', 'otp']);

    // A refresh maps the new tokens the same way.
    const refreshed = await internal(kit).store.refresh(await h.session());
    expect(refreshed.auth.amr).toEqual(['pwd', 'otp']);
  });
});

describe.each([
  ['access-token', MFA_ACR, PASSWORD_ACR],
  ['id-token', '2', '1'], // Keycloak-style levels of authentication
] as const)('an OP that signals MFA only through acr (claims in the %s, MFA acr "%s")', (claimsIn, mfaAcr, passwordAcr) => {
  const op = { claimsIn, mfaStyle: 'acr-only', acr: { mfa: mfaAcr, password: passwordAcr } } as const;

  it('fails an MFA step-up closed without mfa.acr; with it, asks for that acr and a verified acr adds mfa', async () => {
    h = await startOidcHarness({ op });
    await h.signIn();
    const plain = await mfaStepUp(h, h.kit);
    await expectRejected(plain.done, 'step_up_mfa_missing');
    h.app.store(plain.done);

    const kit = h.newKit({}, { mfa: { acr: [mfaAcr] } });
    // The RFC 9470 challenge of the guards advertises what the authorize request sends.
    expect(internal(kit).config.mfaAcrValues).toBe(mfaAcr);
    const before = (await kit.getSession(h.app.header()))!;
    expect(before.amr).toBeUndefined();

    const { authorize, done } = await mfaStepUp(h, kit);
    expect(authorize.searchParams.get('acr_values')).toBe(mfaAcr);
    expect(h.op.interactions.at(-1)!.params.acr_values).toBe(mfaAcr);
    expect(done.status).toBe(302);
    h.app.store(done);
    const after = (await kit.getSession(h.app.header()))!;
    expect(after.amr).toEqual(['mfa']);
    expect(hasMfa(after.amr)).toBe(true);
    expect(evaluateStepUp(after, { mfa: true }).satisfied).toBe(true);
    // The raw claims stay as the provider sent them.
    if (claimsIn === 'access-token') expect(after.claims.acr).toBe(mfaAcr);

    // An explicit mfaAcrValues still decides what is requested; mfa.acr still decides what counts.
    const explicit = h.newKit({}, { mfa: { acr: [mfaAcr] }, mfaAcrValues: `${mfaAcr} ${PAPE_MULTI_FACTOR}` });
    const again = await mfaStepUp(h, explicit);
    expect(again.authorize.searchParams.get('acr_values')).toBe(`${mfaAcr} ${PAPE_MULTI_FACTOR}`);
    expect(again.done.status).toBe(302);
  });

  it('does not count a token with another acr (password level, or a near-miss of the listed value)', async () => {
    h = await startOidcHarness({ op });
    await h.signIn();
    const kit = h.newKit({}, { mfa: { acr: [mfaAcr] } });
    const cookie = h.app.get('wos-session');
    for (const acr of [passwordAcr, `${mfaAcr}0`, ` ${mfaAcr}`]) {
      const { done } = await mfaStepUp(h, kit, { acr });
      await expectRejected(done, 'step_up_mfa_missing');
      h.app.store(done);
      expect(h.app.get('wos-session')).toBe(cookie);
    }
    const { done } = await mfaStepUp(h, kit, { acr: mfaAcr });
    expect(done.status).toBe(302);
  });

  it('never upgrades what the request says: an acr/amr in the callback query string does not count', async () => {
    h = await startOidcHarness({ op });
    await h.signIn();
    const kit = h.newKit({}, { mfa: { acr: [mfaAcr], amr: ALIASES } });
    const cookie = h.app.get('wos-session');
    const start = await kit.stepUp(h.request('/'), { mfa: true });
    const callback = await h.throughOp(start, { acr: passwordAcr });
    const forged = new URL(callback.url);
    forged.searchParams.set('acr', mfaAcr);
    forged.searchParams.append('amr', 'mfa');
    const res = await kit.handleCallback(new Request(forged, { headers: callback.headers }));
    await expectRejected(res, 'step_up_mfa_missing');
    h.app.store(res);
    expect(h.app.get('wos-session')).toBe(cookie);

    const { done } = await mfaStepUp(h, kit);
    expect(done.status).toBe(302);
  });
});

describe('MFA rules apply to verified tokens only', () => {
  it('maps amr and acr of a verified access token; a token the JWKS does not verify gets nothing', async () => {
    h = await startOidcHarness({ op: { claimsIn: 'access-token', mfaStyle: 'acr-only' } });
    const verify = internal(h.newKit({}, { mfa: { acr: [MFA_ACR], amr: ALIASES } })).provider.verifyAccessToken;
    const base = { sub: 'acct-alice', aud: RESOURCE, client_id: h.op.clientId };

    const byAcr = await verify(await h.op.sign({ ...base, acr: MFA_ACR }));
    expect(byAcr.ok && byAcr.payload).toMatchObject({ amr: ['mfa'], acr: MFA_ACR });
    const byAmr = await verify(await h.op.sign({ ...base, amr: ['password', 'otp', 'password', 'face'], acr: PASSWORD_ACR }));
    expect(byAmr.ok && byAmr.payload.amr).toEqual(['pwd', 'otp', 'face']);
    const neither = await verify(await h.op.sign({ ...base, acr: PASSWORD_ACR }));
    expect(neither.ok && neither.payload.amr).toBeUndefined();
    // Malformed amr stays malformed (SECURITY.md §2 fails it closed), whatever the acr says.
    const malformed = await verify(await h.op.sign({ ...base, amr: 'otp', acr: MFA_ACR }));
    expect(malformed.ok && malformed.payload.amr).toBe('otp');
    // An expired token is still mapped (the refresh decision reads it), with the same checks.
    const expired = await verify(await h.op.sign({ ...base, acr: MFA_ACR, iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 300 }));
    expect(expired).toMatchObject({ ok: false, reason: 'expired', payload: { amr: ['mfa'] } });

    // Signed by a key the OP does not publish (same kid): refused, nothing to map.
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const forged = await new SignJWT({ iss: h.op.issuer, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300, ...base, acr: MFA_ACR })
      .setProtectedHeader({ alg: 'RS256', kid: 'op-key-1' })
      .sign(privateKey);
    expect(await verify(forged)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('an ID token whose signature fails is refused at a step-up, even with an acr that would mean MFA', async () => {
    h = await startOidcHarness({ op: { claimsIn: 'id-token', mfaStyle: 'acr-only' }, oidc: { mfa: { acr: [MFA_ACR] } } });
    await h.signIn();
    const cookie = h.app.get('wos-session');
    expect((await h.kit.getSession(h.app.header()))!.amr).toBeUndefined();
    // The step-up starts normally; then the OP's published keys change, and the process that
    // handles the callback (no cached keys) cannot verify the ID token it gets back.
    const start = await h.kit.stepUp(h.request('/'), { mfa: true });
    h.op.setForeignJwks(true);
    const done = await h.newKit().handleCallback(await h.throughOp(start, { acr: MFA_ACR }));
    expect(done.status).toBe(400);
    const body = await done.text();
    expect(body).toContain('code_exchange_failed');
    expect(body).toContain('signature');
    h.app.store(done);
    expect(h.app.get('wos-session')).toBe(cookie);

    // Keys back: the same step-up succeeds and counts.
    h.op.setForeignJwks(false);
    const { done: ok } = await mfaStepUp(h, h.newKit(), { acr: MFA_ACR });
    expect(ok.status).toBe(302);
    h.app.store(ok);
    expect((await h.newKit().getSession(h.app.header()))!.amr).toEqual(['mfa']);
  });
});

describe('RP-initiated logout', () => {
  it('sends a fresh state, so an OP that requires one returns the browser to post_logout_redirect_uri', async () => {
    h = await startOidcHarness({ op: { claimsIn: 'id-token', logoutRequiresState: true } });
    const states: string[] = [];
    for (let round = 0; round < 2; round++) {
      await h.signIn();
      const out = await h.kit.signOut(h.request('/'), { returnTo: '/' });
      const logout = new URL(out.headers.get('location')!);
      expect(`${logout.origin}${logout.pathname}`).toBe(`${h.op.issuer}/session/end`);
      const state = logout.searchParams.get('state')!;
      expect(state).toMatch(/^[\w-]{32,}$/);
      states.push(state);
      expect(logout.searchParams.get('post_logout_redirect_uri')).toBe(`${APP}/`);
      h.app.store(out);

      const { page, confirmed } = await h.confirmLogout(logout);
      expect(page.status).toBe(200);
      const back = new URL(confirmed.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(`${APP}/`);
      expect(back.searchParams.get('state')).toBe(state);
    }
    expect(states[0]).not.toBe(states[1]);
  });
});

describe('oidc({ stepUpPrompt })', () => {
  it("adds prompt=login to step-ups only, for OPs that do not treat max_age=0 as a forced login", async () => {
    h = await startOidcHarness({ op: { claimsIn: 'id-token' }, oidc: { stepUpPrompt: 'login' } });
    const signIn = await h.kit.signIn(h.request('/'));
    expect(new URL(signIn.headers.get('location')!).searchParams.has('prompt')).toBe(false);
    h.app.store(await h.kit.handleCallback(await h.throughOp(signIn, { ts: Math.floor(Date.now() / 1000) - 600 })));

    const stepUp = await h.kit.stepUp(h.request('/'), { maxAge: 120 });
    const url = new URL(stepUp.headers.get('location')!);
    expect(url.searchParams.get('prompt')).toBe('login');
    expect(url.searchParams.get('max_age')).toBe('120');
    const done = await h.kit.handleCallback(await h.throughOp(stepUp));
    expect(done.status).toBe(302);
    // The OP saw prompt=login and asked for a login again.
    expect(h.op.interactions.at(-1)).toMatchObject({ prompt: 'login', params: { prompt: 'login' } });
  });
});
