// jose's subpath entries: its root entry pulls in JWE's CompressionStream, which Next's Edge build warns about.
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { decodeJwt } from 'jose/jwt/decode';
import { jwtVerify } from 'jose/jwt/verify';
import * as oauth from 'oauth4webapi';
import type { ResolvedConfig } from '../config.js';
import { ProviderError } from '../errors.js';
import type { Session, User } from '../types.js';
import { createAccessTokenVerifier, remoteKeys, type AccessTokenVerifier, type VerifyResult } from '../verify.js';
import { compileMfaRules, idClaimsOf, toOidcUser, toProviderError, toRefreshError, withMfaRules } from './oidc-claims.js';
import type { MfaRules } from './oidc-claims.js';
import type { OidcOptions } from './oidc-options.js';

export type { OidcMfaOptions, OidcOptions } from './oidc-options.js';
import type { AuthorizeParams, ExchangeParams, Provider, ProviderFactory, TokenSet } from './types.js';


const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const DEFAULT_SCOPE = 'openid profile email offline_access';
const ID_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
/** Claims by which access tokens name the client they were issued to (RFC 9068, Auth0/Keycloak, Okta, Entra v1). */
const PARTY_CLAIMS = ['client_id', 'azp', 'cid', 'appid'];
/** Parameters only the SDK sets. */
const RESERVED = new Set(['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'max_age', 'acr_values', 'login_hint', 'resource']);

interface Discovered {
  as: oauth.AuthorizationServer;
  keys: JWTVerifyGetKey;
  verify: AccessTokenVerifier;
}

/** The generic OpenID Connect provider: discovery, code + PKCE, `max_age`, `acr_values`, refresh, RP-initiated logout. */
export function oidc(options: OidcOptions = {}): ProviderFactory {
  const settings: NonNullable<ProviderFactory['settings']> = {};
  if (options.issuer !== undefined) settings.issuer = options.issuer;
  if (options.clientId !== undefined) settings.clientId = options.clientId;
  if (options.clientSecret !== undefined) settings.apiKey = options.clientSecret;
  const mfa = compileMfaRules(options.mfa);
  // Precedence: oidc({ mfaAcrValues }) > oidc({ mfa: { acr } }) > createAuthKit({ mfaAcrValues }) > PAPE.
  // Through `settings` it also reaches `config.mfaAcrValues`, which the RFC 9470 challenge advertises.
  const acrValues = options.mfaAcrValues ?? (mfa && mfa.acr.size > 0 ? [...mfa.acr].join(' ') : undefined);
  if (acrValues !== undefined) settings.mfaAcrValues = acrValues;
  const factory = (config: ResolvedConfig): Provider => createOidcProvider(config, options, mfa, acrValues);
  return Object.assign(factory, { kind: 'oidc' as const, settings });
}

function createOidcProvider(config: ResolvedConfig, options: OidcOptions, mfa: MfaRules | undefined, mfaAcrValues: string | undefined): Provider {
  if (!config.issuer) throw new ProviderError('The OpenID provider needs an issuer: set AUTH_ISSUER or oidc({ issuer }).', { transient: false });
  const issuer = new URL(config.issuer);
  const clientId = config.clientId;
  const scope = options.scope ?? config.oidc?.scope ?? DEFAULT_SCOPE;
  const resource = options.resource ?? config.oidc?.resource;
  const audience = options.audience ?? config.oidc?.audience ?? resource ?? clientId;
  const subjectClaim = options.subjectClaim ?? 'sub';
  const timeout = options.timeout ?? config.providerTimeout;
  const insecure = options.allowInsecureRequests === true || (issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname));
  const client: oauth.Client = { client_id: clientId, [oauth.clockTolerance]: config.clockTolerance };
  const method = options.tokenEndpointAuthMethod ?? (config.apiKey ? 'client_secret_basic' : 'none');
  const clientAuth =
    method === 'none' ? oauth.None() : method === 'client_secret_post' ? oauth.ClientSecretPost(config.apiKey) : oauth.ClientSecretBasic(config.apiKey);
  const http = () => ({ signal: () => AbortSignal.timeout(timeout), [oauth.allowInsecureRequests]: insecure });
  const tokenParams = () => ({ ...http(), ...(resource ? { additionalParameters: { resource } } : {}) });

  let discovered: Promise<Discovered> | undefined;
  function discover(): Promise<Discovered> {
    if (discovered) return discovered;
    const attempt = (async (): Promise<Discovered> => {
      let as: oauth.AuthorizationServer;
      try {
        as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http()));
      } catch (error) {
        // Discovery failing says nothing about anyone's grant: transient, so no session ends over it.
        const cause = toProviderError(error, 'discovery request');
        throw new ProviderError(cause.message, { transient: true, cause });
      }
      if (!as.authorization_endpoint || !as.token_endpoint || !as.jwks_uri) {
        throw new ProviderError(`The OpenID provider at ${as.issuer} publishes no authorization, token or JWKS endpoint.`, { transient: true });
      }
      const jwksUrl = new URL(as.jwks_uri);
      const keys = remoteKeys(jwksUrl, Math.min(5_000, timeout));
      const verify = createAccessTokenVerifier({
        jwksUrl,
        issuers: options.accessTokenIssuers ?? [as.issuer],
        clientId: audience,
        algorithms: config.algorithms,
        clockTolerance: config.clockTolerance,
        keys,
      });
      return { as, keys, verify };
    })();
    discovered = attempt;
    // A failed discovery is retried by the next caller, not cached.
    attempt.catch(() => {
      if (discovered === attempt) discovered = undefined;
    });
    return attempt;
  }

  /** SECURITY.md §1 for OpenID access tokens: the shared verifier (signature, alg, iss, aud, exp) plus the authorized party. */
  async function verifyAccessToken(token: string): Promise<VerifyResult> {
    let verify: AccessTokenVerifier;
    try {
      ({ verify } = await discover());
    } catch (error) {
      return { ok: false, reason: 'unavailable', error };
    }
    const verdict = await verify(token);
    if (verdict.ok || verdict.reason === 'expired') {
      const payload = normalise(verdict.payload);
      if (!payload) return { ok: false, reason: 'invalid', error: new Error('access token issued to another client, or without a subject') };
      return { ...verdict, payload };
    }
    return verdict;
  }

  function normalise(payload: JWTPayload): JWTPayload | null {
    const c = payload as Record<string, unknown>;
    if (!PARTY_CLAIMS.every((claim) => c[claim] === undefined || c[claim] === clientId)) return null;
    // Only here, on a payload whose signature verified, may `acr` or an `amr` alias mean MFA.
    const mapped = withMfaRules(payload as Record<string, unknown>, mfa) as JWTPayload;
    if (subjectClaim === 'sub') return mapped;
    const sub = c[subjectClaim];
    return typeof sub === 'string' && sub !== '' ? { ...mapped, sub } : null;
  }

  /** Signature of an ID token oauth4webapi already validated (it checks claims, not signatures). */
  async function checkIdTokenSignature(keys: JWTVerifyGetKey, idToken: string): Promise<void> {
    try {
      await jwtVerify(idToken, keys, { algorithms: ID_TOKEN_ALGORITHMS, clockTolerance: config.clockTolerance });
    } catch (error) {
      throw new ProviderError(`The ID token's signature did not verify with the provider's keys (${(error as Error).message}).`, { transient: false, cause: error });
    }
  }

  /** A helpful error now beats an opaque `invalid_token` at the callback. */
  function checkAccessTokenShape(accessToken: string): void {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(accessToken);
    } catch {
      throw new ProviderError(
        'The OpenID provider returned an opaque access token, which cannot be verified offline. Configure an API audience/resource so it issues JWT access tokens (oidc({ resource }) / AUTH_RESOURCE, or authorizationParams: { audience } for Auth0).',
        { transient: false },
      );
    }
    const aud = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (aud.length > 0 && !aud.includes(audience)) {
      throw new ProviderError(`The access token's audience (${aud.join(', ')}) is not the expected "${audience}". Set oidc({ audience }) / AUTH_AUDIENCE to your API's identifier.`, { transient: false });
    }
  }

  async function userInfo(as: oauth.AuthorizationServer, accessToken: string, sub: string): Promise<Record<string, unknown> | undefined> {
    if (!as.userinfo_endpoint) return undefined;
    try {
      return await oauth.processUserInfoResponse(as, client, sub, await oauth.userInfoRequest(as, client, accessToken, http()));
    } catch {
      // Profile claims are a convenience; the identity comes from the verified ID token.
      return undefined;
    }
  }

  return {
    kind: 'oidc',
    async authorizationUrl(p: AuthorizeParams): Promise<URL> {
      const { as } = await discover();
      const url = new URL(as.authorization_endpoint as string);
      const q = url.searchParams;
      for (const [name, value] of Object.entries(options.authorizationParams ?? {})) if (!RESERVED.has(name)) q.set(name, value);
      q.set('client_id', clientId);
      q.set('redirect_uri', config.redirectUri.href);
      q.set('response_type', 'code');
      q.set('scope', scope);
      q.set('state', p.state);
      q.set('code_challenge', p.codeChallenge);
      q.set('code_challenge_method', 'S256');
      if (p.nonce) q.set('nonce', p.nonce);
      if (p.maxAge !== undefined) q.set('max_age', String(Math.max(0, Math.floor(p.maxAge))));
      if (p.mfa) q.set('acr_values', mfaAcrValues ?? config.mfaAcrValues);
      if (p.loginHint) q.set('login_hint', p.loginHint);
      if (resource) q.set('resource', resource);
      if (p.maxAge !== undefined && options.stepUpPrompt === 'login') q.set('prompt', 'login');
      // Initiating User Registration via OpenID Connect 1.0.
      if (p.screenHint === 'sign-up' && Array.isArray(as.prompt_values_supported) && as.prompt_values_supported.includes('create')) q.set('prompt', 'create');
      return url;
    },

    async exchangeCode(p: ExchangeParams): Promise<TokenSet> {
      const { as, keys } = await discover();
      let result: oauth.TokenEndpointResponse;
      let response: Response;
      try {
        const params = oauth.validateAuthResponse(as, client, p.callbackUrl, p.state);
        response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, config.redirectUri.href, p.codeVerifier, tokenParams());
      } catch (error) {
        throw toProviderError(error, 'authorization_code grant');
      }
      // auth_time against max_age is judged once, by the callback (`isFresh`, measured from when
      // the step-up began), for every provider alike: oauth4webapi's own check is skipped.
      try {
        result = await oauth.processAuthorizationCodeResponse(as, client, response, {
          expectedNonce: p.nonce ?? oauth.expectNoNonce,
          maxAge: oauth.skipAuthTimeCheck,
          requireIdToken: true,
        });
      } catch (error) {
        throw toProviderError(error, 'authorization_code grant');
      }
      const claims = oauth.getValidatedIdTokenClaims(result)!;
      // Nothing of the ID token (its `acr` least of all) is used before its signature verifies.
      await checkIdTokenSignature(keys, result.id_token as string);
      checkAccessTokenShape(result.access_token);
      let profile: Record<string, unknown> = claims;
      if (!claims.email) {
        const info = await userInfo(as, result.access_token, claims.sub);
        if (info) profile = { ...info, ...claims };
      }
      const tokens: TokenSet = { accessToken: result.access_token, refreshToken: result.refresh_token ?? '', user: toOidcUser(profile) };
      const idClaims = idClaimsOf(claims, undefined, mfa);
      if (idClaims) tokens.idClaims = idClaims;
      if (options.endSession !== false && result.id_token) tokens.idToken = result.id_token;
      return tokens;
    },

    async refresh({ refreshToken, previous }: { refreshToken: string; previous: Session }): Promise<TokenSet> {
      if (!refreshToken) {
        throw new ProviderError('The session has no refresh token: ask the OpenID provider for one (scope offline_access).', { transient: false, providerCode: 'invalid_grant' });
      }
      const { as, keys } = await discover();
      let result: oauth.TokenEndpointResponse;
      try {
        const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, tokenParams());
        result = await oauth.processRefreshTokenResponse(as, client, response);
      } catch (error) {
        throw toRefreshError(error);
      }
      let user: User = previous.user;
      let idClaims: Session['idClaims'];
      const claims = oauth.getValidatedIdTokenClaims(result);
      if (claims) {
        await checkIdTokenSignature(keys, result.id_token as string);
        // OIDC Core 12.2: a refreshed ID token is for the same End-User.
        if (claims.sub !== previous.user.id) throw new ProviderError('The refreshed ID token is for a different user.', { transient: false });
        user = toOidcUser(claims, previous.user);
        idClaims = idClaimsOf(claims, previous.idClaims, mfa);
      }
      // Providers that do not rotate keep answering without a new refresh token.
      const tokens: TokenSet = { accessToken: result.access_token, refreshToken: result.refresh_token ?? refreshToken, user };
      if (idClaims) tokens.idClaims = idClaims;
      if (options.endSession !== false && claims && result.id_token) tokens.idToken = result.id_token;
      return tokens;
    },

    verifyAccessToken,

    async endSession({ refreshToken }) {
      // RFC 7009: revoking a refresh token ends the grant it belongs to (and, at most providers, its session).
      const { as } = await discover();
      if (!as.revocation_endpoint) throw new ProviderError(`The OpenID provider at ${as.issuer} publishes no revocation_endpoint, so the old session cannot be ended from here.`, { transient: false });
      if (!refreshToken) throw new ProviderError('The previous session has no refresh token to revoke.', { transient: false });
      try {
        await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, clientAuth, refreshToken, { ...http(), additionalParameters: { token_type_hint: 'refresh_token' } }));
      } catch (error) {
        throw toProviderError(error, 'token revocation');
      }
    },

    async logoutUrl({ returnTo, idToken }): Promise<URL | null> {
      if (options.endSession === false) return null;
      let as: oauth.AuthorizationServer;
      try {
        ({ as } = await discover());
      } catch {
        return null; // sign out locally; the provider is unreachable
      }
      if (!as.end_session_endpoint) return null;
      // RP-Initiated Logout 1.0; some OPs (Okta) refuse it without id_token_hint, and some only
      // return the browser to post_logout_redirect_uri when a `state` comes with it (fresh per logout;
      // the OP echoes it back, nothing here depends on it).
      const url = new URL(as.end_session_endpoint);
      if (idToken) url.searchParams.set('id_token_hint', idToken);
      url.searchParams.set('client_id', clientId);
      url.searchParams.set('post_logout_redirect_uri', returnTo);
      url.searchParams.set('state', oauth.generateRandomState());
      return url;
    },
  };
}
