import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sealData } from 'iron-session';
import { CompactSign, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { createAuthKit, type AuthKit, type AuthKitOptions } from '../../../src/index.js';
import { APP, COOKIE_PASSWORD } from '../../helpers/flow.js';

/**
 * A tiny WorkOS look-alike on 127.0.0.1 whose every answer a test controls: the JWKS (rotatable,
 * breakable) and `POST /user_management/authenticate` (any token, any failure). The dev IdP cannot
 * mint a token without `auth_time`, with a future `auth_time` or for the wrong user; this can.
 * Its JWKS alone also serves the token verifier's own tests (test/core/verify.test.ts): any claims,
 * any `kid`, a key it does not publish, an endpoint that fails.
 */
export const CLIENT_ID = 'client_01HARDENING';
export const API_KEY = 'sk_test_hardening';

export type Fault = 'hang' | 'reset' | 'truncate' | { status: number; body?: string; contentType?: string };
export type AuthenticateAnswer = Fault | { json: Record<string, unknown> };
export type AuthenticateHandler = (body: Record<string, unknown>) => AuthenticateAnswer | Promise<AuthenticateAnswer>;

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface WorkosUserJson {
  object: 'user';
  id: string;
  email: string;
  email_verified: boolean;
  first_name: string | null;
  last_name: string | null;
  profile_picture_url: null;
  last_sign_in_at: null;
  external_id: null;
  metadata: Record<string, string>;
  created_at: string;
  updated_at: string;
}

export interface FakeWorkos {
  url: string;
  /** The JWKS endpoint, as WorkOS names it (`/sso/jwks/<client id>`). */
  jwksUrl: URL;
  /** Keys the JWKS endpoint currently serves (first one signs by default). */
  served: SigningKey[];
  /** `null`: serve `served`; otherwise fail this way. */
  jwksFault: Fault | null;
  jwksRequests(): number;
  authenticateRequests(): Array<Record<string, unknown>>;
  onAuthenticate(handler: AuthenticateHandler): void;
  newKey(): Promise<SigningKey>;
  /** Signs with the current key: WorkOS claims (`iss`, `client_id`, `sub`, `sid`, `iat`, `exp`) unless overridden. */
  sign(claims?: JWTPayload, options?: { key?: SigningKey; kid?: string; alg?: string; header?: Record<string, unknown> }): Promise<string>;
  /** Signs an exact JSON payload text (for values JSON can carry but jose would not produce, e.g. `1e400`). */
  signRaw(payloadJson: string, key?: SigningKey): Promise<string>;
  user(id?: string, email?: string): WorkosUserJson;
  /** A `wos-session` seal of `{ accessToken, refreshToken, user }` with the test password. */
  seal(accessToken: string, options?: { userId?: string; refreshToken?: string; password?: string; extra?: Record<string, unknown> }): Promise<string>;
  /** Tokens as the authenticate endpoint returns them, signed with the current key. */
  tokens(claims?: JWTPayload, userId?: string): Promise<Record<string, unknown>>;
  kit(options?: AuthKitOptions): AuthKit;
  close(): Promise<void>;
}

export const USER_ID = 'user_01HARDENINGALICE';
const now = () => Math.floor(Date.now() / 1000);

async function makeKey(): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `key_${randomBytes(6).toString('hex')}`;
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Answers a request with `fault`. Shared with the fault proxy. */
export function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse, hanging: Set<ServerResponse>): void {
  if (fault === 'hang') {
    hanging.add(res);
    res.on('close', () => hanging.delete(res));
    return;
  }
  if (fault === 'reset') {
    req.socket.destroy();
    return;
  }
  if (fault === 'truncate') {
    // Headers and half a JSON body, then the connection drops: a proxy or load balancer dying mid-answer.
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
    res.write('{"user":{"id":"user_');
    setTimeout(() => req.socket.destroy(), 5);
    return;
  }
  res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json' }).end(fault.body ?? '');
}

export async function startFakeWorkos(): Promise<FakeWorkos> {
  const hanging = new Set<ServerResponse>();
  let jwksCount = 0;
  const authCalls: Array<Record<string, unknown>> = [];
  let handler: AuthenticateHandler = async () => ({ json: await api.tokens({}, USER_ID) });

  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    if (path.startsWith('/sso/jwks/')) {
      jwksCount++;
      if (api.jwksFault) return applyFault(api.jwksFault, req, res, hanging);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: api.served.map((k) => k.publicJwk) }));
      return;
    }
    if (path === '/user_management/authenticate' && req.method === 'POST') {
      const body = await readJson(req);
      authCalls.push(body);
      const answer = await handler(body);
      if (typeof answer === 'object' && 'json' in answer) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.json));
        return;
      }
      return applyFault(answer, req, res, hanging);
    }
    res.writeHead(404).end();
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const api: FakeWorkos = {
    url,
    jwksUrl: new URL(`${url}/sso/jwks/${CLIENT_ID}`),
    served: [await makeKey()],
    jwksFault: null,
    jwksRequests: () => jwksCount,
    authenticateRequests: () => authCalls,
    onAuthenticate(next) {
      handler = next;
    },
    newKey: makeKey,
    async sign(claims = {}, options = {}) {
      const key = options.key ?? api.served[0]!;
      const t = now();
      return new SignJWT({ iss: url, client_id: CLIENT_ID, sub: USER_ID, sid: 'session_01HARDENING', iat: t, exp: t + 300, ...claims })
        .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? key.kid, typ: 'JWT', ...options.header })
        .sign(key.privateKey);
    },
    async signRaw(payloadJson, key = api.served[0]!) {
      return new CompactSign(new TextEncoder().encode(payloadJson)).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
    },
    user(id = USER_ID, email = 'alice@example.com') {
      return {
        object: 'user',
        id,
        email,
        email_verified: true,
        first_name: 'Alice',
        last_name: null,
        profile_picture_url: null,
        last_sign_in_at: null,
        external_id: null,
        metadata: {},
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
      };
    },
    async seal(accessToken, options = {}) {
      const raw = api.user(options.userId ?? USER_ID);
      const user = {
        object: 'user',
        id: raw.id,
        email: raw.email,
        emailVerified: true,
        firstName: 'Alice',
        lastName: null,
        profilePictureUrl: null,
        lastSignInAt: null,
        externalId: null,
        metadata: {},
        createdAt: raw.created_at,
        updatedAt: raw.updated_at,
      };
      return sealData(
        { accessToken, refreshToken: options.refreshToken ?? `rt_${randomBytes(8).toString('hex')}`, user, ...options.extra },
        { password: options.password ?? COOKIE_PASSWORD, ttl: 3600 },
      );
    },
    async tokens(claims = {}, userId = USER_ID) {
      return {
        user: api.user(userId),
        access_token: await api.sign({ sub: userId, auth_time: now(), amr: ['pwd', 'otp', 'mfa'], ...claims }),
        refresh_token: `rt_${randomBytes(8).toString('hex')}`,
        authentication_method: 'Password',
      };
    },
    kit(options = {}) {
      return createAuthKit({
        clientId: CLIENT_ID,
        apiKey: API_KEY,
        redirectUri: `${APP}/callback`,
        cookiePassword: COOKIE_PASSWORD,
        apiUrl: url,
        env: {},
        ...options,
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}
