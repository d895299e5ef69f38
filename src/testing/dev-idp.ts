/**
 * `startDevIdp()`: a local, WorkOS-compatible identity provider on node:http —
 * routing, JWKS, the control API, and the server's lifecycle. The browser flow
 * lives in `login-flow.ts`, the token endpoint in `authenticate.ts`, logout and
 * session revocation in `sessions.ts`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAuthenticate } from './authenticate.js';
import { normaliseUri } from './authorize-request.js';
import { emptyStats } from './context.js';
import type { IdpContext } from './context.js';
import { HttpError, bearerToken, isHttpUrl, readParams, sendJson } from './http-util.js';
import { randomApiKey, randomClientId } from './ids.js';
import { handleAuthorize, handleLoginPost, handleMfaPost } from './login-flow.js';
import { isLoopbackAddress } from './loopback.js';
import { describeSession, handleLogout, handleRevoke } from './sessions.js';
import { DevIdpStore } from './store.js';
import { createSigner } from './tokens.js';
import type { DevIdp, DevIdpOptions, NextLoginOptions, RefreshTokenReuse } from './types.js';
import { defaultUsers, findUserByEmail, safeEqual, validateUsers } from './users.js';

const JWKS_PREFIX = '/sso/jwks/';
const REUSE_MODES: ReadonlyArray<RefreshTokenReuse> = ['reject', 'revoke', 'grace'];
/** Okta's default rotation grace period is 30 s (0–60 allowed). */
const DEFAULT_REUSE_GRACE = 30;
const CONTROL_SESSIONS = '/dev-idp/control/sessions';

function notFound(res: ServerResponse): void {
  sendJson(res, 404, { code: 'not_found', message: 'Not found.' });
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendJson(res, 405, { code: 'method_not_allowed', message: `Use ${allow}.` }, { Allow: allow });
}

async function route(ctx: IdpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = req.url ?? '';
  // Origin-form only. Prefixing a fixed origin (rather than `new URL(target, base)`)
  // keeps `//host/path` a path instead of a different host.
  if (!target.startsWith('/')) throw new HttpError(400, 'Malformed request target.');
  const url = new URL(`http://dev-idp${target}`);
  const path = url.pathname;
  const method = req.method ?? 'GET';

  if (path === '/user_management/authorize') {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    return handleAuthorize(ctx, req, res, url);
  }
  if (path === '/user_management/authenticate') {
    if (method !== 'POST') return methodNotAllowed(res, 'POST');
    return handleAuthenticate(ctx, req, res);
  }
  if (path === '/dev-idp/login' || path === '/dev-idp/mfa') {
    if (method !== 'POST') return methodNotAllowed(res, 'POST');
    return path === '/dev-idp/login' ? handleLoginPost(ctx, req, res) : handleMfaPost(ctx, req, res);
  }
  if (path === '/user_management/sessions/logout') {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    return handleLogout(ctx, req, res, url);
  }
  if (path === '/user_management/sessions/revoke') {
    if (method !== 'POST') return methodNotAllowed(res, 'POST');
    return handleRevoke(ctx, req, res);
  }
  if (
    path === '/dev-idp/control/next-login' ||
    path === '/dev-idp/control/stats' ||
    path === CONTROL_SESSIONS ||
    path.startsWith(`${CONTROL_SESSIONS}/`)
  ) {
    return handleControl(ctx, req, res, path, method);
  }
  if (path.startsWith(JWKS_PREFIX)) {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    // Compared raw: client ids never need escaping, and decoding could throw on `%zz`.
    if (path.slice(JWKS_PREFIX.length) !== ctx.clientId) return notFound(res);
    ctx.stats.jwksRequests++;
    return sendJson(res, 200, ctx.signer.jwks, { 'Cache-Control': 'public, max-age=300' });
  }
  return notFound(res);
}

/**
 * `nextLogin()`, `stats()`, `sessions()` and `session(id)` over HTTP, for tests whose IdP runs in
 * another process (a global setup, a CLI). Guarded by the API key: queuing a login is signing
 * somebody in.
 */
