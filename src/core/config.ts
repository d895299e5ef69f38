import { ConfigError } from './errors.js';
import type { StepUpRequirement } from './types.js';

/** Iron passwords: one string, or `{ id: password }` to rotate (the highest id seals, all unseal). */
export type CookiePassword = string | Record<string | number, string>;

export interface AuthKitConfig {
  clientId?: string;
  apiKey?: string;
  redirectUri?: string;
  cookiePassword?: CookiePassword;
  cookieName?: string;
  /** WorkOS API base URL; defaults to `https://api.workos.com` or the `WORKOS_API_*` variables. */
  apiUrl?: string;
  /**
   * WorkOS: expected `iss` for custom auth domains (`WORKOS_ISSUER`). OpenID Connect: the
   * provider's issuer to discover (`AUTH_ISSUER`).
   */
  issuer?: string;
  /**
   * Which wire protocol to speak. Default: `'oidc'` when `WORKOS_CLIENT_ID` is unset and
   * `AUTH_ISSUER` is set, else `'workos'`. `createAuthKit({ provider: oidc(...) })` sets it.
   */
  providerKind?: 'workos' | 'oidc';
  /** Allowed access-token signature algorithms. Never `none`, never HMAC. */
  algorithms?: Array<'RS256' | 'RS384' | 'RS512' | 'PS256' | 'ES256' | 'ES384' | 'EdDSA'>;
  /** Clock tolerance in seconds for `exp`/`iat`/`auth_time` checks (default 5). */
  clockTolerance?: number;
  /** Milliseconds before a call to the provider is abandoned (default 10 000; the JWKS gets at most 5 000). A timeout never signs anyone out. */
  providerTimeout?: number;
  cookieDomain?: string;
  /** Session cookie lifetime in seconds (default 400 days, the browser maximum). */
  cookieMaxAge?: number;
  /** Refresh this many seconds before the access token expires, where cookies can be written (default 30). */
  refreshBuffer?: number;
  /** `acr_values` sent to OpenID providers when MFA is requested. */
  mfaAcrValues?: string;
  /**
   * Next's `basePath` (`AUTHKIT_BASE_PATH`), e.g. `/app`: where a missing or refused `returnTo`
   * lands. The proxy reads the base path from each request itself.
   */
  basePath?: string;
  /** Variables to read instead of `process.env` (tests, multi-tenant setups). */
  env?: Record<string, string | undefined>;
}

export interface ResolvedConfig {
  providerKind: 'workos' | 'oidc';
  clientId: string;
  apiKey: string;
  redirectUri: URL;
  cookiePassword: CookiePassword;
  cookieName: string;
  apiUrl: string;
  issuer: string | undefined;
  algorithms: string[];
  clockTolerance: number;
  providerTimeout: number;
  cookieDomain: string | undefined;
  cookieMaxAge: number;
  /** False only for plain-http loopback redirect URIs (local development). */
  secureCookies: boolean;
  refreshBuffer: number;
  mfaAcrValues: string;
  /** `''` or Next's `basePath` (`/app`): no trailing slash. */
  basePath: string;
  /** OpenID Connect only: `AUTH_SCOPE`, `AUTH_AUDIENCE`, `AUTH_RESOURCE` (`oidc({...})` options win). */
  oidc?: { scope?: string; audience?: string; resource?: string };
}

