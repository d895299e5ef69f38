import type { Metadata } from 'next';
import { authAge, hasMfa } from 'authkit-stepup';
import { withAuth } from 'authkit-stepup/server';
import { amrLabel, isoTime } from '@/lib/format';

export const metadata: Metadata = { title: 'Account' };

/**
 * Guarded by the proxy policy `'/account/:path*': { maxAge: 60, mfa: true }` (see proxy.ts):
 * nobody reaches this render without a multi-factor sign-in from the last minute.
 */
export default async function AccountPage() {
  const auth = await withAuth({ ensureSignedIn: true });
  const age = authAge(auth);
  return (
    <>
      <div className="page-head">
        <div className="crumbs">Workspace / Account</div>
        <h1>Account security</h1>
        <p>
          This section sits under a proxy policy: <code>{`{ maxAge: 60, mfa: true }`}</code>. Leave for a minute and you will be asked again.
        </p>
      </div>
      <div className="notice ok" data-testid="account-verified">
        <strong>Verified with multi-factor authentication</strong>
        {hasMfa(auth.amr) ? 'Your last sign-in used two factors' : 'MFA'}
        {age !== undefined ? `, ${age} s ago.` : '.'}
      </div>
      <div className="card">
        <h2>Profile</h2>
        <dl className="facts">
          <dt>Name</dt>
          <dd>{[auth.user.firstName, auth.user.lastName].filter(Boolean).join(' ') || '—'}</dd>
          <dt>Email</dt>
          <dd>{auth.user.email}</dd>
          <dt>User ID</dt>
          <dd className="mono">{auth.user.id}</dd>
          <dt>Methods</dt>
          <dd>
            <span className="chips">
              {(auth.amr ?? []).map((m) => (
                <span key={m} className={m === 'mfa' ? 'chip mfa' : 'chip'}>
                  {amrLabel(m)}
                </span>
              ))}
            </span>
          </dd>
          <dt>Authenticated at</dt>
          <dd className="mono">{auth.authTime !== undefined ? isoTime(auth.authTime) : '—'}</dd>
        </dl>
      </div>
      <div className="card">
        <h2>Permissions</h2>
        <p className="sub">From the access token’s <code>permissions</code> claim.</p>
        <span className="chips">
          {(auth.permissions ?? []).length === 0 ? <span className="chip">none</span> : null}
          {(auth.permissions ?? []).map((p) => (
            <span key={p} className="chip">
              {p}
            </span>
          ))}
        </span>
      </div>
    </>
  );
}
