import { APP, COOKIE_PASSWORD, Jar, type Harness } from './flow.js';
import type { WorkerConfig } from './refresh-worker.js';
import { internal } from '../../src/core/internal.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Signs a user in, in a new provider session each time (a fresh browser). */
export async function freshSession(h: Harness, email = 'alice@example.com') {
  h.app = new Jar();
  h.idpJar = new Jar(); // a new provider session, not a re-authentication of the last one
  await h.signIn({ email });
  const cookie = h.app.header();
  const before = await h.kit.getSession(cookie);
  if (!before) throw new Error('sign-in produced no session');
  return { cookie, seal: h.app.get('wos-session')!, before };
}

/** Waits until the session's access token has expired (the harness kit must use `clockTolerance: 0`). */
export async function untilExpired(h: Harness, session: { cookie: string; before: { expiresAt: number } }) {
  await sleep(session.before.expiresAt * 1000 - Date.now() + 100);
  const probe = await internal(h.kit).resolveSession(session.cookie, 'never');
  if (probe.auth || !probe.needsRefresh) throw new Error('the access token did not expire');
}

/** A signed-in session whose access token has expired, as a browser coming back to a tab holds. */
export async function expiredSession(h: Harness, email = 'alice@example.com') {
  const session = await freshSession(h, email);
  await untilExpired(h, session);
  return session;
}

/** How a worker process reaches the harness's dev IdP (directly, or through `apiUrl`). */
export function workerConfig(h: Harness, extra: Partial<WorkerConfig> = {}): WorkerConfig {
  return { clientId: h.idp.clientId, apiKey: h.idp.apiKey, apiUrl: h.idp.url, issuer: h.idp.url, cookiePassword: COOKIE_PASSWORD, redirectUri: `${APP}/callback`, ...extra };
}
