import { describe, expect, it } from 'vitest';
import { applyCookies, parseCookieHeader, serializeCookie } from '../../src/core/cookies.js';

describe('cookie header', () => {
  it('parses, keeping the first of a repeated name', () => {
    const jar = parseCookieHeader('a=1; b="2"; a=3; junk; =x; c=');
    expect([...jar]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', ''],
    ]);
  });
  it('serialises with the attributes asked for', () => {
    expect(serializeCookie({ name: 'wos-session', value: 'v', options: { httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: 10 } })).toBe(
      'wos-session=v; Path=/; Max-Age=10; HttpOnly; Secure; SameSite=Lax',
    );
    expect(serializeCookie({ name: 'x', value: '', options: { httpOnly: true, secure: false, sameSite: 'lax', path: '/cb', maxAge: 0 } })).toContain('Expires=Thu, 01 Jan 1970');
  });
  it('applies set and deleted cookies to a request header', () => {
    const opts = { httpOnly: true, secure: false, sameSite: 'lax' as const, path: '/' };
    expect(applyCookies('a=1; b=2', [{ name: 'a', value: 'new', options: opts }, { name: 'b', value: '', options: { ...opts, maxAge: 0 } }, { name: 'c', value: '3', options: opts }])).toBe('a=new; c=3');
  });
});
