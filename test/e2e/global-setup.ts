/**
 * Once per e2e run: build the package and the example app if their sources changed, start the
 * dev identity provider (port 0) and `next start` on a free port, and stop both at the end.
 *
 * `nextLogin()` is a function on the IdP object, which lives in this (main) process while tests
 * run in a worker, so a small loopback control server exposes it to the tests.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import type { DevIdp } from '../../src/testing/index.js';
import { ensureBuilt } from '../../scripts/lib/app.mjs';
import type { E2EContext } from './context.js';
import { startStack } from './stack.js';

function startControl(idp: DevIdp): Promise<Server> {
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      try {
        if (req.method === 'POST' && req.url === '/next-login') {
          idp.nextLogin(raw ? JSON.parse(raw) : {});
          return send(200, { ok: true });
        }
        if (req.method === 'GET' && req.url === '/stats') return send(200, idp.stats());
        send(404, { error: 'not_found' });
      } catch (error) {
        send(400, { error: String(error) });
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[e2e] ${line}`);
  const timings = await ensureBuilt({ log, quiet: true });
  if (timings.packageBuildMs !== undefined) log(`package built in ${(timings.packageBuildMs / 1000).toFixed(1)} s`);
  if (timings.nextBuildMs !== undefined) log(`next build took ${(timings.nextBuildMs / 1000).toFixed(1)} s`);

  const stack = await startStack({ logName: 'next-server.log' });
  const control = await startControl(stack.idp);
  log(`app on ${stack.baseUrl}, dev IdP on ${stack.idp.url} (server log: test-results/next-server.log)`);

  const context: E2EContext = {
    baseUrl: stack.baseUrl,
    idpUrl: stack.idp.url,
    controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
    users: stack.idp.users.map((u) => ({ email: u.email, password: u.password, mfaCode: u.mfa?.code })),
  };
  project.provide('e2e', context);
  return async () => {
    await new Promise<void>((resolve) => control.close(() => resolve()));
    await stack.stop();
  };
}
