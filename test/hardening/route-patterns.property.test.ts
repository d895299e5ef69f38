import fc from 'fast-check';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { compileExemptPattern, compileRoutePattern, compileRoutePatternSource, MAX_READABLE_PATH } from '../../src/core/route-match.js';
import { compileRoutePolicies } from '../../src/core/route-policies.js';
import type { StepUpRequirement } from '../../src/core/types.js';
import { runs } from './support/checks.js';

// Invariant 13, by property, against Next itself: a route pattern is enforced exactly as Next's
// middleware `matcher` reads it. The reference is Next's own code — getMiddlewareMatchers (which
// compiles `config.matcher` with path-to-regexp, adding the /_next/data prefix and the .json / .rsc /
// .segments suffixes) and getMiddlewareRouteMatcher, applied the way the router applies it
// (resolve-routes.js: to the pathname, and again to its decodeURIComponent form).
//
// Ours may match more than Next only through the normalisations it documents for policies (a path
// spelt another way must not escape its policy): letter case; repeated percent-decoding (up to four
// times); "\" read as "/"; runs of "/" collapsed; "." and ".." segments resolved; and any path longer
// than MAX_READABLE_PATH or still changing after four decodings. Exemptions (unauthenticatedPaths)
// go the other way: never wider than Next, and only when every reading agrees.

const require = createRequire(import.meta.url);
const { getMiddlewareMatchers } = require('next/dist/build/analysis/get-page-static-info.js') as {
  getMiddlewareMatchers: (matcher: string, nextConfig: Record<string, unknown>) => Array<{ regexp: string }>;
};
const { getMiddlewareRouteMatcher } = require('next/dist/shared/lib/router/utils/middleware-route-matcher.js') as {
  getMiddlewareRouteMatcher: (matchers: Array<{ regexp: string }>) => (pathname: string, req: unknown, query: unknown) => boolean;
};

interface NextMatcher {
  regexp: string;
  /** Does Next run the middleware for this pathname? */
  matches: (pathname: string) => boolean;
}
const nextMatchers = new Map<string, NextMatcher>();
function nextMatcher(pattern: string): NextMatcher {
  let matcher = nextMatchers.get(pattern);
  if (!matcher) {
    const compiled = getMiddlewareMatchers(pattern, {});
    const match = getMiddlewareRouteMatcher(compiled);
    matcher = {
      regexp: compiled[0]!.regexp,
      matches: (pathname) => {
        if (match(pathname, {}, {})) return true;
        let decoded: string;
        try {
          decoded = decodeURIComponent(pathname);
        } catch {
          return false; // "non-fatal we can't decode so can't match it"
        }
        return match(decoded, {}, {});
      },
    };
    nextMatchers.set(pattern, matcher);
  }
  return matcher;
}

// ---- patterns: the accepted grammar --------------------------------------------------------------

const LITERALS = ['admin', 'users', 'a', 'b', 'x.y', 'a-b', '_n', '~t', 'index', 'json', 'rsc', 'segments', 'segment', 'data', '_next', 'v1'];
const segmentSpecArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...LITERALS).map((literal) => ({ literal })) },
  { weight: 2, arbitrary: fc.constantFrom('', '', '?', '*', '+').map((modifier) => ({ modifier })) },
);
const patternArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constant('/') },
  {
    weight: 12,
    arbitrary: fc
      .array(segmentSpecArb, { minLength: 1, maxLength: 4 })
      .filter((specs) => specs.filter((s) => 'modifier' in s && s.modifier !== '').length <= 1)
      .map((specs) => `/${specs.map((s, i) => ('literal' in s ? s.literal : `:p${i}${s.modifier}`)).join('/')}`),
  },
);

// ---- paths: ordinary ones, and the ones an attacker writes ---------------------------------------

const segmentArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...LITERALS) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9]{1,3}$/) });
/** What a browser following the app's own links sends: lower case, single slashes, nothing encoded. */
const ordinaryPathArb = fc
  .record({
    data: fc.constantFrom(false, false, false, true),
    segments: fc.array(segmentArb, { maxLength: 5 }),
    suffix: fc.constantFrom('', '', '', '', '.json', '.rsc', '.segments/$c$children/__PAGE__.segment.rsc', '.segments/a/b.segment.rsc'),
    trailing: fc.constantFrom('', '', '', '/'),
  })
  .map(({ data, segments, suffix, trailing }) => {
    const path = `${data ? '/_next/data/build1' : ''}/${segments.join('/')}${suffix}`;
    return path.endsWith('/') ? path : `${path}${trailing}`;
  });

