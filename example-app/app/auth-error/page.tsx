import type { Metadata } from 'next';
import Link from 'next/link';
import { safeReturnTo } from 'authkit-stepup';
import { describeAuthError } from '@/lib/auth-errors';

export const metadata: Metadata = { title: 'Sign-in problem' };

/** Where `handleAuth({ onError })` (app/callback/route.ts) sends rejected callbacks. */
export default async function AuthErrorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const code = typeof params.code === 'string' ? params.code : undefined;
  const back = safeReturnTo(typeof params.returnTo === 'string' ? params.returnTo : undefined);
  const { title, body } = describeAuthError(code);
  // Going back would start the same step-up again and end here again for these two.
  const retryable = code !== 'step_up_mfa_missing' && code !== 'step_up_user_mismatch';
  return (
    <>
      <div className="page-head">
        <h1 data-testid="auth-error-title">{title}</h1>
      </div>
      <div className="card">
        <p style={{ marginTop: 0 }}>{body}</p>
        {code ? (
          <p style={{ color: 'var(--muted)', fontSize: 14 }}>
            Error code: <code data-testid="auth-error-code">{code}</code>
          </p>
        ) : null}
        <div className="actions">
          <Link className="btn secondary" href="/">
            Go to the overview
          </Link>
          {retryable && back !== '/' ? (
            <Link className="btn ghost" href={back}>
              Back to where you were
            </Link>
          ) : null}
        </div>
      </div>
    </>
  );
}
