/**
 * SECURITY.md §6: `returnTo` is a same-origin relative path. Anything that a browser could resolve to
 * another origin — `//evil`, `/\evil`, `https:evil`, their percent-encoded forms, control
 * characters — becomes `/`.
 */
export function safeReturnTo(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return fallback;
  // Control characters and whitespace are stripped or ignored by URL parsers in ways that
  // change meaning (`/\t/evil` → `//evil`); refuse them outright.
  if (/[\u0000-\u001f\u007f\s]/.test(value)) return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  // Encoded slashes and backslashes can be decoded by a later hop into `//` or `/\`.
  let decoded = value;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return fallback;
    }
    if (next === decoded) break;
    decoded = next;
    if (/[\u0000-\u001f\u007f]/.test(decoded) || decoded.startsWith('//') || decoded.startsWith('/\\') || decoded.includes('\\')) return fallback;
  }
  if (value.includes('\\')) return fallback;
  // Last line of defence: resolve against a placeholder origin and keep only what stayed on it.
  const base = 'http://return-to.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments are resolved only now: `/.//evil` and `/a/..//evil` come out as `//evil`,
  // `/a/../%2F/x` as `/%2F/x`. Judge what we return, not only what we were given.
  return path === value || safeReturnTo(path, fallback) === path ? path : fallback;
}
