import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StepUpEvent } from '../../src/index.js';
import { MAX_PENDING_TRANSACTION_BYTES, MAX_PENDING_TRANSACTIONS, MAX_TRANSACTION_RETURN_TO } from '../../src/core/transaction.js';
import { APP, CROSS_SITE, PREFETCH, SAME_ORIGIN, startHarness, startRecordingHarness, type Harness } from '../helpers/flow.js';
import { stateOf, txCookieName, txCookieOf } from '../helpers/transactions.js';

// Who may start a flow, and what it leaves behind (SECURITY.md §10, §11, §12), attacked through
// the public Request → Response flows with the headers browsers really send.

/** Fetch Metadata of what a browser sends: a <Link> prefetch or RSC fetch, a navigation from another site, our own link. */
const now = () => Math.floor(Date.now() / 1000);
const txCookies = (h: Harness) => h.app.names().filter((n) => n.includes('-tx-'));

describe('nothing is sealed for a request that is not a top-level navigation (§10)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('a prefetch, an iframe or a fetch() of the sign-in and step-up routes gets 204 and no cookie', async () => {
    await h.signIn({ authTime: now() - 3600 });
    const kinds: Record<string, string>[] = [PREFETCH, { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' }, { 'sec-purpose': 'prefetch', ...SAME_ORIGIN }, { rsc: '1' }];
    for (const headers of kinds) {
      for (const action of ['sign-in', 'step-up']) {
        const res = await h.kit.handleAuthRoute(h.request(`/callback?authkit=${action}&returnTo=%2Faccount`, { headers: { ...headers, cookie: h.app.header() } }));
        expect(res.status, `${action} ${JSON.stringify(headers)}`).toBe(204);
        expect(res.headers.getSetCookie()).toEqual([]);
        expect(res.headers.get('location')).toBeNull();
      }
    }
  });

  it(`a browser holds at most ${MAX_PENDING_TRANSACTIONS} pending transactions in ${MAX_PENDING_TRANSACTION_BYTES} bytes; the newest still completes`, async () => {
    const starts: Response[] = [];
    for (let i = 0; i < 20; i++) {
      const start = await h.kit.handleAuthRoute(h.request(`/callback?authkit=sign-in&returnTo=${encodeURIComponent(`/page/${i}?${'q'.repeat(400)}`)}`, { headers: SAME_ORIGIN }));
      h.app.store(start);
      starts.push(start);
      const pending = txCookies(h);
      expect(pending.length).toBeLessThanOrEqual(MAX_PENDING_TRANSACTIONS);
      const bytes = pending.reduce((sum, name) => sum + name.length + h.app.get(name)!.length + 3, 0);
      expect(bytes).toBeLessThanOrEqual(MAX_PENDING_TRANSACTION_BYTES);
    }
    // The last flow started is the one the user is in: it must survive the evictions.
    const callback = await h.throughIdp(starts.at(-1)!, {});
    const done = await h.kit.handleCallback(callback);
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe(`/page/19?${'q'.repeat(400)}`);
    // The first one was evicted: its callback is unknown.
    expect(h.app.names()).not.toContain(txCookieName(stateOf(starts[0]!)));
  });

  it('a returnTo longer than the bound is cut to its path (or /), so no transaction grows without limit', async () => {
    const long = `/reports?${'x'.repeat(1500)}`;
    const start = await h.kit.signIn(h.request('/', { headers: SAME_ORIGIN }), { returnTo: long });
    const tx = txCookieOf(start).setCookie;
    expect(tx.length).toBeLessThan(1500);
    const done = await h.kit.handleCallback(await h.throughIdp(start, {}));
    expect(done.headers.get('location')).toBe('/reports');
    const deep = `/${'a/'.repeat(MAX_TRANSACTION_RETURN_TO)}`;
    const again = await h.kit.handleCallback(await h.throughIdp(await h.kit.signIn(h.request('/', { headers: SAME_ORIGIN }), { returnTo: deep }), {}));
    expect(again.headers.get('location')).toBe('/');
  });
});

describe('another site cannot sign out, step up or replace a session (§11)', () => {
  let h: Harness;
  const events: StepUpEvent[] = [];
  beforeEach(async () => {
    h = await startRecordingHarness(events, { email: 'alice@example.com', authTime: now() - 3600 });
  });
  afterEach(() => h.close());

  for (const [action, query] of [
    ['sign-out', 'authkit=sign-out&returnTo=%2F'],
    ['step-up', 'authkit=step-up&maxAge=999999999&mfa=1&returnTo=%2F'],
    ['sign-in', 'authkit=sign-in&returnTo=%2F'],
  ] as const) {
    it(`a cross-site GET ${action} gets a page that asks to continue, and changes nothing`, async () => {
      const session = h.app.get('wos-session');
      const res = await h.kit.handleAuthRoute(h.request(`/callback?${query}`, { headers: CROSS_SITE }));
      expect(res.status).toBe(200);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      const html = await res.text();
      const link = /id="authkit-continue" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&#38;', '&');
      expect(link).toBe(`/callback?${query}`);
      expect(h.app.get('wos-session')).toBe(session);

      // The user's own click on that page is a same-origin navigation, and it proceeds.
      const clicked = await h.kit.handleAuthRoute(h.request(link!, { headers: SAME_ORIGIN }));
      expect(clicked.status).toBe(302);
    });
  }

  it('a cross-site sign-in without a session still starts (an email link to a protected page works)', async () => {
    const fresh = await h.kit.handleAuthRoute(new Request(`${APP}/callback?authkit=sign-in&returnTo=%2Faccount`, { headers: CROSS_SITE }));
    expect(fresh.status).toBe(302);
    expect(fresh.headers.getSetCookie().some((c) => c.includes('-tx-'))).toBe(true);
  });

  it('the provider redirecting back (a cross-site navigation to the callback) still completes', async () => {
    const start = await h.kit.stepUp(h.request('/', { headers: SAME_ORIGIN }), { returnTo: '/billing' });
    const callback = await h.throughIdp(start, {});
    const done = await h.kit.handleCallback(new Request(callback.url, { headers: { ...CROSS_SITE, cookie: callback.headers.get('cookie')! } }));
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/billing');
  });
});

