import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../src/index.js';
import { APP, startHarness, type Harness } from '../helpers/flow.js';
import { txCookieOf } from '../helpers/transactions.js';
import { isSameOriginPath, returnToArb, runs, sessionSetCookies } from './support/checks.js';

// Invariant 6, by property: whatever `returnTo` an attacker writes into a link, the browser ends
// up on this origin. Checked on the helper and on the Location of every flow that redirects to it.
describe('returnTo is always a same-origin relative path (invariant 6)', () => {
  it('safeReturnTo: any input gives a path the browser resolves on this origin, and is idempotent', () => {
    fc.assert(
      fc.property(returnToArb, (value) => {
        const out = safeReturnTo(value);
        expect(isSameOriginPath(out), `safeReturnTo(${JSON.stringify(value)}) = ${JSON.stringify(out)}`).toBe(true);
        // What we hand out must pass our own check unchanged, or a later hop (a link, another
        // redirect through the auth route) could turn it into something else.
        expect(safeReturnTo(out)).toBe(out);
      }),
      { numRuns: runs(3000) },
    );
  });

  it('dot segments cannot collapse a path into a protocol-relative URL', () => {
    // `new URL('/.//evil', base).pathname` is `//evil`: resolving dot segments after the `//` check
    // re-creates what the check refused.
    for (const value of ['/.//evil.example', '/a/..//evil.example', '/..//evil.example', '/%2e//evil.example', '/%2e%2e//evil.example/x?y#z']) {
      expect(isSameOriginPath(safeReturnTo(value)), JSON.stringify(value)).toBe(true);
    }
  });

  describe('through the flows', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness();
    });
    afterAll(() => h.close());

    it('the auth route (refresh, sign-out) redirects only to same-origin paths', async () => {
      const kit = h.newKit();
      await fc.assert(
        fc.asyncProperty(returnToArb, fc.constantFrom('refresh', 'sign-out'), async (value, action) => {
          // Signed out: both actions answer with a redirect straight to returnTo.
          const res = await kit.handleAuthRoute(new Request(`${APP}/callback?authkit=${action}&returnTo=${encodeURIComponent(value)}`));
          expect(res.status).toBe(302);
          const location = res.headers.get('location');
          expect(isSameOriginPath(location), `${action} returnTo=${JSON.stringify(value)} → ${location}`).toBe(true);
        }),
        { numRuns: runs(1500) },
      );
    });

    it('a full sign-in (returnTo option, or the Referer of a form post) lands on a same-origin path', async () => {
      const kit = h.newKit();
      const before = h.idp.stats().codeExchanges;
      let signIns = 0;
      await fc.assert(
        fc.asyncProperty(returnToArb, fc.boolean(), async (value, viaReferer) => {
          signIns++;
          const start = viaReferer
            ? await kit.signIn(new Request(`${APP}/`, { method: 'POST', headers: { referer: `${APP}${value.startsWith('/') ? '' : '/'}${encodeURI(value)}` } }))
            : await kit.signIn(new Request(`${APP}/`), { returnTo: value });
          const tx = txCookieOf(start).pair;
          h.idp.nextLogin({});
          const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual' });
          expect(authorize.status).toBe(302);
          const done = await kit.handleCallback(new Request(authorize.headers.get('location')!, { headers: { cookie: tx } }));
          expect(done.status).toBe(302);
          expect(sessionSetCookies(done)).toHaveLength(1);
          const location = done.headers.get('location');
          expect(isSameOriginPath(location), `returnTo=${JSON.stringify(value)} (referer: ${viaReferer}) → ${location}`).toBe(true);
        }),
        // Each run is a real sign-in against the dev IdP (RSA signing on every code exchange).
        { numRuns: Math.max(50, Math.floor(runs(1500) / 10)) },
      );
      expect(h.idp.stats().codeExchanges - before).toBe(signIns);
    });
  });
});
