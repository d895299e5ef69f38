import fc from 'fast-check';
import { sealData } from 'iron-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookies } from '../../src/core/session-cookie.js';
import type { AuthInfo, AuthKit } from '../../src/index.js';
import type { RefreshMode } from '../../src/core/session-store.js';
import { APP, COOKIE_PASSWORD } from '../helpers/flow.js';
import { startFakeWorkos, USER_ID, type FakeWorkos } from './support/fake-workos.js';
import { runs } from './support/checks.js';
import { internal } from '../../src/core/internal.js';

// Invariant 9 by property: whatever the browser (or an attacker) sends as the session cookie,
// reading it is "signed out" or the real session — never a throw, never a session we did not seal,
// and never a call to the provider's token endpoint.
describe('session cookies under mutation (invariants 1, 9)', () => {
  let idp: FakeWorkos;
  let kit: AuthKit;
  let real: string;
  let realToken: string;
  let chunks: Array<{ name: string; value: string }>;
  let chunkedToken: string;

  beforeAll(async () => {
    idp = await startFakeWorkos();
    kit = idp.kit();
    realToken = await idp.sign({ auth_time: Math.floor(Date.now() / 1000), amr: ['pwd', 'otp'] });
    real = await idp.seal(realToken);
    // A session too big for one cookie, written the way the SDK writes it: wos-session.0, .1, …
    chunkedToken = await idp.sign({ permissions: Array.from({ length: 300 }, (_, i) => `perm:${i}:${'x'.repeat(8)}`) });
    const bigSeal = await idp.seal(chunkedToken);
    chunks = sessionCookies(bigSeal, 'wos-session', { httpOnly: true, secure: false, sameSite: 'lax', path: '/' }, new Map()).map(({ name, value }) => ({ name, value }));
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect((await kit.getSession(`wos-session=${real}`))?.accessToken).toBe(realToken);
    expect((await kit.getSession(chunks.map((c) => `${c.name}=${c.value}`).join('; ')))?.accessToken).toBe(chunkedToken);
  });
  afterAll(() => idp.close());

  /** The only acceptable answers: signed out, or exactly one of the sessions we sealed. */
  function expectNullOrOurs(auth: AuthInfo | null, header: string) {
    if (auth === null) return;
    expect([realToken, chunkedToken], `a session came out of ${JSON.stringify(header.slice(0, 200))}`).toContain(auth.accessToken);
    expect(auth.user.id).toBe(USER_ID);
  }

  /** Outcomes seen, so a property that never reaches one side of the question does not pass silently. */
  const seen = { ours: 0, none: 0 };

  async function read(header: string, mode: RefreshMode | 'get') {
    const before = idp.authenticateRequests().length;
    let auth: AuthInfo | null;
    if (mode === 'get') {
      auth = await kit.getSession(header);
    } else {
      const res = await internal(kit).resolveSession(header, mode);
      auth = res.auth;
      // Garbage never gets a cookie written back; a valid session is not expiring here.
      expect(res.cookies).toEqual([]);
    }
    expectNullOrOurs(auth, header);
    seen[auth ? 'ours' : 'none']++;
    // Nothing here may reach the token endpoint (a forged refresh token would otherwise be tried).
    expect(idp.authenticateRequests().length).toBe(before);
  }

  const modeArb = fc.constantFrom<RefreshMode | 'get'>('get', 'get', 'never', 'expired', 'expiring');

  type Mutation =
    | { kind: 'flip'; at: number; bit: number }
    | { kind: 'replace'; at: number; char: string }
    | { kind: 'truncate'; at: number }
    | { kind: 'insert'; at: number; text: string }
    | { kind: 'delete'; at: number; length: number }
    | { kind: 'swapParts'; a: number; b: number };

  const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char: fc.oneof(fc.constantFrom('*', '~', '-', '_', '=', '%', ';', ' ', '"', 'A', '0'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ unit: 'binary', maxLength: 6 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('swapParts' as const), a: fc.nat(7), b: fc.nat(7) }),
  );

  function mutate(seal: string, m: Mutation): string {
    const at = 'at' in m ? m.at % (seal.length + 1) : 0;
    switch (m.kind) {
      case 'flip': {
        if (seal.length === 0) return seal;
        const i = at % seal.length;
        return seal.slice(0, i) + String.fromCharCode(seal.charCodeAt(i) ^ (1 << m.bit)) + seal.slice(i + 1);
      }
      case 'replace':
        return seal.slice(0, at) + m.char + seal.slice(at + 1);
      case 'truncate':
        return seal.slice(0, at);
      case 'insert':
        return seal.slice(0, at) + m.text + seal.slice(at);
      case 'delete':
        return seal.slice(0, at) + seal.slice(at + m.length);
      case 'swapParts': {
        // Iron seals are `Fe26.2*id*salt*iv*cipher*exp*hmacSalt*hmac~2`: swap two fields.
        const parts = seal.split('*');
        const a = m.a % parts.length;
        const b = m.b % parts.length;
        [parts[a], parts[b]] = [parts[b]!, parts[a]!];
        return parts.join('*');
      }
    }
  }

  it('bit flips, replaced characters, truncation, insertion, deletion and shuffled iron fields', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), modeArb, async (mutations, mode) => {
        const mutated = mutations.reduce(mutate, real);
        await read(`wos-session=${mutated}`, mode);
      }),
      { numRuns: runs(1500) },
    );
  });

  it('chunked sessions: reordered, missing, duplicated, re-cut or mixed chunks', async () => {
    seen.ours = seen.none = 0;
    const cut = chunks.map((c) => c.value).join('');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // A permutation of the chunk values under the original names.
          fc.shuffledSubarray(chunks.map((c) => c.value), { minLength: 1 }).map((values) => values.map((v, i) => `wos-session.${i}=${v}`)),
          // Chunks dropped or repeated, names kept.
          fc.array(fc.nat(chunks.length - 1), { minLength: 1, maxLength: chunks.length + 2 }).map((idx) => idx.map((i) => `${chunks[i]!.name}=${chunks[i]!.value}`)),
          // The same seal cut at other boundaries (the join is identical: must read as the real one).
          fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 8 }).map((sizes) => {
            const out: string[] = [];
            let at = 0;
            for (let i = 0; at < cut.length && i < 19; i++) {
              const size = i < sizes.length ? sizes[i]! : 4000;
              out.push(`wos-session.${i}=${cut.slice(at, at + size)}`);
              at += size;
            }
            return out;
          }),
          // A plain cookie beside the chunks (the plain one wins), or a mutated chunk.
          fc.tuple(fc.constantFrom('', 'x', real.slice(0, 40)), mutationArb).map(([plain, m]) => [
            ...(plain ? [`wos-session=${plain}`] : []),
            ...chunks.map((c, i) => `${c.name}=${i === 1 ? mutate(c.value, m) : c.value}`),
          ]),
        ),
        modeArb,
        async (parts, mode) => read(parts.join('; '), mode),
      ),
      { numRuns: runs(1000) },
    );
    // Re-cut chunks join to the real seal; reordered ones must not.
    expect(seen.ours).toBeGreaterThan(0);
    expect(seen.none).toBeGreaterThan(0);
  });

  it('foreign iron seals: other passwords, or our password around things that are not our session', async () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const sessionLike = fc.record(
      {
        accessToken: fc.oneof(fc.string(), fc.constant(realToken.slice(0, -4) + 'AAAA'), fc.constant(realToken.split('.').slice(0, 2).join('.') + '.')),
        refreshToken: fc.oneof(fc.string(), json),
        user: fc.oneof(fc.record({ id: fc.oneof(fc.string(), fc.constant(USER_ID)) }), json),
        impersonator: json,
      },
      { requiredKeys: ['accessToken'] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(json, sessionLike),
        fc.oneof(fc.constant(COOKIE_PASSWORD), fc.string({ minLength: 32, maxLength: 40 }).filter((p) => p !== COOKIE_PASSWORD)),
        fc.constantFrom(1, 60, 3600),
        modeArb,
        async (data, password, ttl, mode) => {
          const sealed = await sealData(data as Record<string, unknown>, { password, ttl });
          await read(`wos-session=${sealed}`, mode);
        },
      ),
      { numRuns: runs(600) },
    );
  });

  it('huge values and random cookie headers', async () => {
    const names = fc.oneof(fc.constantFrom('wos-session', 'wos-session.0', 'wos-session.1', 'wos-session.19', 'wos-session.20', 'wos-session.00', ' wos-session', 'WOS-SESSION'), fc.string({ maxLength: 12 }));
    const values = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.constantFrom(real, `"${real}"`, `${real};`, encodeURIComponent(real), real.replaceAll('*', '%2A')),
      fc.integer({ min: 4_000, max: 300_000 }).chain((n) => fc.constantFrom('A'.repeat(n), `${real}${'A'.repeat(n)}`, `Fe26.2*${'*'.repeat(n)}`, `Fe26.2${'*1'.repeat(Math.floor(n / 2))}`)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(fc.tuple(names, values), { maxLength: 25 }).map((pairs) => pairs.map(([n, v]) => `${n}=${v}`).join('; ')),
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.array(fc.constantFrom(';', '=', ' ', '"', ',', 'wos-session', '.0', real.slice(0, 64)), { maxLength: 30 }).map((p) => p.join('')),
        ),
        modeArb,
        async (header, mode) => {
          await read(header, mode);
        },
      ),
      { numRuns: runs(1000) },
    );
  });

  it('a Request carrying the cookie behaves like the header string (and garbage Requests too)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutationArb, { maxLength: 2 }), async (mutations) => {
        const value = mutations.reduce(mutate, real);
        let request: Request;
        try {
          request = new Request(`${APP}/`, { headers: { cookie: `wos-session=${value}` } });
        } catch {
          return; // Not a valid HTTP header value: no browser could send it.
        }
        const fromRequest = await kit.getSession(request);
        const fromHeader = await kit.getSession(request.headers.get('cookie'));
        expectNullOrOurs(fromRequest, value);
        expect(fromRequest?.accessToken).toBe(fromHeader?.accessToken);
      }),
      { numRuns: runs(500) },
    );
  });
});
