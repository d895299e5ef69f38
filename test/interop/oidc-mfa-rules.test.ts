import { describe, expect, it } from 'vitest';
import { createAuthKit, hasMfa, oidc, PAPE_MULTI_FACTOR } from '../../src/index.js';
import { applyMfaRules, compileMfaRules, idClaimsOf, withMfaRules } from '../../src/core/providers/oidc-claims.js';
import { internal } from '../../src/core/internal.js';
import { COOKIE_PASSWORD } from '../helpers/flow.js';

// The pure parts of `oidc({ mfa })`: alias mapping, acr → mfa, what a refresh keeps, and which
// `acr_values` an MFA step-up sends.

const rules = compileMfaRules({ amr: { password: 'pwd', otp: 'otp', webauthn: 'hwk' }, acr: ['urn:example:mfa', 'gold'] })!;

describe('oidc({ mfa }) rules', () => {
  it('maps provider names to RFC 8176 values, keeps unknown ones, drops duplicates; an acr in the list adds mfa', () => {
    expect(applyMfaRules(['password', 'otp'], undefined, rules)).toEqual(['pwd', 'otp']);
    expect(hasMfa(applyMfaRules(['password', 'otp'], undefined, rules) as string[])).toBe(true);
    expect(applyMfaRules(['password', 'pwd', 'swk', 'x-custom'], undefined, rules)).toEqual(['pwd', 'swk', 'x-custom']);
    expect(applyMfaRules(undefined, 'gold', rules)).toEqual(['mfa']);
    expect(applyMfaRules(['password'], 'urn:example:mfa', rules)).toEqual(['pwd', 'mfa']);
    expect(applyMfaRules(['mfa'], 'gold', rules)).toEqual(['mfa']);
    // Another acr, a near miss, or an acr that is not a string adds nothing.
    for (const acr of ['silver', 'Gold', 'gold ', 'urn:example:mfa2', ['gold'], 2, null]) {
      expect(applyMfaRules(undefined, acr, rules)).toBeUndefined();
      expect(applyMfaRules(['password'], acr, rules)).toEqual(['pwd']);
    }
    // `2` (a number) is not the listed `'2'`.
    expect(applyMfaRules(undefined, 2, compileMfaRules({ acr: ['2'] }))).toBeUndefined();
    expect(applyMfaRules(undefined, '2', compileMfaRules({ acr: ['2'] }))).toEqual(['mfa']);
  });

  it('leaves a malformed amr malformed (SECURITY.md §2 fails it closed) and never reads the prototype', () => {
    expect(applyMfaRules('password', 'gold', rules)).toBe('password');
    expect(applyMfaRules(['otp', 1], 'gold', rules)).toEqual(['otp', 1]);
    expect(applyMfaRules(['constructor', '__proto__', 'toString', 'hasOwnProperty'], undefined, rules)).toEqual(['constructor', '__proto__', 'toString', 'hasOwnProperty']);
  });

  it('without rules, or with empty ones, changes nothing', () => {
    expect(compileMfaRules(undefined)).toBeUndefined();
    expect(compileMfaRules({})).toBeUndefined();
    expect(compileMfaRules({ amr: {}, acr: [] })).toBeUndefined();
    const amr = ['password'];
    expect(applyMfaRules(amr, 'gold', undefined)).toBe(amr);
    const payload = { sub: 'u', amr, acr: 'gold' };
    expect(withMfaRules(payload, undefined)).toBe(payload);
  });

  it('rewrites only amr of a payload, never the input object', () => {
    const payload = { sub: 'u', amr: ['password', 'otp'], acr: 'gold', custom: { a: 1 } };
    const out = withMfaRules(payload, rules);
    expect(out).toEqual({ sub: 'u', amr: ['pwd', 'otp', 'mfa'], acr: 'gold', custom: { a: 1 } });
    expect(payload.amr).toEqual(['password', 'otp']);
    expect(withMfaRules({ sub: 'u', acr: 'silver' }, rules)).toEqual({ sub: 'u', acr: 'silver' });
  });

  it('takes a lone acr string as one value, and refuses malformed options', () => {
    const lone = compileMfaRules({ acr: 'gold' as unknown as string[] })!;
    expect(applyMfaRules(undefined, 'g', lone)).toBeUndefined();
    expect(applyMfaRules(undefined, 'gold', lone)).toEqual(['mfa']);
    expect(() => compileMfaRules({ acr: [''] })).toThrow(TypeError);
    expect(() => compileMfaRules({ acr: [2 as unknown as string] })).toThrow(TypeError);
    expect(() => compileMfaRules({ amr: { password: '' } })).toThrow(TypeError);
    expect(() => oidc({ mfa: { amr: { otp: 3 as unknown as string } } })).toThrow(/RFC 8176/);
  });

  it('ID-token claims: mapped at the callback; a refresh keeps them unless its token says otherwise', () => {
    const atCallback = idClaimsOf({ sub: 'u', amr: ['password', 'otp'], auth_time: 100, sid: 's' }, undefined, rules);
    expect(atCallback).toEqual({ amr: ['pwd', 'otp'], auth_time: 100, sid: 's' });
    // A refreshed ID token without amr or acr (Auth0 drops amr): the callback's list stays.
    expect(idClaimsOf({ sub: 'u' }, atCallback, rules)).toEqual(atCallback);
    // acr-only: the callback's acr made it mfa; the same acr on refresh keeps it, another acr takes it away.
    const byAcr = idClaimsOf({ sub: 'u', acr: 'gold', auth_time: 100 }, undefined, rules);
    expect(byAcr).toEqual({ amr: ['mfa'], auth_time: 100 });
    expect(idClaimsOf({ sub: 'u', acr: 'gold' }, byAcr, rules)).toEqual(byAcr);
    expect(idClaimsOf({ sub: 'u', acr: 'silver' }, byAcr, rules)).toEqual({ auth_time: 100 });
    // Aliases only: as without rules, acr plays no part.
    const aliasesOnly = compileMfaRules({ amr: { password: 'pwd' } });
    expect(idClaimsOf({ sub: 'u', acr: 'silver' }, { amr: ['pwd'] }, aliasesOnly)).toEqual({ amr: ['pwd'] });
  });
});

