import { createAuthKit, type AuthKit, type AuthKitOptions, type StepUpEvent } from '../../src/index.js';
import { startDevIdp } from '../../src/testing/index.js';
import type { DevIdp, DevIdpOptions, NextLoginOptions } from '../../src/testing/types.js';

/** The app's origin in every test: the redirect URI is `${APP}/callback`. */
export const APP = 'http://localhost:3000';

/** The cookie password of every test kit (and of every seal a test makes or reads as the app's own). */
export const COOKIE_PASSWORD = 'test-password-that-is-at-least-32-chars';
/**
 * A valid password that is not the app's: a seal made with it is someone else's, and the kit must
 * read it as nothing. Distinct from `COOKIE_PASSWORD` on purpose.
 */
export const FOREIGN_PASSWORD = 'another-password-that-is-32-chars-long!';

/** Fetch Metadata a browser sends: a navigation from this site, one from another site, a prefetch or RSC fetch. */
export const SAME_ORIGIN = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-site': 'same-origin' };
export const CROSS_SITE = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-site': 'cross-site' };
export const PREFETCH = { 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty', 'sec-fetch-site': 'same-origin' };

export { Jar } from './jar.js';
import { Jar } from './jar.js';

/** A request to the app as the browser holding `jar` sends it: the jar's cookies, unless `init` sets its own. */
export function appRequest(jar: Jar, path: string, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  if (!headers.has('cookie')) headers.set('cookie', jar.header());
  return new Request(new URL(path, APP), { ...init, headers });
}

/** Leaves the app for the provider: throws unless `start` is a flow start's redirect (302/303); `jar` keeps its transaction cookie. */
export async function leaveApp(jar: Jar, start: Response): Promise<void> {
  if (![302, 303].includes(start.status)) throw new Error(`expected a redirect, got ${start.status}: ${await start.text()}`);
  jar.store(start);
}

/** A sign-in from `/`: the flow start, the provider round trip `through`, the callback; the app jar keeps the session. */
export async function signInThrough(
  h: { kit: AuthKit; app: Jar; request(path: string): Request },
  through: (start: Response) => Promise<Request>,
  returnTo: string,
): Promise<Response> {
  const done = await h.kit.handleCallback(await through(await h.kit.signIn(h.request('/'), { returnTo })));
  h.app.store(done);
  return done;
}

export interface Harness {
  idp: DevIdp;
  kit: AuthKit;
  /** The browser's cookies for the app (localhost:3000). */
  app: Jar;
  /** The browser's cookies for the IdP. */
  idpJar: Jar;
  request(path: string, init?: RequestInit): Request;
  /** Follows an app redirect to the IdP, lets `nextLogin` complete it, and returns the callback request. */
  throughIdp(start: Response, login?: NextLoginOptions): Promise<Request>;
  signIn(login?: NextLoginOptions, returnTo?: string): Promise<Response>;
  newKit(options?: AuthKitOptions): AuthKit;
  close(): Promise<void>;
}

export async function startHarness(options: { idp?: DevIdpOptions; kit?: AuthKitOptions } = {}): Promise<Harness> {
  const idp = await startDevIdp({ redirectUri: `${APP}/callback`, ...options.idp });
  const newKit = (extra: AuthKitOptions = {}) =>
    createAuthKit({
      clientId: idp.clientId,
      apiKey: idp.apiKey,
      redirectUri: `${APP}/callback`,
      cookiePassword: COOKIE_PASSWORD,
      apiUrl: idp.url,
      env: {},
      ...options.kit,
      ...extra,
    });
  const h: Harness = {
    idp,
    kit: newKit(),
    app: new Jar(),
    idpJar: new Jar(),
    newKit,
    request: (path, init) => appRequest(h.app, path, init),
    async throughIdp(start, login) {
      await leaveApp(h.app, start);
      if (login) idp.nextLogin(login);
      const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual', headers: { cookie: h.idpJar.header() } });
      h.idpJar.store(authorize);
      if (authorize.status !== 302) throw new Error(`IdP did not redirect back (${authorize.status})`);
      return h.request(authorize.headers.get('location')!);
    },
    signIn: (login = {}, returnTo = '/dashboard') => signInThrough(h, (start) => h.throughIdp(start, login), returnTo),
    close: () => idp.close(),
  };
  return h;
}

/** A harness whose kit records its `onStepUp` events in `events` (emptied first), signed in with `signIn` when given. */
export async function startRecordingHarness(events: StepUpEvent[], signIn?: NextLoginOptions): Promise<Harness> {
  events.length = 0;
  const h = await startHarness({ kit: { onStepUp: (e) => void events.push(e) } });
  if (signIn) await h.signIn(signIn);
  return h;
}
