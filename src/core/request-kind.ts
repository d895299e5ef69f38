/**
 * What kind of request is this, as the browser tells it (Fetch Metadata). Only a top-level
 * navigation may start a flow, and only a same-site one may change a session: SECURITY.md §10, §11.
 */

/**
 * True for a top-level document navigation: the only request that may seal a transaction. Link
 * prefetches, the App Router's RSC fetches, `fetch()` and subresources are not — Next strips its
 * own prefetch headers before the proxy runs, so the browser's `Sec-Fetch-*` headers decide.
 * Without Fetch Metadata (a non-browser client, an old browser) Next's markers are the fallback.
 */
export function isTopLevelNavigation(headers: Headers): boolean {
  if ((headers.get('sec-purpose') ?? headers.get('purpose') ?? '').includes('prefetch')) return false;
  const mode = headers.get('sec-fetch-mode');
  const dest = headers.get('sec-fetch-dest');
  if (mode !== null || dest !== null) return mode === 'navigate' && (dest === null || dest === 'document');
  return !headers.has('rsc') && !headers.has('next-router-prefetch');
}

/** A request another site made the browser send (a link, a form, a redirect from elsewhere). */
export function isCrossSite(headers: Headers): boolean {
  return headers.get('sec-fetch-site') === 'cross-site';
}
