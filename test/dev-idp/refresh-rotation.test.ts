/**
 * The dev identity provider's refresh grant over real HTTP on 127.0.0.1: rotation, one winner
 * among concurrent refreshes, and what it refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp } from '../../src/testing/index.js';
import type { DevIdp } from '../../src/testing/index.js';
import { Browser, REDIRECT, claims, exchange, nowSec, refresh, silentLogin } from './support.js';
import type { TokenResponse } from './support.js';

let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp({ redirectUri: REDIRECT, accessTokenTtl: 120 });
});
afterAll(async () => {
  await idp.close();
});

describe('refresh', () => {
  it('rotates the refresh token and keeps sid, auth_time and amr', async () => {
    idp.nextLogin({ email: 'alice@example.com', authTime: nowSec() - 100 });
    const first = await exchange(idp, await silentLogin(idp, new Browser()));
    const res = await refresh(idp, first.refresh_token);
    expect(res.status).toBe(200);
    const second = (await res.json()) as TokenResponse;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const a = claims(first);
    const b = claims(second);
    expect(b.sid).toBe(a.sid);
    expect(b.auth_time).toBe(a.auth_time);
    expect(b.amr).toEqual(a.amr);
    expect(b.jti).not.toBe(a.jti);
    expect(b.org_id).toBe(a.org_id);

    // The old token is refused as reused; its successor keeps working.
    const reused = await refresh(idp, first.refresh_token);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ error: 'invalid_grant', error_description: 'Refresh token already exchanged.' });
    const third = await refresh(idp, second.refresh_token);
    expect(third.status).toBe(200);
    const thirdBody = (await third.json()) as TokenResponse;

    // Switching organization changes org_id only.
    const switched = await refresh(idp, thirdBody.refresh_token, { organization_id: 'org_01OTHER' });
    const sw = (await switched.json()) as TokenResponse;
    expect(sw.organization_id).toBe('org_01OTHER');
    expect(claims(sw)).toMatchObject({ org_id: 'org_01OTHER', sid: a.sid, auth_time: a.auth_time });
    // ... and later refreshes remember it.
    const after = (await (await refresh(idp, sw.refresh_token)).json()) as TokenResponse;
    expect(claims(after).org_id).toBe('org_01OTHER');
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    idp.nextLogin({ email: 'bob@example.com' });
    const tokens = await exchange(idp, await silentLogin(idp, new Browser()));
    const before = idp.stats();
    const results = await Promise.all([refresh(idp, tokens.refresh_token), refresh(idp, tokens.refresh_token)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    const after = idp.stats();
    expect(after.refreshes - before.refreshes).toBe(1);
    expect(after.refreshFailures - before.refreshFailures).toBe(1);
  });

  it('rejects unknown tokens and a bad organization id', async () => {
    expect(await (await refresh(idp, 'garbage')).json()).toMatchObject({ error: 'invalid_grant' });
    idp.nextLogin({ email: 'bob@example.com' });
    const tokens = await exchange(idp, await silentLogin(idp, new Browser()));
    const bad = await refresh(idp, tokens.refresh_token, { organization_id: '<script>' });
    expect(await bad.json()).toMatchObject({ error: 'invalid_request' });
    // Not spent by the malformed request.
    expect((await refresh(idp, tokens.refresh_token)).status).toBe(200);
  });
});