async function handleControl(ctx: IdpContext, req: IncomingMessage, res: ServerResponse, path: string, method: string): Promise<void> {
  const bearer = bearerToken(req);
  if (!bearer || !safeEqual(bearer, ctx.apiKey)) return sendJson(res, 401, { code: 'unauthorized', message: 'Send the API key as a Bearer token.' });
  if (path === '/dev-idp/control/stats') {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    return sendJson(res, 200, ctx.stats);
  }
  if (path === CONTROL_SESSIONS) {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    return sendJson(res, 200, { data: ctx.store.allSessions().map(describeSession) });
  }
  if (path.startsWith(`${CONTROL_SESSIONS}/`)) {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    // Compared raw, like the JWKS path: session ids never need escaping.
    const id = path.slice(CONTROL_SESSIONS.length + 1);
    const session = ctx.store.getSession(id);
    if (!session) return sendJson(res, 404, { code: 'entity_not_found', entity_id: id, message: `Session not found: '${id}'.` });
    return sendJson(res, 200, describeSession(session));
  }
  if (method !== 'POST') return methodNotAllowed(res, 'POST');
  const body = (await readParams(req)) ?? {};
  try {
    queueNextLogin(ctx, body as NextLoginOptions);
  } catch (error) {
    return sendJson(res, 400, { code: 'invalid_request', message: (error as Error).message });
  }
  sendJson(res, 200, { queued: true });
}

/** Validates and queues a scripted login (shared by `nextLogin()` and the control endpoint). */
function queueNextLogin(ctx: IdpContext, next: NextLoginOptions): void {
  if (next.email !== undefined && (typeof next.email !== 'string' || !findUserByEmail(ctx.users, next.email))) {
    throw new Error(`nextLogin: no dev user with email ${String(next.email)}`);
  }
  if (next.amr !== undefined && (!Array.isArray(next.amr) || next.amr.some((m) => typeof m !== 'string'))) {
    throw new TypeError('nextLogin: `amr` must be an array of strings');
  }
  if (next.authTime !== undefined && (typeof next.authTime !== 'number' || !Number.isFinite(next.authTime))) {
    throw new TypeError('nextLogin: `authTime` must be a finite number of epoch seconds');
  }
  if (next.newSession !== undefined && typeof next.newSession !== 'boolean') {
    throw new TypeError('nextLogin: `newSession` must be a boolean');
  }
  ctx.nextLogins.push({
    email: next.email,
    amr: next.amr ? [...next.amr] : undefined,
    authTime: next.authTime,
    newSession: next.newSession,
  });
}

function handleFailure(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof HttpError) {
    sendJson(res, err.status, { code: err.status === 413 ? 'payload_too_large' : 'bad_request', message: err.message });
    return;
  }
  // Our own bug: report it, keep serving.
  console.error('[dev-idp] internal error', err);
  sendJson(res, 500, { code: 'server_error', message: 'The dev identity provider hit an internal error.' });
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** The URL clients should use: wildcard binds are reached over loopback. */
function baseUrl(address: AddressInfo): string {
  let host = address.address;
  if (host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  if (host.includes(':')) host = `[${host}]`;
  return `http://${host}:${address.port}`;
}

function checkOptions(opts: DevIdpOptions): void {
  const ttl = opts.accessTokenTtl;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl <= 0)) {
    throw new TypeError('startDevIdp: `accessTokenTtl` must be a positive integer number of seconds');
  }
  const port = opts.port;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new TypeError('startDevIdp: `port` must be an integer from 0 to 65535');
  }
  if (opts.warn !== undefined && typeof opts.warn !== 'function') throw new TypeError('startDevIdp: `warn` must be a function');
  if (opts.refreshTokenReuse !== undefined && !REUSE_MODES.includes(opts.refreshTokenReuse)) {
    throw new TypeError(`startDevIdp: \`refreshTokenReuse\` must be one of ${REUSE_MODES.join(', ')}`);
  }
  const grace = opts.refreshTokenReuseGrace;
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0 || grace > 3600)) {
    throw new TypeError('startDevIdp: `refreshTokenReuseGrace` must be an integer number of seconds from 0 to 3600');
  }
  // An empty host would make node:http listen on every interface.
  if (opts.host !== undefined && (typeof opts.host !== 'string' || opts.host.trim() === '')) {
    throw new TypeError('startDevIdp: `host` must be a non-empty interface name or address');
  }
}

