import { describe, expect, it } from 'vitest';
import { configErrorOf } from '../helpers/config-error.js';
import { compileExemptPattern, compileRoutePattern, MAX_READABLE_PATH } from '../../src/core/route-match.js';
import { compileRoutePolicies } from '../../src/core/route-policies.js';
import { evaluateStepUp } from '../../src/core/step-up.js';
import type { StepUpRequirement } from '../../src/core/types.js';

// SECURITY.md invariant 13: every route policy that matches a path applies (the strictest
// combination); a pattern the proxy cannot enforce exactly is a ConfigError, never a silent miss.

const NOW = 1_900_000_000;
/** Signed in 20 minutes ago with MFA. */
const twentyMinutesAgoWithMfa = { authTime: NOW - 20 * 60, amr: ['pwd', 'mfa'] };
/** Signed in a minute ago, password only. */
const freshWithoutMfa = { authTime: NOW - 60, amr: ['pwd'] };

/** Every ordering of `items`. */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('patterns the proxy cannot enforce are refused when it is built (invariant 13)', () => {
  // From the security review: each of these was accepted and then never matched /admin/users, so a
  // user without MFA walked into the admin area.
  const fromReview: Array<[pattern: string, suggestion: string | undefined]> = [
    ['/admin/(.*)', '/admin/:path*'],
    ['/admin/:path(.*)', '/admin/:path*'],
    ['/admin/*', '/admin/:path*'],
    ['/admin/:path*/', '/admin/:path*'],
    ['/(admin)/:path*', undefined],
  ];
  for (const [pattern, suggestion] of fromReview) {
    it(`refuses ${pattern} (config_invalid_route_pattern), naming the pattern, why, and what to write`, () => {
      for (const build of [() => compileRoutePolicies({ [pattern]: { mfa: true } }), () => compileRoutePattern(pattern), () => compileExemptPattern(pattern)]) {
        const error = configErrorOf(build);
        expect(error.code).toBe('config_invalid_route_pattern');
        expect(error.status).toBe(500);
        expect(error.message).toContain(JSON.stringify(pattern));
        expect(error.message).toMatch(/is refused: .{10,}/);
        expect(error.message).toMatch(/Write /);
        if (suggestion) expect(error.message).toContain(`Write "${suggestion}" instead`);
      }
    });
  }

  it('says a route group is not in the URL, and does not suggest a catch-all for the whole site', () => {
    const error = configErrorOf(() => compileRoutePattern('/(admin)/:path*'));
    expect(error.message).toMatch(/route group/);
    expect(error.message).not.toContain('Write "/:path*"');
  });

  const others = [
    'admin/:path*', // no leading slash
    '',
    '/admin//users', // empty segment
    '//admin',
    '/admin/',
    '/admin/:id(\\d+)', // custom parameter regex
    '/admin/(.+)',
    '/admin/:path((?!public).*)',
    '/((?!_next).*)',
    '/admin/{:id}?', // optional group
    '/admin{/:id}',
    '/admin/**',
    '/admin/+',
    '/admin?',
    '/admin/:id.json', // parameter inside a segment
    '/admin-:id',
    '/admin/:',
    '/admin/:1',
    '/admin/.', // dot segments
    '/admin/..',
    '/admin\\users', // escapes
    '/admin/\\:id',
    '/admin/[id]', // file-system syntax
    '/admin/[...slug]',
    '/admin/[[...slug]]',
    '/@modal/photo', // parallel-route slot
    '/ädmin', // non-ASCII (the URL carries it percent-encoded)
    '/admin%2Fusers',
    '/admin/a b',
    '/admin/#x',
    '/admin/:id#x',
  ];
  for (const pattern of others) {
    it(`refuses ${JSON.stringify(pattern)}`, () => {
      const error = configErrorOf(() => compileRoutePolicies({ [pattern]: { mfa: true } }));
      expect(error.code).toBe('config_invalid_route_pattern');
      expect(error.message).toContain(JSON.stringify(pattern));
    });
  }

  it('suggests the matcher form of file-system route syntax', () => {
    expect(configErrorOf(() => compileRoutePattern('/teams/[id]')).message).toContain('Write "/teams/:id" instead');
    expect(configErrorOf(() => compileRoutePattern('/docs/[...slug]')).message).toContain('Write "/docs/:slug+" instead');
    expect(configErrorOf(() => compileRoutePattern('/docs/[[...slug]]')).message).toContain('Write "/docs/:slug*" instead');
    expect(configErrorOf(() => compileRoutePattern('admin/:path*')).message).toContain('Write "/admin/:path*" instead');
  });

  it('refuses requirements it would silently drop (config_invalid_step_up_policy)', () => {
    for (const requirement of [{ maxage: 300 }, { MFA: true }, { mfa: 'yes' }, { maxAge: '300' }, { maxAge: 30 }, { maxAge: Number.NaN }, null, true, []]) {
      const error = configErrorOf(() => compileRoutePolicies({ '/admin/:path*': requirement as unknown as StepUpRequirement }));
      expect(error.code, JSON.stringify(requirement)).toBe('config_invalid_step_up_policy');
      expect(error.message).toContain('"/admin/:path*"');
    }
  });

  it('accepts the documented grammar (control)', () => {
    for (const pattern of ['/', '/account', '/teams/:id', '/teams/:id?', '/account/:path*', '/account/:path+', '/a.b/c-d/_e/~f/G9', '/:org/settings/:path*']) {
      expect(() => compileRoutePolicies({ [pattern]: {} }), pattern).not.toThrow();
    }
  });
});

