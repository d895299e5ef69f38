import { afterEach, describe, expect, it } from 'vitest';
import { unsealSession } from '../../src/core/session-cookie.js';
import { runDevIdpCli, startDevIdp } from '../../src/testing/index.js';
import type { DevIdp, DevIdpOptions } from '../../src/testing/index.js';
import { APP, COOKIE_PASSWORD, startHarness, type Harness } from '../helpers/flow.js';

// The dev IdP plays the three ways real providers treat a refresh token that comes back after it
// was exchanged (the race many instances run into): WorkOS rejects it, Auth0 revokes the whole
// session (reuse detection), Okta accepts it within a grace period.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function grant(idp: DevIdp, refreshToken: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${idp.url}/user_management/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'refresh_token', client_id: idp.clientId, client_secret: idp.apiKey, refresh_token: refreshToken }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('dev IdP: refresh-token reuse', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** A signed-in session's refresh token, exchanged once: `first` is used, `second` its successor. */
  async function rotated(idp: DevIdpOptions) {
    h = await startHarness({ idp });
    await h.signIn();
    const session = (await unsealSession(h.app.get('wos-session')!, COOKIE_PASSWORD))!;
    const sessionId = (await h.kit.getSession(h.app.header()))!.sessionId;
    const once = await grant(h.idp, session.refreshToken);
    expect(once.status).toBe(200);
    return { idp: h.idp, first: session.refreshToken, second: once.body.refresh_token as string, sessionId };
  }

  it("'reject' (the default, WorkOS): invalid_grant, the successor keeps working", async () => {
    const { idp, first, second, sessionId } = await rotated({});
    expect(await grant(idp, first)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await grant(idp, second)).status).toBe(200);
    expect(idp.session(sessionId)?.status).toBe('active');
    expect(idp.stats()).toMatchObject({ refreshes: 2, refreshFailures: 1, refreshReuses: 1 });
  });

  it("'revoke' (Auth0): invalid_grant, and the whole session ends — the successor dies too", async () => {
    const { idp, first, second, sessionId } = await rotated({ refreshTokenReuse: 'revoke' });
    expect(await grant(idp, first)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await grant(idp, second)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(idp.session(sessionId)?.status).toBe('reuse_detected');
    expect(idp.stats()).toMatchObject({ refreshes: 1, refreshFailures: 2, refreshReuses: 1, sessionsRevoked: 0 });
  });

  it("'grace' (Okta): accepted again within the window (a new pair each time), refused after it", async () => {
    const { idp, first, second, sessionId } = await rotated({ refreshTokenReuse: 'grace', refreshTokenReuseGrace: 1 });
    const again = await grant(idp, first);
    expect(again.status).toBe(200);
    expect(again.body.refresh_token).not.toBe(second);
    expect((await grant(idp, second)).status).toBe(200);
    expect((await grant(idp, again.body.refresh_token as string)).status).toBe(200);
    await sleep(2_100); // past the 1 s grace (whole seconds)
    expect(await grant(idp, first)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(idp.session(sessionId)?.status).toBe('active');
    expect(idp.stats().refreshReuses).toBe(2);
  });

  it('refuses bad options', async () => {
    await expect(startDevIdp({ refreshTokenReuse: 'forgive' as never })).rejects.toThrow(/refreshTokenReuse/);
    await expect(startDevIdp({ refreshTokenReuseGrace: -1 })).rejects.toThrow(/refreshTokenReuseGrace/);
    await expect(startDevIdp({ refreshTokenReuseGrace: 1.5 })).rejects.toThrow(/refreshTokenReuseGrace/);
  });

  it('the CLI: --refresh-token-reuse and --refresh-token-grace', async () => {
    const lines: string[] = [];
    const cli = await runDevIdpCli(['--port', '0', '--refresh-token-reuse', 'revoke'], { log: (l) => lines.push(l), warn: () => undefined });
    try {
      expect(lines.join('\n')).toMatch(/reused refresh token: revoke/);
      const idp = cli!.idp;
      // Through the real flow: sign in, rotate, reuse → the session is revoked.
      h = await startHarness();
      const kit = h.newKit({ clientId: idp.clientId, apiKey: idp.apiKey, apiUrl: idp.url });
      const start = await kit.signIn(new Request(`${APP}/`));
      idp.nextLogin({});
      const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual' });
      const callback = new Request(authorize.headers.get('location')!, { headers: { cookie: start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') } });
      const done = await kit.handleCallback(callback);
      const seal = done.headers.getSetCookie().find((c) => c.startsWith('wos-session='))!.split(';')[0]!.slice('wos-session='.length);
      const session = (await unsealSession(seal, COOKIE_PASSWORD))!;
      expect((await grant(idp, session.refreshToken)).status).toBe(200);
      expect((await grant(idp, session.refreshToken)).status).toBe(400);
      expect(idp.sessions().map((s) => s.status)).toEqual(['reuse_detected']);
    } finally {
      await cli?.stop();
    }
    await expect(runDevIdpCli(['--port', '0', '--refresh-token-reuse', 'sometimes'], { log: () => undefined })).rejects.toThrow(/reject, revoke or grace/);
    const grace = await runDevIdpCli(['--port', '0', '--refresh-token-reuse', 'grace', '--refresh-token-grace', '5'], { log: () => undefined });
    await grace?.stop();
    await expect(runDevIdpCli(['--port', '0', '--refresh-token-grace', '61x'], { log: () => undefined })).rejects.toThrow(/--refresh-token-grace/);
  });
});
