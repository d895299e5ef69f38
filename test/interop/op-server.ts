import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';
import { PAPE_MULTI_FACTOR } from '../../src/index.js';
import { APP } from '../helpers/flow.js';

/**
 * A real OpenID provider (panva's oidc-provider, OpenID-certified) on 127.0.0.1, with a custom
 * interaction route that completes logins programmatically, so tests can play "MFA login",
 * "login too old for max_age", an account switch, and so on.
 */
export const RESOURCE = 'https://api.stepup.test';
export const PASSWORD_ACR = 'urn:example:loa:pwd';
/** The `acr` an `acr-only` OP reports for (and accepts in `acr_values` as a request for) an MFA login. */
export const MFA_ACR = 'urn:example:mfa';

export interface OpAccount {
  sub: string;
  email: string;
  given_name: string;
  family_name: string;
}

export const ACCOUNTS: OpAccount[] = [
  { sub: 'acct-alice', email: 'alice@example.com', given_name: 'Alice', family_name: 'Admin' },
  { sub: 'acct-bob', email: 'bob@example.com', given_name: 'Bob', family_name: 'Member' },
];

export interface OpLogin {
  /** Who signs in: default the `login_hint` account, else the current OP session's, else alice. */
  email?: string;
  amr?: string[];
  acr?: string;
  /** `auth_time` (epoch seconds). An old value plays an OP that ignored `max_age`. */
  ts?: number;
}

export interface OpOptions {
  /** Where `amr`/`auth_time`/`sid` travel: the JWT access token (plus the ID token), or the ID token only. */
  claimsIn: 'access-token' | 'id-token';
  accessTokenTtl?: number;
  /** Publish an unrelated key at the JWKS endpoint (plays a token-signing key the RP must not trust). */
  foreignJwks?: boolean;
  /**
   * How the OP reports MFA, as real providers do:
   * - `rfc8176` (default): `amr` `['pwd', 'otp', 'mfa']` / `['pwd']`, `acr` the PAPE policy / `PASSWORD_ACR`;
   * - `own-names`: its own `amr` names, `['password', 'otp']` / `['password']`, and no `acr`;
   * - `acr-only`: no `amr` at all, `acr` `acr.mfa` / `acr.password` (Keycloak's `'2'` / `'1'`, Okta's URNs…).
   */
  mfaStyle?: 'rfc8176' | 'own-names' | 'acr-only';
  /** The `acr` values of an `acr-only` OP. Default `{ mfa: MFA_ACR, password: PASSWORD_ACR }`. */
  acr?: { mfa: string; password: string };
  /** Refuse RP-initiated logout that carries no `state` (some OPs only return the browser with one). */
  logoutRequiresState?: boolean;
}

