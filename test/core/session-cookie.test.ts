import { sealData } from 'iron-session';
import { describe, expect, it, vi } from 'vitest';
import { parseCookieHeader, serializeCookie } from '../../src/core/cookies.js';
import { clearSessionCookies, readSessionSeal, sealSession, sessionCookies, unsealSession } from '../../src/core/session-cookie.js';
import type { CookieOptions, Session } from '../../src/core/types.js';

const password = 'p'.repeat(32);
const options: CookieOptions = { httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: 100 };
const user = {
  object: 'user' as const,
  id: 'user_1',
  email: 'a@example.com',
  emailVerified: true,
  firstName: 'A',
  lastName: null,
  profilePictureUrl: null,
  lastSignInAt: null,
  externalId: null,
  metadata: {},
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};
const session: Session = { accessToken: 'at', refreshToken: 'rt', user };

/** What a browser would send back after receiving `set`. */
function browserHeader(set: ReturnType<typeof sessionCookies>): string {
  return set.filter((c) => (c.options.maxAge ?? 1) > 0).map((c) => `${c.name}=${c.value}`).join('; ');
}

describe('session cookie', () => {
  it('round-trips the wos-session format', async () => {
    const seal = await sealSession(session, password, 3600);
    expect(seal.endsWith('~2')).toBe(true);
    expect(await unsealSession(seal, password)).toEqual(session);
  });

  it('reads a seal written by iron-session directly (the authkit-nextjs way)', async () => {
    const seal = await sealData(session, { password });
    expect(await unsealSession(seal, password)).toEqual(session);
  });

  it('rotates passwords: the newest seals, older ones still unseal', async () => {
    const old = 'o'.repeat(32);
    const next = 'n'.repeat(32);
    const oldSeal = await sealSession(session, old, 3600);
    const rotated = { 1: old, 2: next };
    expect(await unsealSession(oldSeal, rotated)).toEqual(session);
    const newSeal = await sealSession(session, rotated, 3600);
    // Iron seals name their password id: after rotating, keep the ids stable.
    expect(await unsealSession(newSeal, { 2: next })).toEqual(session);
    expect(await unsealSession(newSeal, { 1: old })).toBeNull();
  });

  it('tampered, truncated, foreign or non-session seals are signed out, never a throw', async () => {
    const seal = await sealSession(session, password, 3600);
    const flipped = seal.slice(0, 40) + (seal[40] === 'A' ? 'B' : 'A') + seal.slice(41);
    expect(await unsealSession(flipped, password)).toBeNull();
    expect(await unsealSession(seal.slice(0, seal.length - 10), password)).toBeNull();
    expect(await unsealSession(await sealData(session, { password: 'f'.repeat(32) }), password)).toBeNull();
    expect(await unsealSession(await sealData({ hello: 'world' }, { password }), password)).toBeNull();
    for (const junk of ['', '~2', 'Fe26.2**', 'a'.repeat(100_000), '%%%', 'Fe26.2*1*a*b*c*d*e*f~2']) {
      expect(await unsealSession(junk, password)).toBeNull();
    }
  });

  it('an expired seal is signed out', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 2 * 3600_000);
    const seal = await sealSession(session, password, 60);
    vi.useRealTimers();
    expect(await unsealSession(seal, password)).toBeNull();
  });

  it('fits a typical session in one cookie under 4096 bytes', async () => {
    const seal = await sealSession(session, password, 3600);
    const set = sessionCookies(seal, 'wos-session', options, new Map());
    expect(set).toHaveLength(1);
    expect(serializeCookie(set[0]!).length).toBeLessThanOrEqual(4096);
  });

  it('splits a large session into chunks and reads it back whole', async () => {
    const big: Session = { ...session, accessToken: 'x'.repeat(9000) };
    const seal = await sealSession(big, password, 3600);
    const set = sessionCookies(seal, 'wos-session', options, parseCookieHeader('wos-session=old'));
    const chunks = set.filter((c) => c.name.startsWith('wos-session.'));
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const c of chunks) expect(serializeCookie(c).length).toBeLessThanOrEqual(4096);
    // The plain cookie it replaces is deleted.
    expect(set.find((c) => c.name === 'wos-session')?.options.maxAge).toBe(0);
    const back = readSessionSeal(parseCookieHeader(browserHeader(set)), 'wos-session');
    expect(back).toBe(seal);
    expect(await unsealSession(back!, password)).toEqual(big);
  });

  it('chunks in the wrong order do not unseal', async () => {
    const big: Session = { ...session, accessToken: 'x'.repeat(9000) };
    const seal = await sealSession(big, password, 3600);
    const set = sessionCookies(seal, 'wos-session', options, new Map());
    const [a, b, ...rest] = set;
    const swapped = [{ ...a!, value: b!.value }, { ...b!, value: a!.value }, ...rest];
    expect(await unsealSession(readSessionSeal(parseCookieHeader(browserHeader(swapped)), 'wos-session')!, password)).toBeNull();
  });

  it('going back to one cookie deletes stale chunks', async () => {
    const seal = await sealSession(session, password, 3600);
    const set = sessionCookies(seal, 'wos-session', options, parseCookieHeader('wos-session.0=a; wos-session.1=b; other=1'));
    expect(set.map((c) => [c.name, c.options.maxAge])).toEqual([
      ['wos-session', 100],
      ['wos-session.0', 0],
      ['wos-session.1', 0],
    ]);
  });

  it('clearing removes every part', () => {
    const cleared = clearSessionCookies('wos-session', options, parseCookieHeader('wos-session.0=a; wos-session.1=b'));
    expect(cleared.map((c) => c.name).sort()).toEqual(['wos-session', 'wos-session.0', 'wos-session.1']);
    expect(cleared.every((c) => c.options.maxAge === 0)).toBe(true);
  });
});