export const DEFAULT_COOKIE_NAME = 'wos-session';
/** OpenID PAPE multi-factor policy: the common way to ask an OpenID provider for MFA. */
export const PAPE_MULTI_FACTOR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
const FOUR_HUNDRED_DAYS = 400 * 24 * 60 * 60;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function readEnv(config: AuthKitConfig): Record<string, string | undefined> {
  if (config.env) return config.env;
  // `process` is absent on some edge runtimes; Next inlines process.env there.
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env ?? {};
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function checkPasswords(password: CookiePassword | undefined, variable = 'WORKOS_COOKIE_PASSWORD'): CookiePassword {
  if (password === undefined || (typeof password === 'string' && password === '')) {
    throw new ConfigError(
      'config_missing_cookie_password',
      `${variable} is not set. Set it (or \`cookiePassword\`) to a random secret of at least 32 characters, e.g. the output of \`openssl rand -base64 32\`.`,
    );
  }
  const all = typeof password === 'string' ? [password] : Object.values(password);
  if (all.length === 0 || all.some((p) => typeof p !== 'string' || p.length < 32)) {
    throw new ConfigError(
      'config_weak_cookie_password',
      `${variable} must be at least 32 characters long (every password, when rotating). Generate one with \`openssl rand -base64 32\`.`,
    );
  }
  return password;
}

function workosApiUrl(config: AuthKitConfig, env: Record<string, string | undefined>): string {
  const explicit = nonEmpty(config.apiUrl);
  let url: string;
  if (explicit) {
    url = explicit;
  } else {
    const host = nonEmpty(env.WORKOS_API_HOSTNAME) ?? 'api.workos.com';
    const https = (nonEmpty(env.WORKOS_API_HTTPS) ?? 'true').toLowerCase() !== 'false';
    const port = nonEmpty(env.WORKOS_API_PORT);
    url = `${https ? 'https' : 'http'}://${host}${port ? `:${port}` : ''}`;
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('protocol');
  } catch {
    throw new ConfigError('config_invalid_api_url', `The WorkOS API URL "${url}" is not an http(s) URL. Check apiUrl or WORKOS_API_HOSTNAME/WORKOS_API_PORT/WORKOS_API_HTTPS.`);
  }
  return url.replace(/\/+$/, '');
}

/** Resolves explicit fields over environment variables; throws `ConfigError` with the variable to fix. */
export function resolveConfig(config: AuthKitConfig = {}): ResolvedConfig {
  const env = readEnv(config);
  // Generic OpenID Connect when only the AUTH_* variables are there; WorkOS otherwise.
  const providerKind = config.providerKind ?? (!nonEmpty(env.WORKOS_CLIENT_ID) && nonEmpty(env.AUTH_ISSUER) ? 'oidc' : 'workos');
  if (providerKind === 'oidc') return resolveOidcConfig(config, env);
  const clientId = nonEmpty(config.clientId) ?? nonEmpty(env.WORKOS_CLIENT_ID);
  if (!clientId) {
    throw new ConfigError('config_missing_client_id', 'WORKOS_CLIENT_ID is not set. Copy the client ID from the WorkOS dashboard (API Keys) into WORKOS_CLIENT_ID, or pass `clientId`.');
  }
  const apiKey = nonEmpty(config.apiKey) ?? nonEmpty(env.WORKOS_API_KEY);
  if (!apiKey) {
    throw new ConfigError('config_missing_api_key', 'WORKOS_API_KEY is not set. Copy the secret API key from the WorkOS dashboard into WORKOS_API_KEY, or pass `apiKey`.');
  }
  const redirectUri = readRedirectUri(config, env, 'WORKOS_REDIRECT_URI', 'the WorkOS dashboard');
  const cookiePassword = checkPasswords(config.cookiePassword ?? nonEmpty(env.WORKOS_COOKIE_PASSWORD));
  const issuer = nonEmpty(config.issuer) ?? nonEmpty(env.WORKOS_ISSUER);
  return { providerKind, clientId, apiKey, redirectUri, cookiePassword, apiUrl: workosApiUrl(config, env), issuer, ...commonSettings(config, env, redirectUri) };
}

function readRedirectUri(config: AuthKitConfig, env: Record<string, string | undefined>, variable: string, registerWith: string): URL {
  const rawRedirect =
    nonEmpty(config.redirectUri) ??
    (variable === 'AUTH_REDIRECT_URI' ? nonEmpty(env.AUTH_REDIRECT_URI) : undefined) ??
    nonEmpty(env.WORKOS_REDIRECT_URI) ??
    nonEmpty(env.NEXT_PUBLIC_WORKOS_REDIRECT_URI);
  let redirectUri: URL;
  try {
    if (!rawRedirect) throw new Error('missing');
    redirectUri = new URL(rawRedirect);
    if (redirectUri.protocol !== 'https:' && redirectUri.protocol !== 'http:') throw new Error('protocol');
  } catch {
    throw new ConfigError(
      'config_invalid_redirect_uri',
      `${variable} ${rawRedirect ? `("${rawRedirect}") is not an absolute http(s) URL` : 'is not set'}. Set it to the absolute URL of your callback route, e.g. http://localhost:3000/callback, and register it in ${registerWith}.`,
    );
  }
  return redirectUri;
}

/** `AUTH_ISSUER`, `AUTH_CLIENT_ID`, `AUTH_CLIENT_SECRET` (a public client has none: PKCE still binds the code). */
function resolveOidcConfig(config: AuthKitConfig, env: Record<string, string | undefined>): ResolvedConfig {
  const rawIssuer = nonEmpty(config.issuer) ?? nonEmpty(env.AUTH_ISSUER);
  let issuer: string;
  try {
    if (!rawIssuer) throw new Error('missing');
    const parsed = new URL(rawIssuer);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('protocol');
    issuer = rawIssuer;
  } catch {
    throw new ConfigError(
      'config_invalid_issuer',
      `AUTH_ISSUER ${rawIssuer ? `("${rawIssuer}") is not an http(s) URL` : 'is not set'}. Set it (or \`oidc({ issuer })\`) to your OpenID provider's issuer, e.g. https://your-tenant.eu.auth0.com/ — the URL its /.well-known/openid-configuration lives under.`,
    );
  }
  const clientId = nonEmpty(config.clientId) ?? nonEmpty(env.AUTH_CLIENT_ID);
  if (!clientId) {
    throw new ConfigError('config_missing_client_id', 'AUTH_CLIENT_ID is not set. Copy the client ID of the application registered with your OpenID provider into AUTH_CLIENT_ID, or pass `oidc({ clientId })`.');
  }
  const redirectUri = readRedirectUri(config, env, 'AUTH_REDIRECT_URI', 'your OpenID provider');
  const cookiePassword = checkPasswords(config.cookiePassword ?? nonEmpty(env.AUTH_COOKIE_PASSWORD) ?? nonEmpty(env.WORKOS_COOKIE_PASSWORD), 'AUTH_COOKIE_PASSWORD');
  const oidc: NonNullable<ResolvedConfig['oidc']> = {};
  const scope = nonEmpty(env.AUTH_SCOPE);
  const audience = nonEmpty(env.AUTH_AUDIENCE);
  const resource = nonEmpty(env.AUTH_RESOURCE);
  if (scope) oidc.scope = scope;
  if (audience) oidc.audience = audience;
  if (resource) oidc.resource = resource;
  return {
    providerKind: 'oidc',
    clientId,
    apiKey: nonEmpty(config.apiKey) ?? nonEmpty(env.AUTH_CLIENT_SECRET) ?? '',
    redirectUri,
    cookiePassword,
    apiUrl: issuer.replace(/\/+$/, ''),
    issuer,
    oidc,
    ...commonSettings(config, env, redirectUri),
  };
}

function commonSettings(config: AuthKitConfig, env: Record<string, string | undefined>, redirectUri: URL) {
  const maxAge = Number(config.cookieMaxAge ?? nonEmpty(env.WORKOS_COOKIE_MAX_AGE) ?? FOUR_HUNDRED_DAYS);
  return {
    cookieName: nonEmpty(config.cookieName) ?? nonEmpty(env.WORKOS_COOKIE_NAME) ?? DEFAULT_COOKIE_NAME,
    algorithms: config.algorithms ?? ['RS256'],
    clockTolerance: config.clockTolerance ?? 5,
    providerTimeout: config.providerTimeout ?? 10_000,
    cookieDomain: nonEmpty(config.cookieDomain) ?? nonEmpty(env.WORKOS_COOKIE_DOMAIN),
    cookieMaxAge: Number.isFinite(maxAge) && maxAge > 0 ? maxAge : FOUR_HUNDRED_DAYS,
    secureCookies: !(redirectUri.protocol === 'http:' && LOOPBACK.has(redirectUri.hostname)),
    refreshBuffer: config.refreshBuffer ?? 30,
    mfaAcrValues: nonEmpty(config.mfaAcrValues) ?? PAPE_MULTI_FACTOR,
    basePath: readBasePath(nonEmpty(config.basePath) ?? nonEmpty(env.AUTHKIT_BASE_PATH)),
  };
}

function readBasePath(value: string | undefined): string {
  if (value === undefined || value === '/') return '';
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(value)) {
    throw new ConfigError('config_invalid_base_path', `basePath "${value}" is not a path like /app. Set it (or AUTHKIT_BASE_PATH) to the basePath of next.config, without a trailing slash.`);
  }
  return value;
}

/** Where a missing or refused `returnTo` lands: the app's root, under its base path. */
export function homePath(config: Pick<ResolvedConfig, 'basePath'>): string {
  return config.basePath || '/';
}

/** Route policies below a minute would send the user straight back into another step-up. */
export const MIN_POLICY_MAX_AGE = 60;

export function checkStepUpPolicy(pattern: string, requirement: StepUpRequirement): void {
  const { maxAge } = requirement;
  if (maxAge !== undefined && (!Number.isFinite(maxAge) || maxAge < MIN_POLICY_MAX_AGE)) {
    throw new ConfigError(
      'config_invalid_step_up_policy',
      `The step-up policy for "${pattern}" has maxAge ${maxAge}; route policies need at least ${MIN_POLICY_MAX_AGE} seconds, or the user would be sent to re-authenticate again right after returning. Use requireStepUp() inside the action for "every time" checks.`,
    );
  }
}

/** Request header our middleware/proxy sets so server components know their own path. */
export const PATH_HEADER = 'x-authkit-path';