export interface TestOp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  provider: any;
  /** Every interaction the OP asked for: its prompt and the authorization parameters. */
  interactions: Array<{ prompt: string; params: Record<string, unknown> }>;
  /** Token endpoint outcomes, e.g. `{ 'refresh_token:ok': 1, 'refresh_token:error': 1 }`. */
  tokenRequests: () => Record<string, number>;
  nextLogin(login: OpLogin): void;
  /** From now on, publish (or stop publishing) the unrelated key instead of the OP's own. */
  setForeignJwks(on: boolean): void;
  /** Signs arbitrary claims with the OP's own key (issuer and a 5-minute expiry preset). */
  sign(claims: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

const now = () => Math.floor(Date.now() / 1000);

export async function startOp(options: OpOptions): Promise<TestOp> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'op-key-1', alg: 'RS256', use: 'sig' };
  const clientId = 'stepup-app';
  const clientSecret = 'stepup-app-secret-that-is-long-enough';
  const ttl = options.accessTokenTtl ?? 300;
  const queue: OpLogin[] = [];
  const interactions: TestOp['interactions'] = [];
  const tokenRequests: Record<string, number> = {};
  const style = options.mfaStyle ?? 'rfc8176';
  const acrs = options.acr ?? { mfa: MFA_ACR, password: PASSWORD_ACR };

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${APP}/callback`],
        post_logout_redirect_uris: [`${APP}/`, `${APP}/goodbye`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['op-cookie-key-for-tests-only'] },
    acrValues: [...new Set([PAPE_MULTI_FACTOR, PASSWORD_ACR, ...(style === 'acr-only' ? [acrs.mfa, acrs.password] : [])])],
    claims: {
      acr: null,
      amr: null,
      auth_time: null,
      sid: null,
      iss: null,
      // 'id-token': every ID token carries the authentication (as Auth0, Okta, Keycloak do). 'access-token':
      // the ID token carries only what OIDC requires (auth_time under max_age), the access token the rest.
      openid: options.claimsIn === 'id-token' ? ['sub', 'acr', 'amr', 'auth_time'] : ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    // Put profile claims in the ID token (as Auth0, Okta and Keycloak do).
    conformIdTokenClaims: false,
    findAccount: async (_ctx: unknown, sub: string) => {
      const account = ACCOUNTS.find((a) => a.sub === sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ ...account, name: `${account.given_name} ${account.family_name}`, email_verified: true }),
      };
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'api:read',
          audience: RESOURCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: ttl,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    extraTokenClaims: async (ctx: any) => {
      if (options.claimsIn !== 'access-token') return undefined;
      const source = ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken;
      if (!source) return undefined;
      // RFC 9068 §2.2.1: JWT access tokens may carry the authentication's acr/amr/auth_time.
      return { acr: source.acr, amr: source.amr, auth_time: source.authTime, sid: source.sid ?? source.sessionUid };
    },
    ttl: { AccessToken: ttl, AuthorizationCode: 60, IdToken: 3600, RefreshToken: 86_400, Grant: 86_400, Session: 86_400, Interaction: 600 },
  });

  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const params = details.params as Record<string, unknown>;
    interactions.push({ prompt: details.prompt.name, params: { ...params } });
    const scripted = queue.shift() ?? {};
    const hinted = ACCOUNTS.find((a) => a.email === params.login_hint);
    const chosen = scripted.email ? ACCOUNTS.find((a) => a.email === scripted.email) : undefined;
    const accountId = chosen?.sub ?? hinted?.sub ?? details.session?.accountId ?? ACCOUNTS[0]!.sub;

    // Reuse the session's grant: oidc-provider binds refresh tokens to it, and a new grant would end them.
    const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
    const grant = existing && existing.accountId === accountId ? existing : new provider.Grant({ accountId, clientId: params.client_id });
    grant.addOIDCScope(String(params.scope ?? 'openid'));
    grant.addResourceScope(RESOURCE, 'api:read');
    const grantId = await grant.save();

    const result: Record<string, unknown> = { consent: { grantId } };
    if (details.prompt.name === 'login') {
      const requested = String(params.acr_values ?? '').split(' ');
      const wantsMfa = requested.includes(PAPE_MULTI_FACTOR) || (style === 'acr-only' && requested.includes(acrs.mfa));
      const login: Record<string, unknown> = { accountId, ts: scripted.ts ?? now(), remember: true };
      if (style === 'rfc8176') {
        login.amr = scripted.amr ?? (wantsMfa ? ['pwd', 'otp', 'mfa'] : ['pwd']);
        login.acr = scripted.acr ?? (wantsMfa ? PAPE_MULTI_FACTOR : PASSWORD_ACR);
      } else if (style === 'own-names') {
        login.amr = scripted.amr ?? (wantsMfa ? ['password', 'otp'] : ['password']);
        if (scripted.acr) login.acr = scripted.acr;
      } else {
        if (scripted.amr) login.amr = scripted.amr;
        login.acr = scripted.acr ?? (wantsMfa ? acrs.mfa : acrs.password);
      }
      result.login = login;
    }
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }

  const count = (outcome: string) => (ctx: any) => {
    const key = `${ctx.oidc?.params?.grant_type ?? 'unknown'}:${outcome}`;
    tokenRequests[key] = (tokenRequests[key] ?? 0) + 1;
  };
  provider.on('grant.success', count('ok'));
  provider.on('grant.error', count('error'));

  const foreign = { ...(await exportJWK((await generateKeyPair('RS256', { extractable: true })).publicKey)), kid: jwk.kid, alg: 'RS256', use: 'sig' };
  let foreignJwks = options.foreignJwks === true;
  const callback = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (foreignJwks && path === '/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [foreign] }));
      return;
    }
    if (options.logoutRequiresState && req.method === 'GET' && path === '/session/end' && !new URL(req.url ?? '/', issuer).searchParams.get('state')) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_request', error_description: 'state is required' }));
      return;
    }
    if (path.startsWith('/interaction/')) {
      interaction(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    callback(req, res);
  });

  return {
    issuer,
    clientId,
    clientSecret,
    provider,
    interactions,
    tokenRequests: () => ({ ...tokenRequests }),
    nextLogin: (login) => void queue.push(login),
    setForeignJwks: (on) => void (foreignJwks = on),
    sign: (claims) =>
      new SignJWT({ iss: issuer, iat: now(), exp: now() + 300, ...claims }).setProtectedHeader({ alg: 'RS256', kid: jwk.kid }).sign(privateKey),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
