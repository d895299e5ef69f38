/**
 * Once per e2e run: build the package and the example app if their sources changed, start the
 * dev identity provider (port 0) and `next start` on a free port, and stop both at the end.
 * The tests run in a worker; they reach `nextLogin()`/`stats()` of this process's IdP through its
 * control endpoints (`/dev-idp/control/*`, authorised by the API key).
 */
import type { TestProject } from 'vitest/node';
import { ensureBuilt } from '../../scripts/lib/app.mjs';
import { e2eContext, startStack } from './stack.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[e2e] ${line}`);
  const timings = await ensureBuilt({ log, quiet: true });
  if (timings.packageBuildMs !== undefined) log(`package built in ${(timings.packageBuildMs / 1000).toFixed(1)} s`);
  if (timings.nextBuildMs !== undefined) log(`next build took ${(timings.nextBuildMs / 1000).toFixed(1)} s`);

  const stack = await startStack({ logName: 'next-server.log' });
  log(`app on ${stack.baseUrl}, dev IdP on ${stack.idp.url} (server log: test-results/next-server.log)`);

  project.provide('e2e', e2eContext(stack));
  return async () => {
    await stack.stop();
  };
}
