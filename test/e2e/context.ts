/** What the global setup hands to the tests (JSON only: it crosses into the worker). */
export interface E2EContext {
  /** The example app, e.g. `http://localhost:41234`. */
  baseUrl: string;
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
