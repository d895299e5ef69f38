import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { idClaimsOf, toOidcUser, toProviderError, toRefreshError } from '../../src/core/providers/oidc-claims.js';

// The pure parts of the OpenID provider: claims → User, the ID-token claims kept across refresh,
// and which provider failures are transient.

describe('OpenID claims', () => {
  it('maps standard claims into the User shape', () => {
    const user = toOidcUser({ sub: 'u1', email: 'a@example.com', email_verified: true, given_name: 'Ada', family_name: 'Lovelace', picture: 'https://img/a.png', auth_time: 1_700_000_000, updated_at: 1_600_000_000 });
    expect(user).toEqual({
      object: 'user',
      id: 'u1',
      email: 'a@example.com',
      emailVerified: true,
      firstName: 'Ada',
      lastName: 'Lovelace',
      profilePictureUrl: 'https://img/a.png',
      lastSignInAt: '2023-11-14T22:13:20.000Z',
      externalId: null,
      metadata: {},
      createdAt: '',
      updatedAt: '2020-09-13T12:26:40.000Z',
    });
  });

  it('falls back to an email-shaped preferred_username (never verified) and to name; keeps what a refresh omits', () => {
    const entra = toOidcUser({ sub: 'u2', preferred_username: 'b@contoso.com', name: 'Bea Contoso' });
    expect(entra).toMatchObject({ email: 'b@contoso.com', emailVerified: false, firstName: 'Bea Contoso', lastName: null });
    expect(toOidcUser({ sub: 'u3', preferred_username: 'not-an-email' }).email).toBe('');
    const refreshed = toOidcUser({ sub: 'u1' }, toOidcUser({ sub: 'u1', email: 'a@example.com', email_verified: true, given_name: 'Ada', auth_time: 1 }));
    expect(refreshed).toMatchObject({ email: 'a@example.com', emailVerified: true, firstName: 'Ada', lastSignInAt: '1970-01-01T00:00:01.000Z' });
  });

  it('keeps amr/auth_time from the callback when a refreshed ID token omits them (Auth0 drops amr)', () => {
    const atCallback = idClaimsOf({ sub: 'u1', amr: ['pwd', 'mfa'], auth_time: 100, sid: 's1' });
    expect(atCallback).toEqual({ amr: ['pwd', 'mfa'], auth_time: 100, sid: 's1' });
    expect(idClaimsOf({ sub: 'u1', auth_time: 100 }, atCallback)).toEqual({ amr: ['pwd', 'mfa'], auth_time: 100, sid: 's1' });
    expect(idClaimsOf({ sub: 'u1', amr: ['pwd'] }, atCallback)).toMatchObject({ amr: ['pwd'] });
    expect(idClaimsOf({ sub: 'u1' })).toBeUndefined();
  });
});

describe('provider failures', () => {
  const body = (status: number, error: string) =>
    new oauth.ResponseBodyError('server responded with an error in the response body', { cause: { error }, response: new Response(null, { status }) });

  it('network errors, timeouts, 408, 429 and 5xx are transient; OAuth refusals are definitive', () => {
    expect(toProviderError(new TypeError('fetch failed'), 'refresh_token grant')).toMatchObject({ transient: true, code: 'provider_unavailable' });
    expect(toProviderError(new DOMException('The operation timed out.', 'TimeoutError'), 'x')).toMatchObject({ transient: true });
    for (const status of [408, 429, 500, 503]) expect(toProviderError(body(status, 'temporarily_unavailable'), 'x').transient).toBe(true);
    expect(toProviderError(body(400, 'invalid_grant'), 'refresh_token grant')).toMatchObject({ transient: false, providerCode: 'invalid_grant', code: 'refresh_failed' });
    expect(toProviderError(body(401, 'invalid_client'), 'x')).toMatchObject({ transient: false, providerCode: 'invalid_client' });
    // A 502 page from a proxy (not an OAuth body) is transient; a malformed 200 is not.
    const gateway = new oauth.OperationProcessingError('unexpected HTTP status code', { cause: new Response('<html>', { status: 502 }), code: oauth.RESPONSE_IS_NOT_CONFORM });
    expect(toProviderError(gateway, 'x').transient).toBe(true);
    expect(toProviderError(new oauth.OperationProcessingError('"response" body "access_token" property must be a string', { code: oauth.INVALID_RESPONSE }), 'x').transient).toBe(false);
  });

  it('a refresh signs out only on an OAuth 400 refusal; invalid_client, 404s and malformed answers keep the session', () => {
    expect(toRefreshError(body(400, 'invalid_grant'))).toMatchObject({ transient: false, providerCode: 'invalid_grant' });
    expect(toRefreshError(body(401, 'invalid_client'))).toMatchObject({ transient: true, providerCode: 'invalid_client' });
    const notFound = new oauth.OperationProcessingError('unexpected HTTP status code', { cause: new Response('nope', { status: 404 }), code: oauth.RESPONSE_IS_NOT_CONFORM });
    expect(toRefreshError(notFound).transient).toBe(true);
    expect(toRefreshError(new oauth.OperationProcessingError('"response" body "access_token" property must be a string', { code: oauth.INVALID_RESPONSE })).transient).toBe(true);
    expect(toRefreshError(new TypeError('terminated')).transient).toBe(true);
  });
});
