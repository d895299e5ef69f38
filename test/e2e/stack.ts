/**
 * The system under test: the dev identity provider on a random port and `next start` of a built
 * app on a free port, wired together by environment. By default the example app, with the dev IdP
 * of the built `authkit-stepup/testing` (dist/); test/e2e-next15 starts its compat app (its own
 * Next, its installed copy of the package, a base path) through the same function.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DevIdp, DevIdpOptions } from '../../src/testing/index.js';
import { ROOT, devIdpEnv, freePort, startNext, waitForHttp } from '../../scripts/lib/app.mjs';
import { pageUrl, type AppLocation, type E2EContext } from './context.js';

export type Testing = typeof import('../../src/testing/index.js');

export interface Stack extends AppLocation {
  /** The app's home under its base path: `http://localhost:<port>/` (`…/app/` under `/app`, with trailingSlash). */
  appUrl: string;
  /** WORKOS_REDIRECT_URI: the app's /callback under its base path, as Next serves it (`/app/callback/`). */
  redirectUri: string;
  idp: DevIdp;
  stop(): Promise<void>;
}

export interface StackOptions {
  logName: string;
  idp?: Omit<DevIdpOptions, 'port' | 'redirectUri'>;
  /** The built app to `next start`, with its own Next; the example app when absent. */
  appDir?: string;
  /** Where the dev IdP comes from; the built dist/testing when absent. */
  testing?: Testing;
  /** next.config's `basePath` (also AUTHKIT_BASE_PATH for the SDK); `''` when absent. */
  basePath?: string;
  /** next.config's `trailingSlash`. */
  trailingSlash?: boolean;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const testing = options.testing ?? ((await import(pathToFileURL(join(ROOT, 'dist', 'testing', 'index.js')).href)) as Testing);
  const basePath = options.basePath ?? '';
  const port = await freePort();
  const app: AppLocation = { baseUrl: `http://localhost:${port}`, basePath, trailingSlash: options.trailingSlash ?? false };
  // With trailingSlash, Next serves the route handler at /callback/ (and 308s /callback there).
  // The dev IdP matches redirect_uri exactly, so it is registered as Next serves it.
  const redirectUri = pageUrl(app, '/callback');
  const idp = await testing.startDevIdp({ ...options.idp, port: 0, redirectUri });

  const outDir = join(ROOT, 'test-results');
  mkdirSync(outDir, { recursive: true });
  const log = createWriteStream(join(outDir, options.logName));
  const env = devIdpEnv(idp, redirectUri, randomBytes(32).toString('base64url'));
  const next = startNext({
    cwd: options.appDir,
    port,
    env: basePath ? { ...env, AUTHKIT_BASE_PATH: basePath } : env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  next.child.stdout?.pipe(log);
  next.child.stderr?.pipe(log);

  const stop = async () => {
    await next.stop();
    log.end();
    await idp.close();
  };
  try {
    await waitForHttp(pageUrl(app, '/auth-error'), { child: next.child });
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...app, appUrl: pageUrl(app), redirectUri, idp, stop };
}

/** What a global setup provides to the tests (`inject('e2e')`) about its stack. */
export function e2eContext(stack: Stack): E2EContext {
  return {
    baseUrl: stack.baseUrl,
    basePath: stack.basePath,
    trailingSlash: stack.trailingSlash,
    idpUrl: stack.idp.url,
    idpApiKey: stack.idp.apiKey,
    users: stack.idp.users.map((u) => ({ email: u.email, password: u.password, mfaCode: u.mfa?.code })),
  };
}
