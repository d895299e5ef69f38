/**
 * Compiles the Next.js matcher syntax used in route policies — `/account`, `/account/:id`,
 * `/account/:path*`, `/account/:path+` — into a predicate on a pathname.
 */
export function compileRoutePattern(pattern: string): (pathname: string) => boolean {
  if (!pattern.startsWith('/')) throw new Error(`Route pattern "${pattern}" must start with "/".`);
  let source = '^';
  for (const segment of pattern.split('/').slice(1)) {
    const param = /^:[A-Za-z_][A-Za-z0-9_]*([*+?])?$/.exec(segment);
    if (!param) {
      source += `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
    } else if (param[1] === '*') {
      source += '(?:/.*)?';
    } else if (param[1] === '+') {
      source += '/.+';
    } else if (param[1] === '?') {
      source += '(?:/[^/]+)?';
    } else {
      source += '/[^/]+';
    }
  }
  const regex = new RegExp(`${source}/?$`);
  return (pathname) => regex.test(pathname);
}