const hex = (code: number, upper: boolean) => {
  const h = code.toString(16).padStart(2, '0');
  return `%${upper ? h.toUpperCase() : h}`;
};
type Mutation = (path: string, at: number) => string;
const mutations: Record<string, fc.Arbitrary<Mutation>> = {
  encode: fc.record({ times: fc.integer({ min: 1, max: 3 }), upper: fc.boolean() }).map(({ times, upper }) => (path: string, at: number) => {
    let char = path[at] ?? '';
    if (char === '' || char === '%') return path;
    for (let i = 0; i < times; i++) char = i === 0 ? hex(char.charCodeAt(0), upper) : char.replace('%', '%25');
    return path.slice(0, at) + char + path.slice(at + 1);
  }),
  upper: fc.constant((path: string, at: number) => path.slice(0, at) + path.slice(at, at + 1).toUpperCase() + path.slice(at + 1)),
  insert: fc
    .constantFrom('/', '//', '/./', '/x/../', '/x/%2e%2e/', '/x/..%2F', '..%2f', '%2F', '%5C', '\\', '%23', '%3F', '#', '?', '%E0', '%', '%2', ';', '.', '%00', '%25', '%252F', 'A', '%41')
    .map((text) => (path: string, at: number) => path.slice(0, at) + text + path.slice(at)),
  replaceSlash: fc.constantFrom('%2F', '%2f', '\\', '%5C', '//', '%252F').map((text) => (path: string, at: number) => {
    const slash = path.indexOf('/', at);
    return slash < 0 ? path : path.slice(0, slash) + text + path.slice(slash + 1);
  }),
};
const hostilePathArb = fc
  .tuple(ordinaryPathArb, fc.array(fc.tuple(fc.oneof(...Object.values(mutations)), fc.nat()), { minLength: 1, maxLength: 5 }))
  // A pathname always starts with "/" (it is `request.nextUrl.pathname`); everything after it is the attacker's.
  .map(([path, steps]) => `/${steps.reduce((acc, [mutate, at]) => mutate(acc, at % (acc.length + 1)), path.slice(1))}`);
const noisePathArb = fc
  .string({ unit: fc.constantFrom('/', '/', 'a', 'A', 'd', 'm', 'i', 'n', '.', '%', '2', 'F', '5', 'C', 'e', '0', '#', '?', '\\', 'x', 'r', 's', 'c', 'j', 'o'), maxLength: 24 })
  .map((s) => `/${s}`);
const anyPathArb = fc.oneof(ordinaryPathArb, hostilePathArb, noisePathArb);

// ---- the normalisations ours may add, written out independently ----------------------------------

