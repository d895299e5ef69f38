import { ConfigError } from './errors.js';

/**
 * Route patterns for `stepUp` policies and `unauthenticatedPaths` (SECURITY.md §13).
 *
 * A pattern is either enforced exactly as Next's middleware `matcher` reads it, or refused with a
 * `ConfigError` (`config_invalid_route_pattern`) when the proxy is built: never a silent miss.
 *
 * Accepted grammar (everything else is refused):
 *
 *     pattern  = "/" | ( "/" segment )+          no trailing "/", no empty segment
 *     segment  = literal | param
 *     literal  = [A-Za-z0-9._~-]+                but not "." or ".."
 *     param    = ":" [A-Za-z_][A-Za-z0-9_]* [?*+]?   a whole segment: `:id`, `:id?`, `:path*`, `:path+`
 *
 * with at most one optional or repeating parameter (`?`, `*`, `+`) per pattern: two of them make the
 * regular expression backtrack in time that grows with a power of the URL length, which a request
 * could use to stall the proxy. Plain `:id` parameters are not limited.
 *
 * Each accepted pattern compiles to the very regular expression Next builds for a middleware
 * `matcher` (path-to-regexp with Next's defaults: a trailing "/" is optional, a parameter never
 * spans "/", "#" or "?"; the optional `/_next/data/<build>` prefix and `.json` / `.rsc` /
 * `.segments/….segment.rsc` suffixes that reach the same page; no regex flags, so exact case).
 *
 * A request can name the same page in more than one way, so a pathname is read in several ways
 * (see `pathReadings`): as sent, percent-decoded (once, then again until nothing changes, at most
 * four times), with "\" read as "/", with runs of "/" collapsed, and with "." / ".." segments
 * resolved. A policy (`compileRoutePattern`) applies when ANY reading matches, ignoring letter case;
 * an exemption (`compileExemptPattern`) holds only when EVERY reading matches, with exact case.
 * A pathname that cannot be read (longer than 4096 characters, or still changing after four
 * decodings) is matched by every policy and by no exemption.
 */

const LITERAL = /^[A-Za-z0-9._~-]+$/;
const PARAM = /^:([A-Za-z_][A-Za-z0-9_]*)([?*+]?)$/;

// The pieces Next's getMiddlewareMatchers puts around a matcher source (next/dist/build/analysis/
// get-page-static-info.js), as path-to-regexp compiles them.
const NEXT_DATA_PREFIX = '(?:\\/(_next\\/data\\/[^/]{1,}))?';
const TRANSPORT_SUFFIX = '(\\.json|\\.rsc|\\.segments\\/.+\\.segment\\.rsc)?';
const ROOT_FORMS = '(?:\\/(\\/?index|\\/?index\\.json|\\/?index(?:\\.rsc|\\.segments\\/.+\\.segment\\.rsc)))?';
const PARAM_SEGMENT = '[^\\/#\\?]+?';
const END = '[\\/#\\?]?$';

/** Longest pathname we read; anything longer is treated as matching every policy and no exemption. */
export const MAX_READABLE_PATH = 4096;
const MAX_DECODINGS = 4;

/**
 * The regular expression source Next's middleware `matcher` compiles for `pattern`
 * (character for character), or a `ConfigError` when the pattern is outside the grammar above.
 */
export function compileRoutePatternSource(pattern: string): string {
  const built = build(pattern);
  if (typeof built === 'string') return built;
  const suggestion = built.suggestion ?? suggest(pattern);
  const instead =
    built.instead ??
    (suggestion !== undefined
      ? `Write "${suggestion}" instead`
      : 'Write literal segments and whole-segment parameters only: "/account", "/teams/:id", "/teams/:id?", "/account/:path*" (the path and everything below it), "/account/:path+" (only below it)');
  throw new ConfigError(
    'config_invalid_route_pattern',
    `Route pattern ${JSON.stringify(pattern)} is refused: ${built.why}. ${instead}. (The proxy refuses what it cannot enforce exactly, rather than let a policy silently protect nothing.)`,
  );
}

interface Refusal {
  why: string;
  suggestion?: string;
  instead?: string;
}