describe('acr_values for an MFA step-up', () => {
  const base = { issuer: 'https://op.example.com', clientId: 'c', clientSecret: 's' };
  const kit = (provider: ReturnType<typeof oidc>, top: { mfaAcrValues?: string } = {}) =>
    createAuthKit({ provider, redirectUri: 'https://app.example.com/callback', cookiePassword: COOKIE_PASSWORD, env: {}, ...top });

  it('oidc({ mfaAcrValues }) > oidc({ mfa: { acr } }) > createAuthKit({ mfaAcrValues }) > PAPE', () => {
    expect(internal(kit(oidc(base))).config.mfaAcrValues).toBe(PAPE_MULTI_FACTOR);
    expect(internal(kit(oidc(base), { mfaAcrValues: 'top' })).config.mfaAcrValues).toBe('top');
    expect(internal(kit(oidc({ ...base, mfa: { acr: ['urn:okta:loa:2fa:any', 'gold'] } }), { mfaAcrValues: 'top' })).config.mfaAcrValues).toBe('urn:okta:loa:2fa:any gold');
    expect(internal(kit(oidc({ ...base, mfa: { acr: ['gold'] }, mfaAcrValues: 'explicit' }), { mfaAcrValues: 'top' })).config.mfaAcrValues).toBe('explicit');
    // Aliases alone do not change what is requested.
    expect(internal(kit(oidc({ ...base, mfa: { amr: { password: 'pwd' } } }), { mfaAcrValues: 'top' })).config.mfaAcrValues).toBe('top');
  });
});