function decodeOnce(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value.replace(/%([0-7][0-9a-f])/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}
function dotsResolved(path: string): string {
  if (!path.startsWith('/')) return path;
  const out: string[] = [];
  const parts = path.split('/').slice(1);
  parts.forEach((part, i) => {
    if (part === '..') out.pop();
    if (part === '.' || part === '..') {
      if (i === parts.length - 1) out.push('');
    } else out.push(part);
  });
  return `/${out.join('/')}`;
}
/** The documented readings of a path, or undefined when it is documented as unreadable. */
function documentedReadings(path: string): string[] | undefined {
  if (path.length > MAX_READABLE_PATH) return undefined;
  const decodings = [path];
  while (decodeOnce(decodings.at(-1)!) !== decodings.at(-1)) {
    if (decodings.length === 5) return undefined;
    decodings.push(decodeOnce(decodings.at(-1)!));
  }
  return decodings.flatMap((d) => {
    const slashes = d.replaceAll('\\', '/');
    const collapsed = slashes.replace(/\/+/g, '/');
    return [d, slashes, collapsed, dotsResolved(collapsed)];
  });
}

const policyFor = (pattern: string) => compileRoutePolicies({ [pattern]: { mfa: true } });

describe('route patterns are enforced as Next reads them (invariant 13)', () => {
  it('compiles each accepted pattern to the very regular expression Next builds for a middleware matcher', () => {
    fc.assert(
      fc.property(patternArb, (pattern) => {
        expect(compileRoutePatternSource(pattern)).toBe(nextMatcher(pattern).regexp);
      }),
      { numRuns: runs(500) },
    );
  });

  it('whenever Next would run the middleware for a path, the policy applies to it', () => {
    fc.assert(
      fc.property(patternArb, anyPathArb, (pattern, path) => {
        if (!nextMatcher(pattern).matches(path)) return;
        expect(compileRoutePattern(pattern)(path), `${pattern} vs ${JSON.stringify(path)}`).toBe(true);
        expect(policyFor(pattern)(path), `${pattern} vs ${JSON.stringify(path)}`).toEqual({ mfa: true });
      }),
      { numRuns: runs(4000) },
    );
  });

  it('on ordinary paths the policy matches exactly what Next matches, no more', () => {
    fc.assert(
      fc.property(patternArb, ordinaryPathArb, (pattern, path) => {
        expect(compileRoutePattern(pattern)(path), `${pattern} vs ${JSON.stringify(path)}`).toBe(nextMatcher(pattern).matches(path));
      }),
      { numRuns: runs(3000) },
    );
  });

  it('it matches more only through the documented normalisations', () => {
    fc.assert(
      fc.property(patternArb, anyPathArb, (pattern, path) => {
        const readings = documentedReadings(path);
        const folded = new RegExp(nextMatcher(pattern).regexp, 'i');
        const expected = readings === undefined || readings.some((reading) => folded.test(reading));
        expect(compileRoutePattern(pattern)(path), `${pattern} vs ${JSON.stringify(path)}`).toBe(expected);
      }),
      { numRuns: runs(3000) },
    );
  });

  it('an exemption (unauthenticatedPaths) is never wider than Next, and equal to it on ordinary paths', () => {
    fc.assert(
      fc.property(patternArb, anyPathArb, (pattern, path) => {
        if (!compileExemptPattern(pattern)(path)) return;
        const exact = new RegExp(nextMatcher(pattern).regexp);
        expect(exact.test(path), `${pattern} vs ${JSON.stringify(path)}`).toBe(true);
        let decoded: string | undefined;
        try {
          decoded = decodeURIComponent(path);
        } catch {
          decoded = undefined;
        }
        if (decoded !== undefined) expect(exact.test(decoded), `${pattern} vs decoded ${JSON.stringify(decoded)}`).toBe(true);
      }),
      { numRuns: runs(3000) },
    );
    fc.assert(
      fc.property(patternArb, ordinaryPathArb, (pattern, path) => {
        expect(compileExemptPattern(pattern)(path), `${pattern} vs ${JSON.stringify(path)}`).toBe(nextMatcher(pattern).matches(path));
      }),
      { numRuns: runs(2000) },
    );
  });
});

describe('every matching policy applies, whatever the order (invariant 13)', () => {
  const requirementArb: fc.Arbitrary<StepUpRequirement> = fc.record(
    { maxAge: fc.integer({ min: 60, max: 86_400 }), mfa: fc.boolean() },
    { requiredKeys: [] },
  );
  const policiesArb = fc.uniqueArray(fc.tuple(patternArb, requirementArb), { minLength: 1, maxLength: 6, selector: ([pattern]) => pattern });

  it('the lookup is the strictest combination of every policy Next would match, in any order', () => {
    fc.assert(
      fc.property(policiesArb, fc.array(anyPathArb, { minLength: 1, maxLength: 5 }), fc.nat(), (entries, paths, seed) => {
        const shuffled = [...entries].sort((a, b) => ((a[0].length * 31 + seed) % 7) - ((b[0].length * 31 + seed) % 7) || (seed % 2 ? 1 : -1));
        const forward = compileRoutePolicies(Object.fromEntries(entries));
        const backward = compileRoutePolicies(Object.fromEntries([...entries].reverse()));
        const other = compileRoutePolicies(Object.fromEntries(shuffled));
        for (const path of paths) {
          const result = forward(path);
          expect(backward(path), path).toEqual(result);
          expect(other(path), path).toEqual(result);
          const matching = entries.filter(([pattern]) => compileRoutePattern(pattern)(path)).map(([, requirement]) => requirement);
          if (matching.length === 0) {
            expect(result, path).toBeUndefined();
            continue;
          }
          const ages = matching.flatMap((r) => (r.maxAge === undefined ? [] : [r.maxAge]));
          expect(result, path).toEqual({
            ...(ages.length > 0 ? { maxAge: Math.min(...ages) } : {}),
            ...(matching.some((r) => r.mfa) ? { mfa: true } : {}),
          });
          // And no policy Next would match is left out.
          for (const [pattern, requirement] of entries) {
            if (!nextMatcher(pattern).matches(path)) continue;
            if (requirement.mfa) expect(result!.mfa, `${pattern} vs ${path}`).toBe(true);
            if (requirement.maxAge !== undefined) expect(result!.maxAge!, `${pattern} vs ${path}`).toBeLessThanOrEqual(requirement.maxAge);
          }
        }
      }),
      { numRuns: runs(1000) },
    );
  });
});
