import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { base64url, SignJWT, UnsecuredJWT } from 'jose';
import { createAccessTokenVerifier } from '../../src/core/verify.js';
import { CLIENT_ID, startFakeWorkos, type FakeWorkos } from '../hardening/support/fake-workos.js';

// Invariant 1, against a real JWKS endpoint on loopback: the fake WorkOS's, whose keys, claims and
// failures the test controls. Its `sign` adds `client_id` unless told otherwise (`client_id: undefined`).
describe('createAccessTokenVerifier', () => {
  let idp: FakeWorkos;
  let verify: ReturnType<typeof createAccessTokenVerifier>;
  const clientId = CLIENT_ID;

  beforeAll(async () => {
    idp = await startFakeWorkos();
    verify = createAccessTokenVerifier({ jwksUrl: idp.jwksUrl, issuers: [idp.url], clientId, algorithms: ['RS256'], clockTolerance: 5 });
  });
  afterAll(() => idp.close());

  it('accepts a token signed by the provider for this client (client_id or aud)', async () => {
    const viaClientId = await verify(await idp.sign({ sub: 'user_1', client_id: clientId }));
    expect(viaClientId.ok).toBe(true);
    const viaAud = await verify(await idp.sign({ sub: 'user_1', client_id: undefined, aud: ['other', clientId] }));
    expect(viaAud.ok).toBe(true);
  });

  it('rejects a wrong issuer', async () => {
    expect(await verify(await idp.sign({ sub: 'u', client_id: clientId, iss: 'https://evil.example' }))).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('rejects a wrong or missing audience', async () => {
    expect(await verify(await idp.sign({ sub: 'u', client_id: 'client_other' }))).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await verify(await idp.sign({ sub: 'u', aud: 'client_other', client_id: clientId }))).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await verify(await idp.sign({ sub: 'u', client_id: undefined }))).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('reports an expired token as expired (refreshable), beyond the clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await verify(await idp.sign({ sub: 'u', client_id: clientId, iat: now - 100, exp: now - 2 }))).toMatchObject({ ok: true });
    const expired = await verify(await idp.sign({ sub: 'u', client_id: clientId, iat: now - 100, exp: now - 60 }));
    expect(expired).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('does not call an expired token of another client refreshable', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await verify(await idp.sign({ sub: 'u', client_id: 'client_other', exp: now - 60 }))).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('rejects alg none', async () => {
    const none = new UnsecuredJWT({ sub: 'u', client_id: clientId, iss: idp.url, exp: Math.floor(Date.now() / 1000) + 60 }).encode();
    expect(await verify(none)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('rejects HS256 signed with the public key as secret', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(idp.served[0]!.publicJwk));
    const forged = await new SignJWT({ sub: 'u', client_id: clientId, iss: idp.url, exp: Math.floor(Date.now() / 1000) + 60 })
      .setProtectedHeader({ alg: 'HS256', kid: idp.served[0]!.kid })
      .sign(secret);
    expect(await verify(forged)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('rejects a token signed by another key with the same kid', async () => {
    const unpublished = await idp.newKey();
    expect(await verify(await idp.sign({ sub: 'u', client_id: clientId }, { key: unpublished, kid: idp.served[0]!.kid }))).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('rejects a tampered payload', async () => {
    const token = await idp.sign({ sub: 'u', client_id: clientId, amr: ['pwd'] });
    const [h, , s] = token.split('.');
    const payload = base64url.encode(JSON.stringify({ sub: 'u', client_id: clientId, amr: ['pwd', 'mfa'], iss: idp.url, exp: 9_999_999_999 }));
    expect(await verify(`${h}.${payload}.${s}`)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('rejects garbage without throwing', async () => {
    for (const junk of ['', 'a.b.c', 'not a jwt', '....', 'x'.repeat(20_000)]) {
      expect(await verify(junk)).toMatchObject({ ok: false, reason: 'invalid' });
    }
  });

  it('refuses to be built with only unsafe algorithms', () => {
    expect(() => createAccessTokenVerifier({ jwksUrl: idp.jwksUrl, issuers: [idp.url], clientId, algorithms: ['HS256', 'none'], clockTolerance: 5 })).toThrow(/algorithm/);
  });

  it('an unknown kid refetches the JWKS at most once per cooldown', async () => {
    const fresh = createAccessTokenVerifier({ jwksUrl: idp.jwksUrl, issuers: [idp.url], clientId, algorithms: ['RS256'], clockTolerance: 5 });
    expect((await fresh(await idp.sign({ sub: 'u', client_id: clientId }))).ok).toBe(true);
    const before = idp.jwksRequests();
    for (let i = 0; i < 20; i++) {
      expect(await fresh(await idp.sign({ sub: 'u', client_id: clientId }, { kid: `unknown-${i}` }))).toMatchObject({ ok: false });
    }
    expect(idp.jwksRequests() - before).toBeLessThanOrEqual(1);
  });

  it('reports a JWKS outage as unavailable, not invalid', async () => {
    const fresh = createAccessTokenVerifier({ jwksUrl: idp.jwksUrl, issuers: [idp.url], clientId, algorithms: ['RS256'], clockTolerance: 5 });
    idp.jwksFault = { status: 503 };
    try {
      expect(await fresh(await idp.sign({ sub: 'u', client_id: clientId }))).toMatchObject({ ok: false, reason: 'unavailable' });
    } finally {
      idp.jwksFault = null;
    }
  });

  it('keeps verifying with the last fetched keys while the JWKS endpoint is down', async () => {
    const fresh = createAccessTokenVerifier({ jwksUrl: idp.jwksUrl, issuers: [idp.url], clientId, algorithms: ['RS256'], clockTolerance: 5 });
    expect((await fresh(await idp.sign({ sub: 'u', client_id: clientId }))).ok).toBe(true);
    idp.jwksFault = { status: 503 };
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 11 * 60_000); // past the 10-minute cache: jose wants to refetch
      const before = idp.jwksRequests();
      expect(await fresh(await idp.sign({ sub: 'u', client_id: clientId }))).toMatchObject({ ok: true });
      expect(idp.jwksRequests()).toBeGreaterThan(before); // it did try the provider first
    } finally {
      vi.useRealTimers();
      idp.jwksFault = null;
    }
  });
});