function build(pattern: string): string | Refusal {
  if (typeof pattern !== 'string' || !pattern.startsWith('/')) {
    const fixed = typeof pattern === 'string' && pattern.trim() !== '' ? `/${pattern.trim()}` : undefined;
    return { why: 'it does not start with "/"', ...(fixed !== undefined && typeof build(fixed) === 'string' ? { suggestion: fixed } : {}) };
  }
  if (pattern === '/') return `^${NEXT_DATA_PREFIX}${ROOT_FORMS}${END}`;
  if (pattern.endsWith('/')) {
    return { why: 'it ends with "/": Next would then match only URLs that end in a slash (the trailing slash is already optional in every pattern)' };
  }
  let body = '';
  let variable: string | undefined;
  for (const segment of pattern.slice(1).split('/')) {
    if (segment === '') return { why: 'it has an empty segment ("//"), which no normalised URL has' };
    const param = PARAM.exec(segment);
    if (param) {
      const modifier = param[2];
      if (modifier !== '') {
        if (variable !== undefined) {
          return {
            why: `it has more than one optional or repeating parameter ("${variable}", "${segment}"); matching it could take time that grows steeply with the length of the URL`,
            instead: 'Keep one of them per pattern, and write several patterns if you need to (every pattern that matches applies)',
          };
        }
        variable = segment;
      }
      if (modifier === '*' || modifier === '+') {
        body += `(?:\\/((?:${PARAM_SEGMENT})(?:\\/(?:${PARAM_SEGMENT}))*))${modifier === '*' ? '?' : ''}`;
      } else {
        body += `(?:\\/(${PARAM_SEGMENT}))${modifier}`;
      }
      continue;
    }
    if (!LITERAL.test(segment) || segment === '.' || segment === '..') return whyRefused(segment);
    body += `\\/${segment.replace(/[.+*?=^!:${}()[\]|/\\]/g, '\\$&')}`;
  }
  return `^${NEXT_DATA_PREFIX}${body}${TRANSPORT_SUFFIX}${END}`;
}

/**
 * For route policies: true when any reading of `pathname` falls under `pattern`, whatever the letter
 * case (over-matching only asks for a sign-in or step-up the page may not need; under-matching would
 * be a bypass). Throws `ConfigError('config_invalid_route_pattern')` for a pattern outside the grammar.
 */
export function compileRoutePattern(pattern: string): (pathname: string) => boolean {
  const regex = new RegExp(compileRoutePatternSource(pattern), 'i');
  return (pathname) => policyMatches(regex, pathReadings(pathname));
}

/**
 * For paths exempted from sign-in (`unauthenticatedPaths`): true only when every reading of
 * `pathname` falls under `pattern`, with exact case — a path that some reading places elsewhere is
 * not exempt. Throws like `compileRoutePattern`.
 */
export function compileExemptPattern(pattern: string): (pathname: string) => boolean {
  const regex = new RegExp(compileRoutePatternSource(pattern));
  return (pathname) => {
    const readings = pathReadings(pathname);
    return readings !== undefined && readings.every((reading) => regex.test(reading));
  };
}

/** A policy regex against pre-computed readings (`undefined`: unreadable, so it matches). */
export function policyMatches(regex: RegExp, readings: readonly string[] | undefined): boolean {
  return readings === undefined || readings.some((reading) => regex.test(reading));
}

/**
 * Every way the server may read `pathname` when it picks the page: as sent; percent-decoded
 * (repeatedly, at most four times); then each of those with "\" as "/", runs of "/" collapsed and
 * "." / ".." segments resolved. `undefined` when the path cannot be read with confidence (too long,
 * or still changing after four decodings): callers must then fail closed.
 */
export function pathReadings(pathname: string): readonly string[] | undefined {
  if (typeof pathname !== 'string' || pathname.length > MAX_READABLE_PATH) return undefined;
  const decoded = [pathname];
  let current = pathname;
  for (let round = 0; ; round++) {
    const next = lenientDecode(current);
    if (next === current) break;
    if (round === MAX_DECODINGS) return undefined;
    decoded.push(next);
    current = next;
  }
  const readings = new Set<string>();
  for (const reading of decoded) {
    readings.add(reading);
    const slashes = reading.replace(/\\/g, '/');
    readings.add(slashes);
    const collapsed = slashes.replace(/\/{2,}/g, '/');
    readings.add(collapsed);
    readings.add(resolveDotSegments(collapsed));
  }
  return [...readings];
}

