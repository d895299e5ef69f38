/**
 * The dev identity provider's `POST /user_management/sessions/revoke` over real HTTP on
 * 127.0.0.1, in WorkOS's wire format, checked with the official `@workos-inc/node` client.
 */
import { BadRequestException, NotFoundException, UnauthorizedException } from '@workos-inc/node';
import type { WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp } from '../../src/testing/index.js';
import type { DevIdp } from '../../src/testing/index.js';
import { APP } from '../helpers/flow.js';
import { Browser, REDIRECT, authorizeUrl, login, refresh, workosFor } from './support.js';

function revokeRaw(idp: DevIdp, body: string, headers: Record<string, string> = { authorization: `Bearer ${idp.apiKey}` }) {
  return fetch(`${idp.url}/user_management/sessions/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('POST /user_management/sessions/revoke (WorkOS revokeSession)', () => {
  let idp: DevIdp;
  let workos: WorkOS;
  beforeAll(async () => {
    idp = await startDevIdp({ redirectUri: REDIRECT });
    workos = workosFor(idp);
  });
  afterAll(() => idp.close());

  it('@workos-inc/node revokeSession ends the session: refresh, SSO and stats reflect it', async () => {
    const browser = new Browser();
    const tokens = await login(idp, browser);
    const before = idp.stats();
    expect(idp.session(tokens.sid)).toMatchObject({ id: tokens.sid, userId: idp.users[0]!.id, status: 'active' });

    await expect(workos.userManagement.revokeSession({ sessionId: tokens.sid })).resolves.toBeUndefined();

    const after = idp.stats();
    expect(after.revokeRequests - before.revokeRequests).toBe(1);
    expect(after.sessionsRevoked - before.sessionsRevoked).toBe(1);
    expect(idp.session(tokens.sid)).toMatchObject({ status: 'revoked', endedAt: expect.any(Number) });

    // Its refresh token is dead, for our raw client and for WorkOS's.
    const dead = await refresh(idp, tokens.refresh_token);
    expect(dead.status).toBe(400);
    expect(await dead.json()).toEqual({ error: 'invalid_grant', error_description: 'The session has ended.' });
    await expect(
      workos.userManagement.authenticateWithRefreshToken({ clientId: idp.clientId, refreshToken: tokens.refresh_token }),
    ).rejects.toMatchObject({ status: 400, error: 'invalid_grant' });
    // The browser's IdP cookie pointed at it: no silent sign-in any more.
    const page = await browser.get(authorizeUrl(idp, 'x'.repeat(43)));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/dev-idp/login');

    // Revoking again is idempotent and does not count twice; a later logout does not relabel it.
    await expect(workos.userManagement.revokeSession({ sessionId: tokens.sid })).resolves.toBeUndefined();
    const res = await fetch(`${idp.url}/user_management/sessions/logout?session_id=${tokens.sid}&return_to=${encodeURIComponent(`${APP}/`)}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const last = idp.stats();
    expect(last.revokeRequests - before.revokeRequests).toBe(2);
    expect(last.sessionsRevoked - before.sessionsRevoked).toBe(1);
    expect(last.logouts - before.logouts).toBe(1);
    expect(idp.session(tokens.sid)?.status).toBe('revoked');
  });

  it('answers 200 with an empty body, and only to POST', async () => {
    const tokens = await login(idp, new Browser(), { email: 'bob@example.com' });
    const res = await revokeRaw(idp, JSON.stringify({ session_id: tokens.sid }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBeNull();
    expect(await res.text()).toBe('');
    const get = await fetch(`${idp.url}/user_management/sessions/revoke?session_id=${tokens.sid}`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('refuses a missing or wrong API key with 401 and leaves the session alone', async () => {
    const tokens = await login(idp, new Browser());
    const before = idp.stats();
    const wrong = workosFor(idp, 'sk_test_not_the_key');
    await expect(wrong.userManagement.revokeSession({ sessionId: tokens.sid })).rejects.toBeInstanceOf(UnauthorizedException);

    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer sk_test_nope' }, { authorization: `Basic ${idp.apiKey}` }, { authorization: idp.apiKey }];
    for (const headers of attempts) {
      const res = await revokeRaw(idp, JSON.stringify({ session_id: tokens.sid }), headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(await res.json()).toEqual({ code: 'unauthorized', message: expect.any(String) });
    }
    // The client secret in the body is not how this endpoint authenticates.
    const inBody = await revokeRaw(idp, JSON.stringify({ session_id: tokens.sid, client_id: idp.clientId, client_secret: idp.apiKey }), {});
    expect(inBody.status).toBe(401);

    expect(idp.session(tokens.sid)?.status).toBe('active');
    expect(idp.stats().sessionsRevoked).toBe(before.sessionsRevoked);
    expect((await refresh(idp, tokens.refresh_token)).status).toBe(200);
  });

  it('answers an unknown session with 404 entity_not_found, a missing session_id with 400', async () => {
    const unknown = 'session_01NOSUCHSESSION00000000000';
    const err = await workos.userManagement.revokeSession({ sessionId: unknown }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundException);
    expect(err).toMatchObject({ status: 404, code: 'entity_not_found', message: `Session not found: '${unknown}'.` });
    const raw = await revokeRaw(idp, JSON.stringify({ session_id: unknown }));
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({ code: 'entity_not_found', entity_id: unknown, message: `Session not found: '${unknown}'.` });

    const empty = await workos.userManagement.revokeSession({ sessionId: '' }).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(BadRequestException);
    expect(empty).toMatchObject({ status: 400, code: 'invalid_request_parameters' });
    for (const body of ['{}', '{"session_id":42}', 'not json', '[]']) {
      const res = await revokeRaw(idp, body);
      expect(res.status, body).toBe(400);
      expect(await res.json()).toMatchObject({
        code: 'invalid_request_parameters',
        message: expect.any(String),
        errors: [{ field: 'session_id', code: 'session_id_required' }],
      });
    }
    expect((await revokeRaw(idp, JSON.stringify({ session_id: 'x'.repeat(100_000) }))).status).toBe(413);
  });
});
