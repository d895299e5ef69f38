/** What the Next 15 global setup hands to the tests, besides test/e2e's `e2e` context. */
export interface Next15Context {
  /** The installed and built copy of test/compat/next15-app (outside the repository). */
  appDir: string;
  /** `next` and `react` as installed in the app. */
  nextVersion: string;
  reactVersion: string;
  /** The packed tarball the app installed, and the files npm put in it. */
  tarball: { filename: string; sha256: string; files: string[] };
  /** How `next build` compiled middleware.ts (read from .next/server/*-manifest.json). */
  middleware: { runtime: 'edge'; name: string; matchers: string[] };
}

declare module 'vitest' {
  export interface ProvidedContext {
    next15: Next15Context;
  }
}
