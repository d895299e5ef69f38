/**
 * Once per Next 15 e2e run: build the package if src/ changed, `npm pack` it, install the tarball
 * into a copy of test/compat/next15-app (its lockfile: Next 15, React 19) outside the repository,
 * `next build` when anything changed, check that middleware.ts was built for the Edge runtime, and
 * start the dev IdP and `next start`. AUTHKIT_NEXT15_VERSION=15.2.3 tries another Next 15 release
 * (installed with --no-save, in a directory of its own).
 */
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ROOT } from '../../scripts/lib/app.mjs';
import { prepareCompatApp } from '../../scripts/lib/compat.mjs';
import { e2eContext } from '../e2e/stack.js';
import type { Next15Context } from './context.js';
import { startNext15Stack } from './stack.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[e2e-next15] ${line}`);
  const started = Date.now();
  const app = await prepareCompatApp({
    nextVersion: process.env.AUTHKIT_NEXT15_VERSION || undefined,
    log,
    logFile: join(ROOT, 'test-results', 'next15-build.log'),
  });
  const timings = Object.entries(app.timings).map(([k, ms]) => `${k.replace(/Ms$/, '')} ${(ms / 1000).toFixed(1)} s`);
  log(`next@${app.nextVersion}, react@${app.reactVersion}, ${app.tarball.filename} (${app.tarball.files.length} files); middleware: ${app.middleware.runtime}`);
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${timings.join(', ')})`);

  const stack = await startNext15Stack({ appDir: app.appDir, logName: 'next15-server.log' });
  log(`app on ${stack.baseUrl}, dev IdP on ${stack.idp.url} (server log: test-results/next15-server.log)`);

  const next15: Next15Context = {
    appDir: app.appDir,
    nextVersion: app.nextVersion,
    reactVersion: app.reactVersion,
    tarball: { filename: app.tarball.filename, sha256: app.tarball.sha256, files: app.tarball.files },
    middleware: app.middleware,
  };
  project.provide('e2e', e2eContext(stack));
  project.provide('next15', next15);
  return async () => {
    await stack.stop();
  };
}
