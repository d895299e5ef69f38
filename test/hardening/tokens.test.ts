import { createPublicKey } from 'node:crypto';
import { generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { evaluateStepUp, hasMfa, type AuthKit } from '../../src/index.js';
import { CLIENT_ID, startFakeWorkos, USER_ID, type FakeWorkos } from './support/fake-workos.js';
import { internal } from '../../src/core/internal.js';

// Invariants 1 and 2 at the public entry point: a session cookie sealed with the app's own
// password (so iron accepts it) and the right user id, wrapping an access token an attacker made.
// Each must read as signed out — or, for malformed claims, as a session whose step-up
// requirements fail closed — and none may make the SDK call the provider's token endpoint.
const now = () => Math.floor(Date.now() / 1000);

describe('forged access tokens in a correctly sealed session (invariant 1)', () => {
  let idp: FakeWorkos;
  let kit: AuthKit;

  beforeAll(async () => {
    idp = await startFakeWorkos();
  });
  afterAll(() => idp.close());
  beforeEach(() => {
    kit = idp.kit();
    idp.onAuthenticate(() => ({ status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: 'unknown refresh token' }) }));
  });

  async function expectSignedOut(token: string) {
    const cookie = `wos-session=${await idp.seal(token)}`;
    const calls = idp.authenticateRequests().length;
    expect(await kit.getSession(cookie)).toBeNull();
    // Readers that may refresh do not try: a forged token is not "expired", it is nobody's.
    for (const mode of ['expired', 'expiring'] as const) {
      const res = await internal(kit).resolveSession(cookie, mode);
      expect(res.auth).toBeNull();
      expect(res.needsRefresh).toBe(false);
    }
    expect(idp.authenticateRequests().length).toBe(calls);
  }

  it('the control: a token signed by the provider for this client and user is accepted', async () => {
    const auth = await kit.getSession(`wos-session=${await idp.seal(await idp.sign({ auth_time: now(), amr: ['pwd', 'otp'] }))}`);
    expect(auth?.user.id).toBe(USER_ID);
    expect(auth?.amr).toEqual(['pwd', 'otp']);
  });

  it('alg none (any spelling, with or without a signature part) is signed out', async () => {
    const claims = { iss: idp.url, client_id: CLIENT_ID, sub: USER_ID, exp: now() + 300, amr: ['mfa'], auth_time: now() };
    const none = new UnsecuredJWT(claims).encode();
    await expectSignedOut(none);
    const real = await idp.sign(claims);
    const [, payload, signature] = real.split('.');
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
      await expectSignedOut(`${header}.${payload}.`);
      await expectSignedOut(`${header}.${payload}.${signature}`);
    }
  });

  it('HS256 signed with the public key as the secret (JWK JSON, PEM, modulus) is signed out', async () => {
    const jwk = idp.served[0]!.publicJwk;
    const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    const secrets = [JSON.stringify(jwk), pem, Buffer.from(jwk.n!, 'base64url').toString('latin1'), jwk.n!];
    for (const secret of secrets) {
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        const forged = await new SignJWT({ iss: idp.url, client_id: CLIENT_ID, sub: USER_ID, exp: now() + 300, amr: ['mfa'] })
          .setProtectedHeader({ alg, kid: jwk.kid! })
          .sign(new TextEncoder().encode(secret));
        await expectSignedOut(forged);
      }
    }
  });

  it('a key from another JWKS (its own kid), or an embedded jwk / jku / x5u header, is signed out', async () => {
    const attacker = await idp.newKey();
    await expectSignedOut(await idp.sign({}, { key: attacker }));
    // Headers that point a naive verifier at the attacker's key, with the provider's kid.
    const kid = idp.served[0]!.kid;
    await expectSignedOut(await idp.sign({}, { key: attacker, kid, header: { jwk: attacker.publicJwk } }));
    await expectSignedOut(await idp.sign({}, { key: attacker, kid, header: { jku: `${idp.url}/attacker-jwks` } }));
    await expectSignedOut(await idp.sign({}, { key: attacker, kid, header: { x5u: `${idp.url}/attacker.pem` } }));
    // A token re-signed with another algorithm of the same family is not in the allow-list.
    const { privateKey } = await generateKeyPair('ES256');
    await expectSignedOut(await new SignJWT({ iss: idp.url, client_id: CLIENT_ID, sub: USER_ID, exp: now() + 300 }).setProtectedHeader({ alg: 'ES256', kid }).sign(privateKey));
  });

  it('unknown kids: signed out, and a flood of them refetches the JWKS at most once per cooldown', async () => {
    const fresh = idp.kit({ sessionCacheSize: 0 });
    // Forged tokens signed in advance: signing is not what this test measures.
    const attacker = await idp.newKey();
    const forge = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => idp.sign({}, { key: attacker, kid: `forged-${i}-${Math.random()}` }).then((t) => idp.seal(t))));
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now());
      expect(await fresh.getSession(`wos-session=${await idp.seal(await idp.sign())}`)).not.toBeNull();
      const baseline = idp.jwksRequests();
      const first = await forge(100);
      // Within the cooldown after the first fetch: no refetch at all, concurrent or not.
      expect((await Promise.all(first.map((s) => fresh.getSession(`wos-session=${s}`)))).every((a) => a === null)).toBe(true);
      for (const s of first.slice(0, 20)) expect(await fresh.getSession(`wos-session=${s}`)).toBeNull();
      expect(idp.jwksRequests() - baseline).toBe(0);
      // Once the cooldown (30 s) has passed, a new flood costs exactly one refetch.
      vi.setSystemTime(Date.now() + 31_000);
      const second = await forge(100);
      expect((await Promise.all(second.map((s) => fresh.getSession(`wos-session=${s}`)))).every((a) => a === null)).toBe(true);
      expect(idp.jwksRequests() - baseline).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it.each<[string, () => JWTPayload]>([
    ['another issuer', () => ({ iss: 'https://evil.example' })],
    ['the real WorkOS API while configured for another', () => ({ iss: 'https://api.workos.com' })],
    ['another client’s issuer path', () => ({ iss: `${idp.url}/user_management/client_other` })],
    ['the issuer with a different case', () => ({ iss: idp.url.toUpperCase() })],
    ['no issuer', () => ({ iss: undefined })],
  ])('a wrong issuer is signed out: %s', async (_name, claims) => {
    await expectSignedOut(await idp.sign(claims()));
  });

  it.each<[string, JWTPayload]>([
    ['client_id of another client', { client_id: 'client_other' }],
    ['aud of another client, even with our client_id', { aud: 'client_other' }],
    ['aud list without us', { aud: ['client_other', 'client_third'] }],
    ['neither aud nor client_id', { client_id: undefined }],
    ['client_id that is not a string', { client_id: [CLIENT_ID] as unknown as string }],
  ])('a wrong audience is signed out: %s', async (_name, claims) => {
    await expectSignedOut(await idp.sign(claims));
  });

  it('a token expired beyond the clock tolerance is not a session (only a refresh can bring it back)', async () => {
    const expired = `wos-session=${await idp.seal(await idp.sign({ iat: now() - 600, exp: now() - 60 }))}`;
    expect(await kit.getSession(expired)).toBeNull();
    expect((await internal(kit).resolveSession(expired, 'never')).needsRefresh).toBe(true);
    // Within the 5 s tolerance it still reads.
    expect(await kit.getSession(`wos-session=${await idp.seal(await idp.sign({ iat: now() - 600, exp: now() - 2 }))}`)).not.toBeNull();
  });

  it('a token not valid yet (nbf in the future beyond tolerance) is signed out', async () => {
    await expectSignedOut(await idp.sign({ nbf: now() + 120 }));
    expect(await kit.getSession(`wos-session=${await idp.seal(await idp.sign({ nbf: now() + 2 }))}`)).not.toBeNull();
  });

  it('a token for another user than the sealed one is signed out, and never refreshed — even once expired', async () => {
    await expectSignedOut(await idp.sign({ sub: 'user_01SOMEONEELSE' }));
    await expectSignedOut(await idp.sign({ sub: 'user_01SOMEONEELSE', iat: now() - 600, exp: now() - 60 }));
    await expectSignedOut(await idp.sign({ sub: undefined }));
  });

  it('an oversized token, even correctly signed, is refused without choking', async () => {
    const huge = await idp.sign({ permissions: Array.from({ length: 2_000 }, (_, i) => `permission:${i}`) });
    expect(huge.length).toBeGreaterThan(16_384);
    await expectSignedOut(huge);
    // Tokens of a realistic size (a few hundred permissions) still work.
    const large = await idp.sign({ permissions: Array.from({ length: 300 }, (_, i) => `permission:${i}`) });
    expect((await kit.getSession(`wos-session=${await idp.seal(large)}`))?.permissions).toHaveLength(300);
  });

  it('structurally broken tokens inside a valid seal are signed out', async () => {
    const real = await idp.sign();
    const [h, p, s] = real.split('.') as [string, string, string];
    for (const token of ['', '.', '..', `${h}.${p}`, `${h}.${p}.${s}.${s}`, `${h}..${s}`, `${h}.${p}.${s}=`, `${h} .${p}.${s}`, `${p}.${h}.${s}`, 'e30.e30.e30', real.toLowerCase(), `${real}\u0000`]) {
      await expectSignedOut(token);
    }
  });
});

