/**
 * The dev identity provider's token endpoint for an authorization code, over real HTTP on
 * 127.0.0.1: who may exchange a code, and what the access token carries.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp } from '../../src/testing/index.js';
import type { DevIdp } from '../../src/testing/index.js';
import { Browser, REDIRECT, authenticate, exchange, interactiveLogin, nowSec, pkce } from './support.js';
import type { TokenResponse } from './support.js';

let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp({ redirectUri: REDIRECT, accessTokenTtl: 120 });
});
afterAll(async () => {
  await idp.close();
});

describe('code exchange', () => {
  it('burns a code presented with the wrong PKCE verifier', async () => {
    const login = await interactiveLogin(idp, new Browser(), 'bob@example.com');
    const bad = await authenticate(idp, { grant_type: 'authorization_code', code: login.code, code_verifier: pkce().verifier });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'invalid_grant', error_description: expect.stringMatching(/code_verifier/) });
    const late = await authenticate(idp, { grant_type: 'authorization_code', code: login.code, code_verifier: login.verifier });
    expect(late.status).toBe(400);
    expect(((await late.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('rejects a bad client secret with 401 without spending the code, then refuses a replay', async () => {
    const login = await interactiveLogin(idp, new Browser(), 'alice@example.com');
    const body = { grant_type: 'authorization_code', code: login.code, code_verifier: login.verifier };
    const wrongSecret = await authenticate(idp, { ...body, client_secret: 'sk_test_wrong' });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    const noSecret = await fetch(`${idp.url}/user_management/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, client_id: idp.clientId }),
    });
    expect(noSecret.status).toBe(401);
    const otherClient = await authenticate(idp, { ...body, client_id: 'client_other' });
    expect(otherClient.status).toBe(401);

    const ok = await authenticate(idp, body);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const tokens = (await ok.json()) as TokenResponse;
    expect(tokens.user).toEqual({
      object: 'user',
      id: idp.users[0]!.id,
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice Admin',
      first_name: 'Alice',
      last_name: 'Admin',
      locale: null,
      profile_picture_url: null,
      last_sign_in_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      created_at: expect.any(String),
      updated_at: expect.any(String),
      external_id: null,
      metadata: {},
    });
    expect(tokens.organization_id).toBe(idp.users[0]!.organizationId);
    expect(tokens.authentication_method).toBe('Password');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect('impersonator' in tokens).toBe(false);

    const replay = await authenticate(idp, body);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers malformed grants with OAuth errors', async () => {
    const missing = await authenticate(idp, { grant_type: 'authorization_code' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
    const unsupported = await authenticate(idp, { grant_type: 'password', email: 'a', password: 'b' });
    expect(unsupported.status).toBe(400);
    expect(await unsupported.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const unknown = await authenticate(idp, { grant_type: 'authorization_code', code: 'nope', code_verifier: pkce().verifier });
    expect(await unknown.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('access token', () => {
  it('verifies against the JWKS and carries the WorkOS claims plus auth_time and amr', async () => {
    const before = nowSec();
    const tokens = await exchange(idp, await interactiveLogin(idp, new Browser(), 'alice@example.com'));
    const jwks = createRemoteJWKSet(new URL(`${idp.url}/sso/jwks/${idp.clientId}`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: idp.url,
      algorithms: ['RS256'],
    });
    const alice = idp.users[0]!;
    expect(protectedHeader.alg).toBe('RS256');
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload).toMatchObject({
      iss: idp.url,
      sub: alice.id,
      client_id: idp.clientId,
      org_id: alice.organizationId,
      role: 'admin',
      roles: ['admin'],
      permissions: alice.permissions,
      entitlements: alice.entitlements,
      feature_flags: alice.featureFlags,
      amr: ['pwd', 'otp', 'mfa'],
    });
    expect(payload.sid).toMatch(/^session_01[0-9A-Z]{24}$/);
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.exp! - payload.iat!).toBe(120);
    expect(payload.auth_time).toBeGreaterThanOrEqual(before);
    expect(payload.auth_time).toBeLessThanOrEqual(nowSec());
    expect(payload.aud).toBeUndefined();
  });

  it('serves its JWKS only for its own client id, with a kid unique per start', async () => {
    const res = await fetch(`${idp.url}/sso/jwks/${idp.clientId}`);
    const { keys } = (await res.json()) as { keys: Array<Record<string, string>> };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    expect(keys[0]!.d).toBeUndefined();
    expect((await fetch(`${idp.url}/sso/jwks/client_someone_else`)).status).toBe(404);

    const other = await startDevIdp();
    try {
      const otherKeys = (await (await fetch(`${other.url}/sso/jwks/${other.clientId}`)).json()) as { keys: Array<{ kid: string }> };
      expect(otherKeys.keys[0]!.kid).not.toBe(keys[0]!.kid);
      expect(other.clientId).not.toBe(idp.clientId);
    } finally {
      await other.close();
    }
  });
});
