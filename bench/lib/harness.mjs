// Signs in through the real flows of the BUILT package (dist/) against the dev IdP, with plain
// Requests — the same route test/helpers/flow.ts takes: signIn -> IdP authorize (nextLogin skips
// the form) -> handleCallback -> sealed `wos-session` cookie.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const APP = 'http://localhost:3000';
export const COOKIE_PASSWORD = 'bench-cookie-password-that-is-at-least-32-chars';

/** The built package. BENCH_DIST points elsewhere (e.g. a private build while others rebuild dist/). */
export const DIST = process.env.BENCH_DIST ?? join(ROOT, 'dist');
export const dist = (path) => import(pathToFileURL(join(DIST, path)).href);

/** The glue-level read (`needsRefresh`, rotated cookies) that the public AuthKit does not expose. */
export async function resolveSession(kit, cookieHeader, mode) {
  const { internal } = await dist('core/internal.js');
  return internal(kit).resolveSession(cookieHeader, mode);
}

/**
 * A browser cookie jar for the app: test/helpers/jar.ts, the one the tests use. That file is
 * TypeScript (with no imports), so it is loaded on first use through test/helpers/ts-register.mjs
 * (a no-op when the process already has it); scripts that only want ROOT or DIST load no TypeScript.
 */
export async function newJar() {
  await import('../../test/helpers/ts-register.mjs');
  const { Jar } = await import('../../test/helpers/jar.js');
  return new Jar();
}

/** The variables that point both SDKs at the dev IdP (authkit-nextjs reads them when its modules load). */
export function devIdpEnv(idp) {
  const api = new URL(idp.url);
  return {
    WORKOS_CLIENT_ID: idp.clientId,
    WORKOS_API_KEY: idp.apiKey,
    WORKOS_COOKIE_PASSWORD: COOKIE_PASSWORD,
    WORKOS_REDIRECT_URI: `${APP}/callback`,
    NEXT_PUBLIC_WORKOS_REDIRECT_URI: `${APP}/callback`,
    WORKOS_API_HOSTNAME: api.hostname,
    WORKOS_API_PORT: api.port,
    WORKOS_API_HTTPS: 'false',
  };
}

/** Points both SDKs at the dev IdP through this process's environment. */
export function useDevIdpEnv(idp) {
  Object.assign(process.env, devIdpEnv(idp));
}

/** Kit options pointing at `idp`. */
export function kitOptions(idp, extra = {}) {
  return {
    clientId: idp.clientId,
    apiKey: idp.apiKey,
    redirectUri: `${APP}/callback`,
    cookiePassword: COOKIE_PASSWORD,
    apiUrl: idp.url,
    env: {},
    ...extra,
  };
}

/**
 * One complete sign-in. Returns the app's cookie jar (holding the session cookie or its chunks)
 * and the callback's final response (for its Set-Cookie headers).
 */
export async function signIn(kit, idp, login = {}) {
  const app = await newJar();
  const start = await kit.signIn(new Request(new URL('/', APP)), { returnTo: '/dashboard' });
  if (![302, 303].includes(start.status)) throw new Error(`sign-in did not redirect (${start.status})`);
  app.store(start);
  idp.nextLogin(login);
  const authorize = await fetch(start.headers.get('location'), { redirect: 'manual' });
  await authorize.arrayBuffer();
  if (authorize.status !== 302) throw new Error(`the dev IdP did not redirect back (${authorize.status})`);
  const callback = new Request(new URL(authorize.headers.get('location'), APP), { headers: { cookie: app.header() } });
  const done = await kit.handleCallback(callback);
  if (done.status !== 302) throw new Error(`callback failed (${done.status}): ${await done.text()}`);
  app.store(done);
  return { app, done };
}