// Invariant 2: claims that are present but malformed are `undefined`, and requirements fail closed.
describe('malformed amr and auth_time in a verified token (invariant 2)', () => {
  let idp: FakeWorkos;
  let kit: AuthKit;
  beforeAll(async () => {
    idp = await startFakeWorkos();
    kit = idp.kit();
  });
  afterAll(() => idp.close());
  afterEach(() => vi.useRealTimers());

  async function sessionWith(claims: JWTPayload) {
    const auth = await kit.getSession(`wos-session=${await idp.seal(await idp.sign(claims))}`);
    expect(auth?.user.id).toBe(USER_ID);
    return auth!;
  }

  it.each<[string, unknown]>([
    ['a string', 'mfa'],
    ['an array with a number', ['mfa', 1]],
    ['an array with null', ['pwd', null, 'otp']],
    ['a nested array', [['mfa']]],
    ['an array-like object', { 0: 'mfa', length: 1 }],
    ['an object', { mfa: true }],
    ['true', true],
    ['null', null],
  ])('amr that is %s → amr undefined, and an MFA requirement fails closed', async (_name, amr) => {
    const auth = await sessionWith({ amr: amr as string[], auth_time: now() });
    expect(auth.amr).toBeUndefined();
    expect(hasMfa(auth.amr)).toBe(false);
    expect(evaluateStepUp(auth, { mfa: true })).toMatchObject({ satisfied: false, reasons: ['mfa_missing'] });
  });

  it.each<[string, unknown]>([
    ['a numeric string', String(Math.floor(Date.now() / 1000))],
    ['an ISO date', new Date().toISOString()],
    ['null', null],
    ['true', true],
    ['an array', [Math.floor(Date.now() / 1000)]],
    ['an object', { seconds: Math.floor(Date.now() / 1000) }],
  ])('auth_time that is %s → authTime undefined, and a freshness requirement fails closed', async (_name, authTime) => {
    const auth = await sessionWith({ auth_time: authTime as number, amr: ['mfa'] });
    expect(auth.authTime).toBeUndefined();
    expect(evaluateStepUp(auth, { maxAge: 86_400 })).toMatchObject({ satisfied: false, reasons: ['stale'] });
  });

  it('auth_time that JSON-parses to Infinity (1e400) → authTime undefined, fails closed', async () => {
    const t = now();
    const token = await idp.signRaw(`{"iss":"${idp.url}","client_id":"${CLIENT_ID}","sub":"${USER_ID}","iat":${t},"exp":${t + 300},"auth_time":1e400,"amr":["mfa"]}`);
    const auth = await kit.getSession(`wos-session=${await idp.seal(token)}`);
    expect(auth?.authTime).toBeUndefined();
    expect(evaluateStepUp(auth, { maxAge: 86_400 })).toMatchObject({ satisfied: false, reasons: ['stale'] });
  });

  it('auth_time a few seconds ahead (provider clock skew) still counts as fresh', async () => {
    const auth = await sessionWith({ auth_time: now() + 3, amr: ['mfa'] });
    expect(evaluateStepUp(auth, { maxAge: 0, mfa: true })).toMatchObject({ satisfied: true });
  });

  // Decision (see SECURITY.md): `now - authTime <= maxAge` holds for every future value, so a token
  // whose auth_time is far ahead would satisfy every freshness requirement until that date. A
  // future beyond clock skew is not evidence of a recent authentication: it must count as stale.
  it('auth_time far in the future does not satisfy freshness (not now, not in a year)', async () => {
    const auth = await sessionWith({ auth_time: now() + 10 * 365 * 86_400, amr: ['mfa'] });
    expect(evaluateStepUp(auth, { maxAge: 300 })).toMatchObject({ satisfied: false, reasons: ['stale'] });
    expect(evaluateStepUp(auth, { maxAge: 300 }, now() + 365 * 86_400)).toMatchObject({ satisfied: false, reasons: ['stale'] });
    // An hour ahead is not clock skew either.
    expect(evaluateStepUp({ authTime: now() + 3600, amr: ['mfa'] }, { maxAge: 300 })).toMatchObject({ satisfied: false });
  });
});
