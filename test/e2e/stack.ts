/**
 * The system under test: the dev identity provider (built `authkit-stepup/testing`) on a random
 * port and `next start` of the built example app on a free port, wired together by environment.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DevIdp, DevIdpOptions } from '../../src/testing/index.js';
import { ROOT, devIdpEnv, freePort, startNext, waitForHttp } from '../../scripts/lib/app.mjs';

export interface Stack {
  baseUrl: string;
  idp: DevIdp;
  stop(): Promise<void>;
}

export async function startStack(options: { logName: string; idp?: Omit<DevIdpOptions, 'port' | 'redirectUri'> }): Promise<Stack> {
  const testing = (await import(pathToFileURL(join(ROOT, 'dist', 'testing', 'index.js')).href)) as typeof import('../../src/testing/index.js');
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const redirectUri = `${baseUrl}/callback`;
  const idp = await testing.startDevIdp({ ...options.idp, port: 0, redirectUri });

  const outDir = join(ROOT, 'test-results');
  mkdirSync(outDir, { recursive: true });
  const log = createWriteStream(join(outDir, options.logName));
  const next = startNext({ port, env: devIdpEnv(idp, redirectUri, randomBytes(32).toString('base64url')), stdio: ['ignore', 'pipe', 'pipe'] });
  next.child.stdout?.pipe(log);
  next.child.stderr?.pipe(log);

  const stop = async () => {
    await next.stop();
    log.end();
    await idp.close();
  };
  try {
    await waitForHttp(`${baseUrl}/auth-error`, { child: next.child });
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, idp, stop };
}
