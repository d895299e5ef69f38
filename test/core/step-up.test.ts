import { describe, expect, it } from 'vitest';
import { authAge, evaluateStepUp, hasMfa } from '../../src/core/step-up.js';
import { readAmr, readAuthTime } from '../../src/core/claims.js';

describe('hasMfa (invariant 3)', () => {
  it('accepts mfa, or two different factor classes', () => {
    expect(hasMfa(['mfa'])).toBe(true);
    expect(hasMfa(['pwd', 'otp'])).toBe(true);
    expect(hasMfa(['pin', 'fpt'])).toBe(true);
    expect(hasMfa(['hwk', 'face'])).toBe(true);
  });
  it('rejects one class, even twice, and anything not an array', () => {
    expect(hasMfa(['pwd'])).toBe(false);
    expect(hasMfa(['pwd', 'pin', 'kba'])).toBe(false);
    expect(hasMfa(['otp', 'sms', 'hwk'])).toBe(false);
    expect(hasMfa([])).toBe(false);
    expect(hasMfa(undefined)).toBe(false);
    expect(hasMfa('mfa' as unknown as string[])).toBe(false);
  });
});

describe('claims validation (invariant 2)', () => {
  it('exposes amr only as an array of strings', () => {
    expect(readAmr(['pwd', 'mfa'])).toEqual(['pwd', 'mfa']);
    expect(readAmr('mfa')).toBeUndefined();
    expect(readAmr(['mfa', 1])).toBeUndefined();
    expect(readAmr({ 0: 'mfa', length: 1 })).toBeUndefined();
    expect(readAmr(null)).toBeUndefined();
  });
  it('returns a frozen copy', () => {
    const amr = readAmr(['pwd']);
    expect(Object.isFrozen(amr)).toBe(true);
  });
  it('exposes authTime only as a finite number', () => {
    expect(readAuthTime(1_700_000_000)).toBe(1_700_000_000);
    expect(readAuthTime('1700000000')).toBeUndefined();
    expect(readAuthTime(Number.NaN)).toBeUndefined();
    expect(readAuthTime(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(readAuthTime(null)).toBeUndefined();
  });
});

describe('evaluateStepUp / authAge', () => {
  const now = 1_000_000;
  it('freshness is inclusive', () => {
    expect(evaluateStepUp({ authTime: now - 300, amr: ['pwd'] }, { maxAge: 300 }, now).satisfied).toBe(true);
    expect(evaluateStepUp({ authTime: now - 301, amr: ['pwd'] }, { maxAge: 300 }, now)).toEqual({ satisfied: false, reasons: ['stale'], authAge: 301 });
  });
  it('missing authTime is stale; missing amr is not MFA (fail closed)', () => {
    expect(evaluateStepUp({ authTime: undefined, amr: undefined }, { maxAge: 3600, mfa: true }, now)).toEqual({
      satisfied: false,
      reasons: ['stale', 'mfa_missing'],
      authAge: undefined,
    });
  });
  it('maxAge 0 needs an authentication this very second', () => {
    expect(evaluateStepUp({ authTime: now, amr: [] }, { maxAge: 0 }, now).satisfied).toBe(true);
    expect(evaluateStepUp({ authTime: now - 1, amr: [] }, { maxAge: 0 }, now).satisfied).toBe(false);
  });
  it('signed out never satisfies', () => {
    expect(evaluateStepUp(null, {}, now)).toEqual({ satisfied: false, reasons: ['signed_out'], authAge: undefined });
  });
  it('an empty requirement is met by any session', () => {
    expect(evaluateStepUp({ authTime: undefined, amr: undefined }, {}, now).satisfied).toBe(true);
  });
  it('authAge is whole seconds, never negative', () => {
    expect(authAge({ authTime: now - 90.5 }, now)).toBe(90);
    expect(authAge({ authTime: now + 50 }, now)).toBe(0);
    expect(authAge({ authTime: undefined }, now)).toBeUndefined();
  });
});