describe('every matching policy applies, whatever the order (invariant 13)', () => {
  it('the review case: a 20-minute-old sign-in does not pass /console/billing', () => {
    const console = ['/console/:path*', { mfa: true }] as const;
    const billing = ['/console/billing/:path*', { maxAge: 300, mfa: true }] as const;
    for (const order of [
      [console, billing],
      [billing, console],
    ]) {
      const lookup = compileRoutePolicies(Object.fromEntries(order));
      for (const path of ['/console/billing', '/console/billing/', '/console/billing/invoices/42']) {
        const requirement = lookup(path);
        expect(requirement, path).toEqual({ maxAge: 300, mfa: true });
        expect(evaluateStepUp(twentyMinutesAgoWithMfa, requirement!, NOW).satisfied, path).toBe(false);
      }
      expect(lookup('/console/settings')).toEqual({ mfa: true });
      expect(evaluateStepUp(twentyMinutesAgoWithMfa, lookup('/console/settings')!, NOW).satisfied).toBe(true);
    }
  });

  it('mfa from one policy and maxAge from another combine (neither wins alone)', () => {
    const policies: Array<[string, StepUpRequirement]> = [
      ['/console/:path*', { maxAge: 900 }],
      ['/console/billing/:path*', { mfa: true }],
      ['/console/billing/export', { maxAge: 120 }],
      ['/:section/billing/:rest*', { maxAge: 600, mfa: false }],
    ];
    for (const order of permutations(policies)) {
      const lookup = compileRoutePolicies(Object.fromEntries(order));
      expect(lookup('/console/billing/export')).toEqual({ maxAge: 120, mfa: true });
      expect(lookup('/console/billing')).toEqual({ maxAge: 600, mfa: true });
      expect(lookup('/console')).toEqual({ maxAge: 900 });
      expect(lookup('/shop/billing')).toEqual({ maxAge: 600 });
      expect(lookup('/shop')).toBeUndefined();
      expect(evaluateStepUp(freshWithoutMfa, lookup('/console/billing/export')!, NOW).satisfied).toBe(false);
    }
  });

  it('a matching policy with no requirement still means "signed in" ({}), not "no policy"', () => {
    const lookup = compileRoutePolicies({ '/app/:path*': {}, '/app/admin/:path*': { mfa: true } });
    expect(lookup('/app/home')).toEqual({});
    expect(lookup('/app/admin')).toEqual({ mfa: true });
    expect(lookup('/elsewhere')).toBeUndefined();
    expect(compileRoutePolicies({})('/anything')).toBeUndefined();
  });

  it('hands out a fresh object: a caller that mutates it cannot weaken the next request', () => {
    const lookup = compileRoutePolicies({ '/admin/:path*': { maxAge: 300, mfa: true } });
    const first = lookup('/admin')!;
    first.mfa = false;
    delete first.maxAge;
    expect(lookup('/admin')).toEqual({ maxAge: 300, mfa: true });
  });
});

