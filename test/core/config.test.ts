import { describe, expect, it } from 'vitest';
import { checkStepUpPolicy, resolveConfig } from '../../src/core/config.js';
import { configErrorOf } from '../helpers/config-error.js';

const good = {
  WORKOS_CLIENT_ID: 'client_123',
  WORKOS_API_KEY: 'sk_test_123',
  WORKOS_REDIRECT_URI: 'http://localhost:3000/callback',
  WORKOS_COOKIE_PASSWORD: 'x'.repeat(32),
};

const codeOf = (run: () => unknown): string => configErrorOf(run).code;

describe('resolveConfig', () => {
  it('reads the WorkOS variables', () => {
    const config = resolveConfig({ env: good });
    expect(config.clientId).toBe('client_123');
    expect(config.apiUrl).toBe('https://api.workos.com');
    expect(config.cookieName).toBe('wos-session');
    expect(config.secureCookies).toBe(false);
  });

  it('explicit fields win over env', () => {
    const config = resolveConfig({ env: good, clientId: 'client_explicit', cookieName: 'mine', apiUrl: 'http://127.0.0.1:9/' });
    expect(config.clientId).toBe('client_explicit');
    expect(config.cookieName).toBe('mine');
    expect(config.apiUrl).toBe('http://127.0.0.1:9');
  });

  it('builds the API URL from WORKOS_API_HOSTNAME/PORT/HTTPS', () => {
    const config = resolveConfig({ env: { ...good, WORKOS_API_HOSTNAME: '127.0.0.1', WORKOS_API_PORT: '8787', WORKOS_API_HTTPS: 'false' } });
    expect(config.apiUrl).toBe('http://127.0.0.1:8787');
  });

  it('uses Secure cookies except for plain-http loopback', () => {
    expect(resolveConfig({ env: { ...good, WORKOS_REDIRECT_URI: 'https://app.example/callback' } }).secureCookies).toBe(true);
    expect(resolveConfig({ env: { ...good, WORKOS_REDIRECT_URI: 'http://app.example/callback' } }).secureCookies).toBe(true);
  });

  it('names the variable to fix', () => {
    expect(codeOf(() => resolveConfig({ env: { ...good, WORKOS_CLIENT_ID: '' } }))).toBe('config_missing_client_id');
    expect(codeOf(() => resolveConfig({ env: { ...good, WORKOS_API_KEY: undefined } }))).toBe('config_missing_api_key');
    expect(codeOf(() => resolveConfig({ env: { ...good, WORKOS_COOKIE_PASSWORD: undefined } }))).toBe('config_missing_cookie_password');
    expect(codeOf(() => resolveConfig({ env: { ...good, WORKOS_COOKIE_PASSWORD: 'short' } }))).toBe('config_weak_cookie_password');
    expect(codeOf(() => resolveConfig({ env: { ...good, WORKOS_REDIRECT_URI: 'not a url' } }))).toBe('config_invalid_redirect_uri');
    expect(codeOf(() => resolveConfig({ env: { ...good, WORKOS_REDIRECT_URI: 'javascript:alert(1)' } }))).toBe('config_invalid_redirect_uri');
    expect(() => resolveConfig({ env: { ...good, WORKOS_COOKIE_PASSWORD: 'short' } })).toThrow(/WORKOS_COOKIE_PASSWORD/);
    expect(() => resolveConfig({ env: { ...good, WORKOS_CLIENT_ID: '' } })).toThrow(/WORKOS_CLIENT_ID/);
  });

  it('checks every rotated password', () => {
    expect(codeOf(() => resolveConfig({ env: good, cookiePassword: { 1: 'y'.repeat(32), 2: 'short' } }))).toBe('config_weak_cookie_password');
    expect(resolveConfig({ env: good, cookiePassword: { 1: 'y'.repeat(32), 2: 'z'.repeat(40) } }).cookiePassword).toEqual({ 1: 'y'.repeat(32), 2: 'z'.repeat(40) });
  });
});

describe('checkStepUpPolicy', () => {
  it('rejects route policies under 60 s (they would loop)', () => {
    expect(() => checkStepUpPolicy('/account/:path*', { maxAge: 30 })).toThrow(/at least 60 seconds/);
    expect(() => checkStepUpPolicy('/account/:path*', { maxAge: 60, mfa: true })).not.toThrow();
    expect(() => checkStepUpPolicy('/console/:path*', { mfa: true })).not.toThrow();
  });
});
