// Section 3: sealed session cookie size, typical and large, and whether it chunks above 4096 bytes.
//
//   node --import ./bench/lib/register-stubs.mjs bench/cookie-size.mjs [--json]
//
// Real sign-ins through our callback against dev IdP users whose tokens carry few or many
// roles/permissions/entitlements/feature flags. Reported per session: the sealed value, each
// Set-Cookie header the callback wrote for it, the Cookie header the browser sends back, and
// whether getSession() reads the chunks back whole. For comparison, the same session sealed by
// @workos-inc/authkit-nextjs's own encryptSession (dist/esm/session.js:51), which always writes a
// single `wos-session` cookie.
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { APP, COOKIE_PASSWORD, ROOT, dist, kitOptions, signIn } from './lib/harness.mjs';

const { values: args } = parseArgs({ options: { json: { type: 'boolean', default: false } } });

const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));
const PROFILES = {
  typical: { roles: ['admin'], permissions: ['billing:manage', 'keys:revoke', 'members:manage'], entitlements: ['audit-logs'], featureFlags: ['step-up'] },
  // Past one 4096-byte cookie, under the 10 KiB ceiling: chunked.
  medium: {
    roles: range(10, (i) => `role-${i}-of-a-large-enterprise-tenant`),
    permissions: range(80, (i) => `resource-${Math.floor(i / 5)}:action-${i % 5}`),
    entitlements: range(15, (i) => `entitlement-${i}`),
    featureFlags: range(30, (i) => `feature-flag-number-${i}`),
  },
  large: {
    roles: range(20, (i) => `role-${i}-of-a-large-enterprise-tenant`),
    permissions: range(150, (i) => `resource-${Math.floor(i / 5)}:action-${i % 5}`),
    entitlements: range(30, (i) => `entitlement-${i}`),
    featureFlags: range(60, (i) => `feature-flag-number-${i}`),
  },
  xl: {
    roles: range(30, (i) => `role-${i}-of-a-large-enterprise-tenant`),
    permissions: range(250, (i) => `resource-${Math.floor(i / 5)}:action-${i % 5}`),
    entitlements: range(50, (i) => `entitlement-${i}`),
    featureFlags: range(100, (i) => `feature-flag-number-${i}`),
  },
  huge: {
    roles: range(50, (i) => `role-${i}-of-a-large-enterprise-tenant`),
    permissions: range(400, (i) => `resource-${Math.floor(i / 5)}:action-${i % 5}`),
    entitlements: range(80, (i) => `entitlement-${i}`),
    featureFlags: range(150, (i) => `feature-flag-number-${i}`),
  },
};

const claimCounts = (p) => ({ roles: p.roles.length, permissions: p.permissions.length, entitlements: p.entitlements.length, featureFlags: p.featureFlags.length });

/**
 * Would a Node server with default limits accept the browser's request? `next start` runs on
 * node:http, whose default `maxHeaderSize` is 16 KB for all request headers together.
 */
async function nodeAccepts(cookieHeader) {
  const server = createServer((req, res) => res.end('ok'));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const status = await new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port: server.address().port, path: '/', headers: { cookie: cookieHeader } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', () => resolve('connection error'));
      req.end();
    });
    return status;
  } finally {
    server.closeAllConnections?.();
    await new Promise((r) => server.close(r));
  }
}

const { startDevIdp } = await dist('testing/index.js');
const { createAuthKit } = await dist('index.js');
const users = Object.entries(PROFILES).map(([name, p], i) => ({
  id: `user_01BENCH${name.toUpperCase().padEnd(10, 'X')}${i}`,
  email: `${name}@example.com`,
  password: 'password',
  firstName: name,
  lastName: 'User',
  mfa: { code: '123456' },
  organizationId: 'org_01BENCHACME',
  role: p.roles[0],
  ...p,
}));
const idp = await startDevIdp({ users, accessTokenTtl: 3600 });
try {
  process.env.WORKOS_COOKIE_PASSWORD = COOKIE_PASSWORD;
  const { unsealData } = await import('iron-session');
  const theirSession = await import(pathToFileURL(join(ROOT, 'node_modules/@workos-inc/authkit-nextjs/dist/esm/session.js')).href);

  const kit = createAuthKit(kitOptions(idp));
  const rows = [];
  for (const [name, profile] of Object.entries(PROFILES)) {
    let signedIn;
    try {
      signedIn = await signIn(kit, idp, { email: `${name}@example.com` });
    } catch (error) {
      const code = /Error code: <code>([\w_]+)<\/code>/.exec(String(error?.message))?.[1];
      // What the token would have been: its claims base64url-encoded, plus header and RS256 signature.
      const estimate = Math.ceil((Buffer.byteLength(JSON.stringify({ roles: profile.roles, permissions: profile.permissions, entitlements: profile.entitlements, feature_flags: profile.featureFlags })) + 260) * 4 / 3) + 470;
      rows.push({ session: name, claims: claimCounts(profile), accessTokenBytesEstimate: estimate, error: code ? `sign-in rejected (${code})` : `sign-in failed: ${String(error?.message).slice(0, 160)}` });
      continue;
    }
    const { app, done } = signedIn;
    const setCookies = done.headers.getSetCookie().filter((c) => /^wos-session(\.\d+)?=/.test(c) && !/Max-Age=0/.test(c));
    const parts = app.names().filter((k) => /^wos-session(\.\d+)?$/.test(k)).map((k) => [k, app.get(k)]);
    const seal = parts.map(([, v]) => v).join('');
    const cookieHeader = parts.map(([k, v]) => `${k}=${v}`).join('; ');
    const auth = await kit.getSession(cookieHeader);
    const session = await unsealData(seal, { password: COOKIE_PASSWORD });
    const theirSeal = await theirSession.encryptSession({
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      user: session.user,
      impersonator: session.impersonator,
      authenticationMethod: session.authenticationMethod,
    });
    rows.push({
      session: name,
      claims: claimCounts(profile),
      accessTokenBytes: session.accessToken.length,
      sealBytes: seal.length,
      setCookieHeaders: setCookies.length,
      setCookieBytes: setCookies.map((c) => Buffer.byteLength(c)),
      maxSetCookieBytes: Math.max(...setCookies.map((c) => Buffer.byteLength(c))),
      cookieNames: parts.map(([k]) => k),
      requestCookieHeaderBytes: Buffer.byteLength(cookieHeader),
      readBack: auth?.permissions?.length === profile.permissions.length && auth?.featureFlags?.length === profile.featureFlags.length,
      nodeDefaultServerStatus: await nodeAccepts(cookieHeader),
      authkitNextjsSealBytes: theirSeal.length,
      authkitNextjsCookies: 1,
      authkitNextjsOverLimit: theirSeal.length + 'wos-session='.length > 4096,
    });
  }
  if (args.json) console.log(JSON.stringify({ rows }));
  else console.table(rows.map(({ claims, setCookieBytes, cookieNames, ...r }) => ({ ...r, setCookieBytes: setCookieBytes?.join('+') })));
} finally {
  await idp.close();
}