describe('a request cannot reach a protected page by spelling its path differently (fail closed)', () => {
  // The section policy and the page's own policy must both apply, however the page is spelt.
  const lookup = compileRoutePolicies({ '/admin/:path*': { mfa: true }, '/admin/users': { maxAge: 600 }, '/settings': { maxAge: 300 } });
  const adminUsers = { maxAge: 600, mfa: true };

  it('the page as the app links to it (control)', () => {
    expect(lookup('/settings')).toEqual({ maxAge: 300 });
    expect(lookup('/settings/')).toEqual({ maxAge: 300 });
    expect(lookup('/admin/users')).toEqual(adminUsers);
    expect(lookup('/admin/users/')).toEqual(adminUsers); // Next's optional trailing slash
    expect(lookup('/admin/team')).toEqual({ mfa: true });
  });

  const reachAdminUsers = [
    '/%61dmin/users', // percent-encoded letters: Next decodes before routing to the page
    '/%61%64%6d%69%6e/%75sers',
    '/%2561dmin/users', // encoded twice
    '/%252561dmin/users', // three times
    '/ADMIN/users', // letter case
    '/Admin/Users',
    '/%41dmin/users',
    '//admin/users', // duplicate slashes
    '/admin//users',
    '///admin///users//',
    '/admin%2Fusers', // an encoded slash
    '/%2Fadmin/users',
    '/admin%5Cusers', // an encoded backslash
    '/x/..%2Fadmin/users', // dot segments hidden from the URL parser
    '/x/%2e%2e/admin/users',
    '/x/..%252Fadmin/users',
    '/./admin/users',
    '/admin/users.rsc', // transport forms of the same page, which Next's own matcher covers
    '/admin/users.segments/$c$children/__PAGE__.segment.rsc',
    '/_next/data/build-id/admin/users.json',
  ];
  for (const path of reachAdminUsers) {
    it(`both policies apply to ${path}`, () => {
      expect(lookup(path)).toEqual(adminUsers);
    });
  }

  it('a malformed escape elsewhere in the path does not stop the rest from decoding', () => {
    expect(lookup('/%61dmin/x%E0%A4')).toEqual({ mfa: true });
    expect(lookup('/%61dmin/users/%E0%A4%A')).toEqual({ mfa: true });
  });

  const reachSettings = ['/SETTINGS', '/%73ettings', '/settings.rsc', '//settings', '/settings%2F', '/index/..%2Fsettings', '/settings%23', '/settings%3F'];
  for (const path of reachSettings) {
    it(`/settings applies to ${path}`, () => {
      expect(lookup(path)).toEqual({ maxAge: 300 });
    });
  }

  it('a path the proxy cannot read with confidence gets every policy', () => {
    expect(lookup(`/public/${'a'.repeat(MAX_READABLE_PATH)}`)).toEqual({ maxAge: 300, mfa: true });
    expect(lookup(`/admin/users/${'a'.repeat(MAX_READABLE_PATH)}`)).toEqual({ maxAge: 300, mfa: true });
    let fiveTimes = '/%61dmin';
    for (let i = 0; i < 4; i++) fiveTimes = fiveTimes.replace('%', '%25');
    expect(lookup(fiveTimes)).toEqual({ maxAge: 300, mfa: true });
  });

  it('ordinary neighbours are not swept in (control)', () => {
    for (const path of ['/', '/administrator', '/adminx/users', '/public/admin', '/api/admin', '/settingsx', '/settings/x', '/admin-users', '/%2561dministrator']) {
      expect(lookup(path), path).toBeUndefined();
    }
  });

});

