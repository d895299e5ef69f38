/**
 * Where the app under test is served. The example app is at the origin's root; the Next 15 compat
 * app (test/e2e-next15) runs under `basePath: '/app'` with `trailingSlash: true`.
 */
export interface AppLocation {
  /** The app's origin, e.g. `http://localhost:41234` (without the base path). */
  baseUrl: string;
  /** next.config's `basePath`, e.g. `/app`; `''` when the app is at the origin's root. */
  basePath: string;
  /** next.config's `trailingSlash`: pages are served at `/account/`, not `/account`. */
  trailingSlash: boolean;
}

/**
 * `/account` → that page's URL as the app serves it: `<origin><basePath>/account`, with the
 * trailing slash when the app has one (a query string stays).
 */
export function pageUrl(app: AppLocation, path = '/'): string {
  const url = new URL(`${app.basePath}${path}`, app.baseUrl);
  if (app.trailingSlash && !url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/** What the global setup hands to the tests (JSON only: it crosses into the worker). */
export interface E2EContext extends AppLocation {
  /** The dev identity provider's API base. */
  idpUrl: string;
  /** The dev IdP's API key: it authorises its control endpoints (`/dev-idp/control/*`). */
  idpApiKey: string;
  users: Array<{ email: string; password: string; mfaCode: string | undefined }>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2EContext;
  }
}