/** `decodeURIComponent`, or — for a malformed sequence — every ASCII `%XX` decoded and the rest kept. */
function lenientDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value.replace(/%([0-7][0-9A-Fa-f])/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

function resolveDotSegments(path: string): string {
  if (!/(^|\/)\.\.?(\/|$)/.test(path)) return path;
  const segments = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i] as string;
    const last = i === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..') out.pop();
      if (last) out.push('');
      continue;
    }
    out.push(segment);
  }
  return `/${out.join('/')}`;
}

function whyRefused(segment: string): Refusal {
  if (/^\(.*\)$/.test(segment) && LITERAL.test(segment.slice(1, -1))) {
    return {
      why: `"${segment}" looks like a route group: route-group folders do not appear in URLs, and Next's matcher reads parentheses as a regular expression`,
      instead: 'Write the URL paths the group serves, without the group folder (for app/(admin)/users/page.tsx: "/users/:path*")',
    };
  }
  if (/^:[A-Za-z0-9_]*\(/.test(segment)) return { why: `"${segment}" gives a parameter its own regular expression, which this SDK cannot enforce exactly` };
  if (segment.includes('(') || segment.includes(')')) return { why: `"${segment}" is a regular expression group, which this SDK cannot enforce exactly` };
  if (segment === '*' || segment === '**') return { why: `a bare "${segment}" is a modifier in Next's matcher, not a wildcard, so the pattern would not match what it seems to` };
  if (segment.includes('{') || segment.includes('}')) return { why: `"${segment}" uses an optional group ("{...}"), which this SDK does not support` };
  if (segment.includes('[') || segment.includes(']')) return { why: `"${segment}" is file-system route syntax; a matcher writes parameters as ":name"` };
  if (segment.startsWith('@')) return { why: `"${segment}" looks like a parallel-route slot, which does not appear in URLs` };
  if (segment === '.' || segment === '..') return { why: `"${segment}" is a dot segment, which the URL parser removes before any matching` };
  if (/^:[0-9]/.test(segment) || segment === ':') return { why: `"${segment}" is not a parameter name (a letter or "_" first, then letters, digits or "_")` };
  if (segment.includes(':')) {
    return { why: `"${segment}" puts a parameter inside a segment; a parameter must be a whole segment (":name", ":name?", ":name*", ":name+")` };
  }
  const special = /[*+?\\]/.exec(segment);
  if (special) return { why: `"${segment}" contains "${special[0]}", which Next's matcher treats as syntax, not as a character` };
  const other = /[^A-Za-z0-9._~-]/.exec(segment);
  return { why: `"${segment}" contains ${JSON.stringify(other ? other[0] : segment)}; literal segments may use only letters, digits, "-", ".", "_" and "~"` };
}

/** A pattern in the grammar that most likely means what `pattern` was meant to mean, if there is one. */
function suggest(pattern: string): string | undefined {
  if (typeof pattern !== 'string' || !pattern.startsWith('/')) return undefined;
  const parts = pattern.replace(/^\/*/, '').split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const segments: string[] = [];
  for (const [index, raw] of parts.entries()) {
    if (raw === '') continue; // an empty segment
    const last = index === parts.length - 1;
    if (raw === '*' || raw === '**' || /^\(\.[*+]\)$/.test(raw)) {
      if (!last) return undefined;
      segments.push(raw.includes('+') ? ':path+' : ':path*');
      continue;
    }
    const named = /^:([A-Za-z_][A-Za-z0-9_]*)\(\.([*+])\)([*+?]?)$/.exec(raw);
    if (named) {
      if (!last) return undefined;
      segments.push(`:${named[1]}${named[2] === '*' || named[3] === '*' || named[3] === '?' ? '*' : '+'}`);
      continue;
    }
    const bracket = /^(\[\[?)(\.\.\.)?([A-Za-z_][A-Za-z0-9_]*)(\]\]?)$/.exec(raw);
    if (bracket && (bracket[1] === '[[') === (bracket[4] === ']]') && (bracket[1] === '[' || bracket[2])) {
      segments.push(`:${bracket[3]}${bracket[2] ? (bracket[1] === '[[' ? '*' : '+') : ''}`);
      continue;
    }
    segments.push(raw);
  }
  const candidate = `/${segments.join('/')}`;
  return candidate !== pattern && typeof build(candidate) === 'string' ? candidate : undefined;
}