describe('a request cannot stall the proxy through a pattern', () => {
  it('refuses two optional or repeating parameters in one pattern (polynomial backtracking)', () => {
    // `/a/:x*/b/:y*/c/:z*/d` took over two seconds per request on a 4 KB path.
    for (const pattern of ['/a/:x*/b/:y*/c/:z*/d', '/a/:x*/b/:y*', '/:a?/:b?', '/a/:x+/b/:y?']) {
      const error = configErrorOf(() => compileRoutePolicies({ [pattern]: { mfa: true } }));
      expect(error.code).toBe('config_invalid_route_pattern');
      expect(error.message).toMatch(/more than one optional or repeating parameter/);
    }
  });

  it('answers quickly on hostile paths at the length limit', () => {
    const lookup = compileRoutePolicies({
      '/:a*/x': { mfa: true },
      '/:a+/:b/:c/:d/x': { mfa: true },
      '/:a/:b/:c?/x': { maxAge: 300 },
      '/': {},
    });
    const fill = (unit: string) => unit.repeat(Math.floor((MAX_READABLE_PATH - 24) / unit.length));
    for (const path of [fill('/b') + '/e', fill('/a.segments/b.segment.rs') + '#e', fill('/%2561') + '/e', fill('/./') + 'e', `/index.segments${fill('/a')}`]) {
      expect(path.length).toBeLessThanOrEqual(MAX_READABLE_PATH);
      const started = performance.now();
      lookup(path);
      expect(performance.now() - started, path.slice(0, 40)).toBeLessThan(250);
    }
  });
});

describe('route patterns (Next matcher syntax)', () => {
  it('matches the Next matcher syntax', () => {
    const account = compileRoutePattern('/account/:path*');
    expect(account('/account')).toBe(true);
    expect(account('/account/')).toBe(true);
    expect(account('/account/keys/1')).toBe(true);
    expect(account('/accounting')).toBe(false);
    expect(account('/')).toBe(false);
    const one = compileRoutePattern('/teams/:id');
    expect(one('/teams/42')).toBe(true);
    expect(one('/teams/42/x')).toBe(false);
    expect(one('/teams')).toBe(false);
    const optional = compileRoutePattern('/teams/:id?');
    expect(optional('/teams')).toBe(true);
    expect(optional('/teams/42')).toBe(true);
    expect(optional('/teams/42/x')).toBe(false);
    expect(compileRoutePattern('/a.b')('/aXb')).toBe(false);
    expect(compileRoutePattern('/x/:rest+')('/x')).toBe(false);
    expect(compileRoutePattern('/x/:rest+')('/x/1/2')).toBe(true);
    const root = compileRoutePattern('/');
    expect(root('/')).toBe(true);
    expect(root('/index.rsc')).toBe(true);
    expect(root('/a')).toBe(false);
  });

  it('throws ConfigError, not a plain Error', () => {
    expect(configErrorOf(() => compileRoutePattern('account')).code).toBe('config_invalid_route_pattern');
  });
});

describe('exemptions (unauthenticatedPaths) hold only when every reading agrees', () => {
  it('exempts the page as Next serves it', () => {
    const login = compileExemptPattern('/login');
    for (const path of ['/login', '/login/', '/login.rsc']) expect(login(path), path).toBe(true);
    const pub = compileExemptPattern('/public/:path*');
    for (const path of ['/public', '/public/a/b', '/public/a%20b']) expect(pub(path), path).toBe(true);
  });

  it('does not exempt a path that some reading places outside the exempt area', () => {
    const pub = compileExemptPattern('/public/:path*');
    for (const path of ['/public/..%2Fadmin', '/public%2F..%2Fadmin', '/public/..%252Fadmin', '/public/x/..%2F..%2Fadmin', '/PUBLIC/x', `/public/${'a'.repeat(MAX_READABLE_PATH)}`]) {
      expect(pub(path), path).toBe(false);
    }
    const login = compileExemptPattern('/login');
    for (const path of ['/LOGIN', '/login%2F..%2Fadmin', '/loginx', '/login/x']) expect(login(path), path).toBe(false);
  });
});
