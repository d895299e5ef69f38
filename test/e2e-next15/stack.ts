/**
 * The Next 15 system under test: test/e2e's stack (`startStack`) for the compat app, with the dev
 * identity provider taken from the authkit-stepup the app installed from the tarball
 * (`authkit-stepup/testing`, resolved through its `exports`), `next start` of the app's own
 * Next 15, and the app's base path.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startStack, type Stack, type StackOptions, type Testing } from '../e2e/stack.js';

export function installedTesting(appDir: string): Promise<Testing> {
  const entry = createRequire(join(appDir, 'package.json')).resolve('authkit-stepup/testing');
  return import(pathToFileURL(entry).href) as Promise<Testing>;
}

/** next.config.ts of the compat app: `basePath: '/app'`, `trailingSlash: true`. */
export const BASE_PATH = '/app';

/**
 * The compat app in `appDir` (built) under /app: `stack.appUrl` is `http://localhost:<port>/app/`,
 * the redirect URI `<origin>/app/callback/` (the route as trailingSlash serves it), and the
 * SDK gets AUTHKIT_BASE_PATH=/app.
 */
export async function startNext15Stack(options: Pick<StackOptions, 'logName' | 'idp'> & { appDir: string }): Promise<Stack> {
  return startStack({ ...options, testing: await installedTesting(options.appDir), basePath: BASE_PATH, trailingSlash: true });
}
