/**
 * `url` with this page as `returnTo` (and `popup=1`, or `resume=<id>` for a stored call, when
 * asked), as a same-origin path; `null` for anything that would leave the site — we navigate to
 * it, so it must stay ours.
 */
export function withReturnTo(url: string | undefined, popup = false, resume?: string | null): string | null {
  if (!url) return null;
  const target = new URL(url, location.href);
  if (target.origin !== location.origin) return null;
  target.searchParams.set('returnTo', location.pathname + location.search);
  if (popup) target.searchParams.set('popup', '1');
  // The server seals the id into the step-up transaction and echoes it back as
  // `#authkit-resume=<id>` only when it accepts that step-up (SECURITY.md §12).
  if (resume) target.searchParams.set('resume', resume);
  return target.pathname + target.search;
}