describe('a step-up nobody performed is never recorded as one (§12)', () => {
  let h: Harness;
  const events: StepUpEvent[] = [];
  beforeEach(async () => {
    h = await startRecordingHarness(events);
  });
  afterEach(() => h.close());

  it('a requirement the session already meets does no round trip and writes no audit event', async () => {
    await h.signIn({ email: 'alice@example.com', amr: ['pwd', 'mfa'], authTime: now() - 60 });
    const res = await h.kit.handleAuthRoute(h.request('/callback?authkit=step-up&maxAge=999999999&mfa=1&returnTo=%2Fbilling', { headers: SAME_ORIGIN }));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/billing');
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(events).toEqual([]);
  });

  it('onStepUp says whether the user re-authenticated, and what was asked', async () => {
    const authTime = now() - 100;
    await h.signIn({ email: 'alice@example.com', amr: ['pwd'], authTime });
    // The provider answers from its own session: MFA claims, but the same auth_time.
    const start = await h.kit.stepUp(h.request('/', { headers: SAME_ORIGIN }), { maxAge: 600, mfa: true, returnTo: '/keys' });
    const done = await h.kit.handleCallback(await h.throughIdp(start, { amr: ['pwd', 'otp'], authTime }));
    expect(done.status).toBe(302);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reauthenticated: false, authTime, previousAuthTime: authTime, requirement: { maxAge: 600, mfa: true } });

    const again = await h.kit.stepUp(h.request('/', { headers: SAME_ORIGIN }), { returnTo: '/keys' });
    h.app.store(done);
    await h.kit.handleCallback(await h.throughIdp(again, { amr: ['pwd', 'otp'] }));
    expect(events[1]).toMatchObject({ reauthenticated: true, previousAuthTime: authTime, requirement: { maxAge: 0 } });
  });
});

describe('the resume id goes back only on an accepted step-up (§12)', () => {
  let h: Harness;
  const id = 'rS0m3-one_time-id-ABCDEFGHIJKLMNOPQRSTUVW';
  beforeEach(async () => {
    h = await startHarness();
    await h.signIn({ email: 'alice@example.com', authTime: now() - 3600 });
  });
  afterEach(() => h.close());

  const start = () => h.kit.handleAuthRoute(h.request(`/callback?authkit=step-up&maxAge=300&returnTo=%2Fdanger%23old&resume=${id}`, { headers: SAME_ORIGIN }));

  it('is echoed in the fragment of the redirect after an accepted step-up', async () => {
    const done = await h.kit.handleCallback(await h.throughIdp(await start(), {}));
    expect(done.headers.get('location')).toBe(`/danger#authkit-resume=${id}`);
  });

  it('is not echoed on a cancel, a rejection, or another account', async () => {
    for (const login of [{ authTime: now() - 7200 }, { email: 'bob@example.com' }]) {
      const res = await h.kit.handleCallback(await h.throughIdp(await start(), login));
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).not.toContain(id);
    }
    const begun = await start();
    h.app.store(begun);
    const state = stateOf(begun);
    const cancelled = await h.kit.handleCallback(h.request(`/callback?error=access_denied&state=${state}`));
    expect(await cancelled.text()).not.toContain(id);
  });

  it('a malformed id is ignored, never reflected', async () => {
    const res = await h.kit.handleAuthRoute(h.request('/callback?authkit=step-up&returnTo=%2Fdanger&resume=%3Cscript%3E', { headers: SAME_ORIGIN }));
    const done = await h.kit.handleCallback(await h.throughIdp(res, {}));
    expect(done.headers.get('location')).toBe('/danger');
  });
});

describe('the continue page under a basePath', () => {
  it('links back to the auth route with its base path (Next strips it from request.url in route handlers)', async () => {
    const h = await startHarness({ idp: { redirectUri: `${APP}/app/callback` } });
    try {
      const kit = h.newKit({ redirectUri: `${APP}/app/callback`, basePath: '/app' });
      const res = await kit.handleAuthRoute(new Request(`${APP}/callback?authkit=sign-out&returnTo=%2Fapp`, { headers: CROSS_SITE }));
      const html = await res.text();
      expect(/id="authkit-continue" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&#38;', '&')).toBe('/app/callback?authkit=sign-out&returnTo=%2Fapp');
      expect(html).toContain('href="/app">Cancel');
    } finally {
      await h.close();
    }
  });
});
