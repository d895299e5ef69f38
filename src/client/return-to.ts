/**
 * `url` with this page as `returnTo` (and `popup=1` when asked), as a same-origin path; `null`
 * for anything that would leave the site — we navigate to it, so it must stay ours.
 */
export function withReturnTo(url: string | undefined, popup = false): string | null {
  if (!url) return null;
  const target = new URL(url, location.href);
  if (target.origin !== location.origin) return null;
  target.searchParams.set('returnTo', location.pathname + location.search);
  if (popup) target.searchParams.set('popup', '1');
  return target.pathname + target.search;
}
