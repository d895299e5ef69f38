/**
 * What the dev identity provider's tests share: a cookie jar over fetch, the authorize URL, the
 * two ways through a login (the form, or a scripted `nextLogin`) and the token endpoint.
 */
import { createHash, randomBytes } from 'node:crypto';
import { WorkOS } from '@workos-inc/node';
import { decodeJwt } from 'jose';
import type { JWTPayload } from 'jose';
import { expect } from 'vitest';
import type { DevIdp, NextLoginOptions } from '../../src/testing/index.js';
import { APP } from '../helpers/flow.js';

export const REDIRECT = `${APP}/callback`;

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A cookie jar over fetch, never following redirects. */
export class Browser {
  private readonly jar = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      if (/max-age=0/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, pair!.slice(eq + 1));
    }
    return res;
  }

  get(url: string): Promise<Response> {
    return this.request(url);
  }

  post(url: string, form: Record<string, string>): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  get cookieCount(): number {
    return this.jar.size;
  }
}

interface AuthorizeExtras {
  maxAge?: number;
  loginHint?: string;
  organizationId?: string;
  redirectUri?: string;
}

export function authorizeUrl(idp: DevIdp, challenge: string, state = 'st', extra: AuthorizeExtras = {}): string {
  const u = new URL(`${idp.url}/user_management/authorize`);
  u.searchParams.set('client_id', idp.clientId);
  u.searchParams.set('redirect_uri', extra.redirectUri ?? REDIRECT);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('provider', 'authkit');
  u.searchParams.set('state', state);
  u.searchParams.set('code_challenge', challenge);
  u.searchParams.set('code_challenge_method', 'S256');
  if (extra.maxAge !== undefined) u.searchParams.set('max_age', String(extra.maxAge));
  if (extra.loginHint) u.searchParams.set('login_hint', extra.loginHint);
  if (extra.organizationId) u.searchParams.set('organization_id', extra.organizationId);
  return u.href;
}

export function pendingId(html: string): string {
  const m = /name="pending" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no pending id in page:\n${html.slice(0, 500)}`);
  return m[1]!;
}

export function codeFrom(res: Response, state: string): string {
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  expect(location.searchParams.get('state')).toBe(state);
  const code = location.searchParams.get('code');
  expect(code).toBeTruthy();
  return code!;
}

/** Drives the form: login page -> password -> (code page) -> redirect. */
export async function interactiveLogin(
  idp: DevIdp,
  browser: Browser,
  email: string,
  extra: AuthorizeExtras = {},
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString('hex');
  const page = await browser.request(authorizeUrl(idp, challenge, state, extra));
  expect(page.status).toBe(200);
  const pending = pendingId(await page.text());
  let res = await browser.post(`${idp.url}/dev-idp/login`, { pending, email, password: 'password' });
  const user = idp.users.find((u) => u.email === email)!;
  if (user.mfa) {
    expect(res.status).toBe(200);
    res = await browser.post(`${idp.url}/dev-idp/mfa`, { pending: pendingId(await res.text()), code: user.mfa.code });
  }
  return { code: codeFrom(res, state), verifier };
}

/** Completes an authorize request that must not show a form (nextLogin or SSO). */
export async function silentLogin(idp: DevIdp, browser: Browser, extra: AuthorizeExtras = {}) {
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString('hex');
  const res = await browser.request(authorizeUrl(idp, challenge, state, extra));
  return { code: codeFrom(res, state), verifier };
}

export function authenticate(idp: DevIdp, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${idp.url}/user_management/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: idp.clientId, client_secret: idp.apiKey, ...body }),
  });
}

export interface TokenResponse {
  user: Record<string, unknown>;
  organization_id?: string;
  access_token: string;
  refresh_token: string;
  authentication_method: string;
}

export async function exchange(idp: DevIdp, login: { code: string; verifier: string }): Promise<TokenResponse> {
  const res = await authenticate(idp, { grant_type: 'authorization_code', code: login.code, code_verifier: login.verifier });
  expect(res.status).toBe(200);
  return (await res.json()) as TokenResponse;
}

export async function refresh(idp: DevIdp, refreshToken: string, extra: Record<string, unknown> = {}): Promise<Response> {
  return authenticate(idp, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });
}

export const claims = (t: TokenResponse): JWTPayload & Record<string, unknown> => decodeJwt(t.access_token);
export const nowSec = () => Math.floor(Date.now() / 1000);

export interface Tokens {
  access_token: string;
  refresh_token: string;
  sid: string;
}

/** A scripted login (`nextLogin`) through `browser`, then the code exchange. */
export async function login(idp: DevIdp, browser: Browser, next: NextLoginOptions = { email: 'alice@example.com' }): Promise<Tokens> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  idp.nextLogin(next);
  const res = await browser.get(authorizeUrl(idp, challenge));
  expect(res.status).toBe(302);
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  const tokens = (await (await authenticate(idp, { grant_type: 'authorization_code', code, code_verifier: verifier })).json()) as Tokens;
  return { ...tokens, sid: decodeJwt(tokens.access_token).sid as string };
}

/** The official WorkOS Node SDK pointed at the dev IdP, as test/interop/workos-node.test.ts builds it. */
export function workosFor(idp: DevIdp, apiKey = idp.apiKey): WorkOS {
  const api = new URL(idp.url);
  return new WorkOS(apiKey, { apiHostname: api.hostname, port: Number(api.port), https: false, clientId: idp.clientId });
}
