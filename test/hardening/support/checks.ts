import fc from 'fast-check';
import { APP } from '../../helpers/flow.js';

/** Property runs: `base` in CI (keeps the suite well under a minute on 2 cores), `FC_RUNS=…` for more. */
export function runs(base: number): number {
  const fromEnv = Number(process.env.FC_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : base;
}

/** Set-Cookie lines of the session (`wos-session` or its `.N` chunks). */
export function sessionSetCookies(res: Response, name = 'wos-session'): string[] {
  const chunk = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.\\d+)?=`);
  return res.headers.getSetCookie().filter((c) => chunk.test(c));
}

/**
 * What a browser does with `Location`: resolve it against the page. A same-origin relative path
 * stays on the app whatever the base; `//evil`, `/\evil`, `/\t/evil`, `https:evil` do not.
 */
export function isSameOriginPath(location: string | null): boolean {
  if (location === null || !location.startsWith('/')) return false;
  try {
    return new URL(location, APP).origin === APP && new URL(location, 'https://app.example').origin === 'https://app.example';
  } catch {
    return false;
  }
}

/** Catches rejections nobody awaited while a block runs (vitest would only report them at the end). */
export async function withUnhandledRejections<T>(fn: () => Promise<T>): Promise<{ value: T; unhandled: unknown[] }> {
  const unhandled: unknown[] = [];
  const onRejection = (reason: unknown) => void unhandled.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    const value = await fn();
    // Give stray promises a turn to settle.
    await new Promise((r) => setTimeout(r, 20));
    return { value, unhandled };
  } finally {
    process.off('unhandledRejection', onRejection);
  }
}

/** Pieces that URL parsers, browsers and decoders treat specially: the alphabet of open redirects. */
const RETURN_TO_ATOMS = [
  '/', '//', '///', '\\', '/\\', '.', '..', './', '../', '/.', '/..',
  '%2e', '%2E', '%2e%2e', '%2f', '%2F', '%5c', '%5C', '%252f', '%255c', '%25', '%', '%0a', '%09', '%00', '%E0%A4%A',
  '@', ':', '?', '#', '&', '=', ';', 'evil.example', 'localhost:3000', 'user:pass@', '127.0.0.1',
  'http:', 'https:', 'HTTPS:', 'javascript:', 'data:', 'mailto:', 'http://', 'https://evil.example',
  '\t', '\n', '\r', '\u0000', '\u001f', '\u007f', ' ', '\u00a0', '\u2028', '\u3000', '\ufeff',
  '\u3002', '\uff0e', '\uff0f', '\uff3c', '\u2215', '\u2044', '\ufe68', '\u29f5',
  'é', 'ß', '🙂', 'a', 'settings', 'billing?x=1', '#frag',
];

/** Path segments: joined with `/`, empty ones make `//`, dot segments make the parser rewrite the path. */
const SEGMENTS = ['', '', '', '.', '.', '..', '..', '%2e', '%2E%2e', '.%2e', '%2f', 'evil.example', '@evil.example', 'a', 'b?c=/d', '#/x', ':', 'https:'];

/** Random `returnTo` values: segment paths, atom soups, fully random strings, URLs. */
export const returnToArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 6 }).map((parts) => `/${parts.join('/')}`) },
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...RETURN_TO_ATOMS), { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...RETURN_TO_ATOMS), { maxLength: 7 }).map((parts) => `/${parts.join('')}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  { weight: 1, arbitrary: fc.webPath() },
);
