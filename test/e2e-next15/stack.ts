/**
 * The Next 15 system under test: the dev identity provider, taken from the authkit-stepup the app
 * installed from the tarball (`authkit-stepup/testing`, resolved through its `exports`), and
 * `next start` of the app's own Next 15, wired together by environment.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DevIdpOptions } from '../../src/testing/index.js';
import { ROOT, devIdpEnv, freePort, startNext, waitForHttp } from '../../scripts/lib/app.mjs';
import type { Stack } from '../e2e/stack.js';

type Testing = typeof import('../../src/testing/index.js');

export function installedTesting(appDir: string): Promise<Testing> {
  const entry = createRequire(join(appDir, 'package.json')).resolve('authkit-stepup/testing');
  return import(pathToFileURL(entry).href) as Promise<Testing>;
}

/** next.config.ts of the compat app: `basePath: '/app'`, `trailingSlash: true`. */
export const BASE_PATH = '/app';

export interface Next15Stack extends Stack {
  /** The app's home under its base path, with the trailing slash: `http://localhost:<port>/app/`. */
  appUrl: string;
  /** WORKOS_REDIRECT_URI: `<origin>/app/callback/` (the route as trailingSlash serves it). */
  redirectUri: string;
}

export async function startNext15Stack(options: { appDir: string; logName: string; idp?: Omit<DevIdpOptions, 'port' | 'redirectUri'> }): Promise<Next15Stack> {
  const testing = await installedTesting(options.appDir);
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  // With trailingSlash, Next serves the route handler at /app/callback/ (and 308s /app/callback
  // there). The dev IdP matches redirect_uri exactly, so it is registered with the same slash.
  const redirectUri = `${baseUrl}${BASE_PATH}/callback/`;
  const idp = await testing.startDevIdp({ ...options.idp, port: 0, redirectUri });

  const outDir = join(ROOT, 'test-results');
  mkdirSync(outDir, { recursive: true });
  const log = createWriteStream(join(outDir, options.logName));
  const next = startNext({
    cwd: options.appDir,
    port,
    env: { ...devIdpEnv(idp, redirectUri, randomBytes(32).toString('base64url')), AUTHKIT_BASE_PATH: BASE_PATH },
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
    await waitForHttp(`${baseUrl}${BASE_PATH}/auth-error/`, { child: next.child });
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, appUrl: `${baseUrl}${BASE_PATH}/`, redirectUri, idp, stop };
}
