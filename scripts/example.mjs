#!/usr/bin/env node
// `npm run example`: build what changed, start the dev identity provider (unless real WorkOS
// credentials are set) and `next start` the example app. Ctrl-C stops both.
//
//   npm run example              # dev IdP on :8787, app on :3000
//   npm run example -- --rebuild # rebuild the package and the app first
//   PORT=4000 npm run example    # app elsewhere (the dev IdP's redirect URI follows)
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, devIdpEnv, ensureBuilt, startNext, waitForHttp } from './lib/app.mjs';

const REAL_WORKOS_VARS = ['WORKOS_CLIENT_ID', 'WORKOS_API_KEY', 'WORKOS_REDIRECT_URI', 'WORKOS_COOKIE_PASSWORD'];
const args = new Set(process.argv.slice(2));
if (args.has('--help') || args.has('-h')) {
  console.log('Usage: npm run example [-- --rebuild]\n\nEnvironment: PORT (default 3000), DEV_IDP_PORT (default 8787).\nSet WORKOS_CLIENT_ID, WORKOS_API_KEY, WORKOS_REDIRECT_URI and WORKOS_COOKIE_PASSWORD to use real WorkOS instead of the dev IdP.');
  process.exit(0);
}

const realWorkos = REAL_WORKOS_VARS.every((name) => (process.env[name] ?? '').trim() !== '');
const port = Number(process.env.PORT ?? (realWorkos ? new URL(process.env.WORKOS_REDIRECT_URI).port || 3000 : 3000));
const idpPort = Number(process.env.DEV_IDP_PORT ?? 8787);
const appUrl = `http://localhost:${port}`;

let idp;
let next;
let stopping = false;

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  await next?.stop().catch(() => {});
  await idp?.close().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => {
  if (stopping) process.exit(130); // a second Ctrl-C: leave now
  console.log('\nStopping the app and the dev identity provider…');
  void shutdown(0);
});
process.on('SIGTERM', () => void shutdown(0));

try {
  await ensureBuilt({ force: args.has('--rebuild') });

  let env;
  if (realWorkos) {
    console.log('› WORKOS_CLIENT_ID, WORKOS_API_KEY, WORKOS_REDIRECT_URI and WORKOS_COOKIE_PASSWORD are set: using real WorkOS.');
    env = {};
  } else {
    const { startDevIdp } = await import(pathToFileURL(join(ROOT, 'dist', 'testing', 'index.js')).href);
    const redirectUri = `${appUrl}/callback`;
    try {
      idp = await startDevIdp({ port: idpPort, redirectUri });
    } catch (error) {
      if (error?.code === 'EADDRINUSE') {
        console.error(`Port ${idpPort} is in use (another \`npm run example\`?). Stop it, or set DEV_IDP_PORT.`);
        process.exit(1);
      }
      throw error;
    }
    // Fresh per run: it only seals this app's session cookie.
    env = devIdpEnv(idp, redirectUri, randomBytes(32).toString('base64url'));
  }

  console.log(`› Starting the example app (next start -p ${port})…`);
  next = startNext({ port, env, stdio: ['ignore', 'inherit', 'inherit'] });
  next.exit.then(({ code, signal }) => {
    if (stopping) return;
    console.error(`next start stopped (${signal ?? `exit ${code}`}).`);
    void shutdown(code || 1);
  });
  await waitForHttp(`${appUrl}/auth-error`, { child: next.child });

  const lines = ['', `  Acme Console (authkit-stepup example) is running at  ${appUrl}`, ''];
  if (idp) {
    lines.push(`  Dev identity provider (not for production):           ${idp.url}`, '', '  Demo users:');
    for (const user of idp.users) {
      lines.push(`    ${user.email.padEnd(20)} password: ${user.password}   ${user.mfa ? `MFA code: ${user.mfa.code}` : 'no MFA (cannot open /account)'}`);
    }
  } else {
    lines.push(`  Identity provider: WorkOS (redirect URI ${process.env.WORKOS_REDIRECT_URI})`);
  }
  lines.push('', '  Press Ctrl-C to stop.', '');
  console.log(lines.join('\n'));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await shutdown(1);
}