/** What `startDevIdp` prints (to `warn`) when it is reachable from the network. */
function networkWarning(address: AddressInfo, url: string): string {
  const where = address.address.includes(':') ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
  return [
    `WARNING: the authkit-stepup dev identity provider is listening on ${where}, which is reachable from the network (reach it locally at ${url}).`,
    'It is a development identity provider, not for production: its demo users and their passwords are public, and anyone who can reach it can sign in as them.',
    'Bind it to 127.0.0.1 (the default) unless another machine must reach it, and keep its API key to yourself.',
  ].join('\n');
}

function allowedRedirects(option: string | string[] | undefined): string[] | undefined {
  if (option === undefined) return undefined;
  const list = Array.isArray(option) ? option : [option];
  if (list.length === 0) return undefined;
  return list.map((uri) => {
    const normalised = normaliseUri(uri);
    if (!normalised || !isHttpUrl(uri)) throw new TypeError(`startDevIdp: redirect URI "${uri}" is not an http(s) URL`);
    return normalised;
  });
}

/** Starts a dev identity provider. Await `close()` when done. */
export async function startDevIdp(opts: DevIdpOptions = {}): Promise<DevIdp> {
  checkOptions(opts);
  const users = validateUsers(opts.users ?? defaultUsers());
  const allowedRedirectUris = allowedRedirects(opts.redirectUri);
  const clientId = opts.clientId ?? randomClientId();
  const apiKey = opts.apiKey ?? randomApiKey();

  // The issuer embeds the port, which is only known once listening; requests are
  // refused until the context exists.
  let ctx: IdpContext | undefined;
  const server = createServer((req, res) => {
    if (!ctx) return sendJson(res, 503, { code: 'starting', message: 'Starting.' });
    route(ctx, req, res).catch((err: unknown) => handleFailure(res, err));
  });
  // A socket error (client hung up mid-request) must never crash the process.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const address = await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
  const url = baseUrl(address);
  // Judged on the address actually bound: a host name may resolve anywhere.
  if (!isLoopbackAddress(address.address)) {
    (opts.warn ?? ((message: string) => void process.stderr.write(`${message}\n`)))(networkWarning(address, url));
  }
  const context: IdpContext = {
    url,
    clientId,
    apiKey,
    allowedRedirectUris,
    users,
    cookieName: `authkit_dev_idp_${address.port}`,
    store: new DevIdpStore(),
    signer: await createSigner({ issuer: url, clientId, accessTokenTtl: opts.accessTokenTtl ?? 300 }),
    stats: emptyStats(),
    nextLogins: [],
    lastSignIn: new Map(),
    startedAt: new Date().toISOString(),
    refreshTokenReuse: { mode: opts.refreshTokenReuse ?? 'reject', graceSeconds: opts.refreshTokenReuseGrace ?? DEFAULT_REUSE_GRACE },
  };
  ctx = context;

  let closing: Promise<void> | undefined;
  return {
    url,
    clientId,
    apiKey,
    redirectUri: allowedRedirectUris ? (Array.isArray(opts.redirectUri) ? opts.redirectUri[0] : opts.redirectUri) : undefined,
    users: users.map((u) => structuredClone(u)),
    nextLogin(next: NextLoginOptions = {}) {
      queueNextLogin(context, next);
    },
    stats: () => ({ ...context.stats }),
    session(id: string) {
      const session = typeof id === 'string' ? context.store.getSession(id) : undefined;
      return session ? describeSession(session) : undefined;
    },
    sessions: () => context.store.allSessions().map(describeSession),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets (fetch keeps them) would hold close() open otherwise.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
