/**
 * The server glue (src/server) against the dev IdP: a harness (signed-in browser jar, configured
 * kit) whose kit is also the process-wide instance `getAuthKit()` returns, as `configureAuthKit`
 * makes it in an app. Needs the Next stubs installed in the test file (see next-stubs.ts).
 */
import { afterEach, beforeEach, vi } from 'vitest';
import type { AuthKit, AuthKitOptions } from '../../src/index.js';
import { configureAuthKit } from '../../src/server/index.js';
import type { DevIdpOptions } from '../../src/testing/types.js';
import { APP, COOKIE_PASSWORD, startHarness, type Harness } from './flow.js';

export interface ServerApp extends Harness {
  /** The instance the server glue uses (`getAuthKit()`). */
  server: AuthKit;
}

export async function startServerApp(options: { idp?: DevIdpOptions; kit?: AuthKitOptions } = {}): Promise<ServerApp> {
  const kitOptions: AuthKitOptions = { cookiePassword: COOKIE_PASSWORD, ...options.kit };
  const h = await startHarness({ idp: options.idp, kit: kitOptions });
  const server = configureAuthKit({
    clientId: h.idp.clientId,
    apiKey: h.idp.apiKey,
    redirectUri: `${APP}/callback`,
    apiUrl: h.idp.url,
    env: {},
    ...kitOptions,
  });
  return Object.assign(h, { server });
}

/**
 * For the enclosing file or describe block: a fresh server app before each test, handed to `use`;
 * after it, the real clock back and the app closed.
 *
 *     let app: ServerApp;
 *     serverAppPerTest((next) => (app = next));
 */
export function serverAppPerTest(use: (app: ServerApp) => void, options: { idp?: DevIdpOptions; kit?: AuthKitOptions } = {}): void {
  let app: ServerApp | undefined;
  beforeEach(async () => {
    app = await startServerApp(options);
    use(app);
  });
  afterEach(async () => {
    vi.useRealTimers();
    await app?.close();
  });
}

/** Epoch seconds. */
export const now = (): number => Math.floor(Date.now() / 1000);

/** A JWT: three base64url segments, the first a JSON header (`eyJ`). */
export const JWT_SHAPED = /eyJ[\w-]*\.[\w-]+\.[\w-]*/;
