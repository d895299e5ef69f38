/**
 * `next/navigation`'s redirect as Next throws it (a `NEXT_REDIRECT` error carrying type, URL and
 * status in its digest), and helpers for tests to read where it went. Re-exported by
 * next-stubs.ts (which adds `redirect`, whose default type depends on the simulated request's
 * phase); the suites install that with `vi.mock('next/navigation', …)`.
 */
export const RedirectType = { push: 'push', replace: 'replace' } as const;

/** Next's redirect error: `message` "NEXT_REDIRECT", `digest` "NEXT_REDIRECT;type;url;status;". */
export function redirectError(url: string, type: 'push' | 'replace', status: 307 | 308): Error & { digest: string } {
  return Object.assign(new Error('NEXT_REDIRECT'), { digest: `NEXT_REDIRECT;${type};${url};${status};` });
}

export function permanentRedirect(url: string, type: 'push' | 'replace' = 'replace'): never {
  throw redirectError(url, type, 308);
}

export interface CapturedRedirect {
  /** Where it went, exactly as passed to `redirect()`. */
  url: string;
  type: 'push' | 'replace';
  status: number;
}

/** The redirect a thrown value carries, or `null` when it is not Next's redirect error. */
export function redirectOf(error: unknown): CapturedRedirect | null {
  const digest = (error as { digest?: unknown } | null)?.digest;
  if (typeof digest !== 'string') return null;
  const parts = digest.split(';');
  if (parts[0] !== 'NEXT_REDIRECT' || (parts[1] !== 'push' && parts[1] !== 'replace')) return null;
  return { url: parts.slice(2, -2).join(';'), type: parts[1], status: Number(parts.at(-2)) };
}

/** Runs `fn`, which must end in `redirect()`; returns where it went (any other outcome fails). */
export async function expectRedirect(fn: () => Promise<unknown>): Promise<CapturedRedirect> {
  let outcome: unknown;
  try {
    outcome = await fn();
  } catch (error) {
    const redirected = redirectOf(error);
    if (redirected) return redirected;
    throw error;
  }
  throw new Error(`expected a redirect, but it returned ${JSON.stringify(outcome)}`);
}
