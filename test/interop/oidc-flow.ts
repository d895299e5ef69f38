import { createAuthKit, oidc, type AuthKit, type AuthKitOptions, type OidcOptions } from '../../src/index.js';
import { parseCookieHeader } from '../../src/core/cookies.js';
import { readSessionSeal, unsealSession } from '../../src/core/session-cookie.js';
import type { Session } from '../../src/core/types.js';
import { APP, appRequest, COOKIE_PASSWORD, Jar, leaveApp, signInThrough } from '../helpers/flow.js';
import { RESOURCE, startOp, type OpLogin, type OpOptions, type TestOp } from './op-server.js';

export interface OidcHarness {
  op: TestOp;
  kit: AuthKit;
  app: Jar;
  opJar: Jar;
  request(path: string, init?: RequestInit): Request;
  /** Follows an app redirect through the OP (authorize, our interaction route, resume) back to the app's callback. */
  throughOp(start: Response, login?: OpLogin): Promise<Request>;
  signIn(login?: OpLogin, returnTo?: string): Promise<Response>;
  /** The session sealed in the app jar's cookie (throws when there is none). */
  session(): Promise<Session>;
  /**
   * Follows an RP-initiated logout URL at the OP: loads its confirmation page and submits it ("yes"),
   * the OP jar keeping its cookies. `page` is the confirmation page (its body read), `confirmed` the OP's answer to the submission.
   */
  confirmLogout(logout: URL): Promise<{ page: Response; confirmed: Response }>;
  newKit(extra?: AuthKitOptions, oidcOptions?: OidcOptions): AuthKit;
  close(): Promise<void>;
}

export async function startOidcHarness(options: { op: OpOptions; kit?: AuthKitOptions; oidc?: OidcOptions }): Promise<OidcHarness> {
  const op = await startOp(options.op);
  const newKit = (extra: AuthKitOptions = {}, oidcOptions: OidcOptions = {}) =>
    createAuthKit({
      provider: oidc({ issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret, resource: RESOURCE, ...options.oidc, ...oidcOptions }),
      redirectUri: `${APP}/callback`,
      cookiePassword: COOKIE_PASSWORD,
      env: {},
      ...options.kit,
      ...extra,
    });
  const h: OidcHarness = {
    op,
    kit: newKit(),
    app: new Jar(),
    opJar: new Jar(),
    newKit,
    request: (path, init) => appRequest(h.app, path, init),
    async throughOp(start, login) {
      await leaveApp(h.app, start);
      if (login) op.nextLogin(login);
      let location = start.headers.get('location')!;
      for (let hop = 0; hop < 10; hop++) {
        if (location.startsWith(APP)) return h.request(location);
        let response = await fetch(new URL(location, op.issuer), { redirect: 'manual', headers: { cookie: h.opJar.header() } });
        h.opJar.store(response);
        if (response.status === 200) {
          // An account switch: oidc-provider ends the old OP session with a self-submitting form first.
          const html = await response.text();
          const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
          if (!action) throw new Error(`the OP answered 200 at ${location}: ${html.slice(0, 500)}`);
          const fields = new URLSearchParams([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1]!, m[2]!]));
          response = await fetch(new URL(action, op.issuer), {
            method: 'POST',
            redirect: 'manual',
            headers: { cookie: h.opJar.header(), 'content-type': 'application/x-www-form-urlencoded' },
            body: fields,
          });
          h.opJar.store(response);
        }
        const next = response.headers.get('location');
        if (!next) throw new Error(`the OP answered ${response.status} at ${location}: ${(await response.text()).slice(0, 500)}`);
        location = next;
      }
      throw new Error('the OP redirected more than 10 times');
    },
    signIn: (login = {}, returnTo = '/dashboard') => signInThrough(h, (start) => h.throughOp(start, login), returnTo),
    async session() {
      const seal = readSessionSeal(parseCookieHeader(h.app.header()), 'wos-session');
      const session = seal ? await unsealSession(seal, COOKIE_PASSWORD) : null;
      if (!session) throw new Error('no session cookie');
      return session;
    },
    async confirmLogout(logout) {
      const page = await fetch(logout, { headers: { cookie: h.opJar.header() } });
      h.opJar.store(page);
      const html = await page.text();
      const action = /action="([^"]+)"/.exec(html)?.[1];
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
      if (!action || !xsrf) throw new Error(`no logout confirmation form (${page.status}): ${html.slice(0, 500)}`);
      const confirmed = await fetch(new URL(action.replace(/&amp;/g, '&'), op.issuer), {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: h.opJar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ xsrf, logout: 'yes' }),
      });
      h.opJar.store(confirmed);
      return { page, confirmed };
    },
    close: () => op.close(),
  };
  return h;
}
