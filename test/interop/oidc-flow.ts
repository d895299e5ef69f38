import { createAuthKit, oidc, type AuthKit, type AuthKitOptions, type OidcOptions } from '../../src/index.js';
import { Jar } from '../helpers/flow.js';
import { APP, RESOURCE, startOp, type OpLogin, type OpOptions, type TestOp } from './op-server.js';

export interface OidcHarness {
  op: TestOp;
  kit: AuthKit;
  app: Jar;
  opJar: Jar;
  request(path: string, init?: RequestInit): Request;
  /** Follows an app redirect through the OP (authorize, our interaction route, resume) back to the app's callback. */
  throughOp(start: Response, login?: OpLogin): Promise<Request>;
  signIn(login?: OpLogin, returnTo?: string): Promise<Response>;
  newKit(extra?: AuthKitOptions, oidcOptions?: OidcOptions): AuthKit;
  close(): Promise<void>;
}

export async function startOidcHarness(options: { op: OpOptions; kit?: AuthKitOptions; oidc?: OidcOptions }): Promise<OidcHarness> {
  const op = await startOp(options.op);
  const newKit = (extra: AuthKitOptions = {}, oidcOptions: OidcOptions = {}) =>
    createAuthKit({
      provider: oidc({ issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret, resource: RESOURCE, ...options.oidc, ...oidcOptions }),
      redirectUri: `${APP}/callback`,
      cookiePassword: 'test-password-that-is-at-least-32-chars',
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
    request(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('cookie')) headers.set('cookie', h.app.header());
      return new Request(new URL(path, APP), { ...init, headers });
    },
    async throughOp(start, login) {
      if (![302, 303].includes(start.status)) throw new Error(`expected a redirect, got ${start.status}: ${await start.text()}`);
      h.app.store(start);
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
    async signIn(login = {}, returnTo = '/dashboard') {
      const callback = await h.throughOp(await h.kit.signIn(h.request('/'), { returnTo }), login);
      const done = await h.kit.handleCallback(callback);
      h.app.store(done);
      return done;
    },
    close: () => op.close(),
  };
  return h;
}
