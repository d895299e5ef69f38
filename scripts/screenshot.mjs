#!/usr/bin/env node
// Regenerates docs/screenshot-step-up.png: the example app's danger zone for a session whose
// sign-in is 20 minutes old, as real Chromium renders it. Usage: node scripts/screenshot.mjs
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ROOT, devIdpEnv, ensureBuilt, freePort, startNext, waitForHttp } from './lib/app.mjs';

const out = join(ROOT, 'docs', 'screenshot-step-up.png');
await ensureBuilt();
const { startDevIdp } = await import(pathToFileURL(join(ROOT, 'dist', 'testing', 'index.js')).href);
const port = await freePort();
const base = `http://localhost:${port}`;
const idp = await startDevIdp({ port: 0, redirectUri: `${base}/callback` });
const next = startNext({ port, env: devIdpEnv(idp, `${base}/callback`, randomBytes(32).toString('base64url')), stdio: ['ignore', 'ignore', 'inherit'] });
let browser;
try {
  await waitForHttp(`${base}/auth-error`, { child: next.child });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 820 }, deviceScaleFactor: 1 });
  idp.nextLogin({ email: 'alice@example.com', authTime: Math.floor(Date.now() / 1000) - 20 * 60 });
  await page.goto(base);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('session-id').waitFor();
  await page.goto(`${base}/settings/danger`);
  await page.getByTestId('danger-status').waitFor();
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser?.close();
  await next.stop();
  await idp.close();
}
