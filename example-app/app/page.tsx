import Link from 'next/link';
import { hasMfa } from 'authkit-stepup';
import { signIn, stepUp, withAuth } from 'authkit-stepup/server';
import { ago, amrLabel, isoTime } from '@/lib/format';

export default async function Home() {
  const auth = await withAuth();

  if (!auth.user) {
    return (
      <section className="hero">
        <h1>Acme Console</h1>
        <p>Sign in to manage your workspace. Sensitive pages ask you to confirm it’s you first.</p>
        <form action={signIn}>
          <input type="hidden" name="returnTo" value="/" />
          <button className="btn large" type="submit" data-testid="sign-in">
            Sign in
          </button>
        </form>
        <div className="features">
          <div>
            <strong>Account</strong> — needs a multi-factor sign-in from the last minute (a proxy policy).
          </div>
          <div>
            <strong>Danger zone</strong> — deleting a project needs a sign-in from the last 5 minutes.
          </div>
          <div>
            <strong>Billing</strong> — saving confirms it’s you in a popup, so what you typed stays put.
          </div>
        </div>
      </section>
    );
  }

  const { user, amr, authTime, sessionId, organizationId, role, authenticationMethod, expiresAt } = auth;
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || user.email;
  const mfa = hasMfa(amr);

  return (
    <>
      <div className="page-head">
        <h1>
          Welcome back, <span data-testid="user-name">{name}</span>
        </h1>
        <p>This is what the server knows about your session, straight from the verified access token.</p>
      </div>

      <div className="card">
        <h2>Your session</h2>
        <p className="sub">
          <code>withAuth()</code> returns typed <code>amr</code> and <code>authTime</code> on every request.
        </p>
        <dl className="facts">
          <dt>Email</dt>
          <dd data-testid="user-email">{user.email}</dd>
          <dt>Signed in with</dt>
          <dd>
            <span className="chips" data-testid="amr" data-amr={(amr ?? []).join(' ')}>
              {(amr ?? []).map((m) => (
                <span key={m} className={m === 'mfa' ? 'chip mfa' : 'chip'} title={m}>
                  {amrLabel(m)} <code>{m}</code>
                </span>
              ))}
              {amr === undefined ? <span className="chip">unknown</span> : null}
            </span>{' '}
            {mfa ? <span className="badge ok">MFA</span> : <span className="badge warn">no MFA</span>}
          </dd>
          <dt>Last sign-in</dt>
          <dd>
            {authTime !== undefined ? (
              <>
                <time dateTime={isoTime(authTime)} data-testid="auth-time" data-epoch={authTime}>
                  signed in {ago(authTime)}
                </time>{' '}
                <span className="mono" style={{ color: 'var(--faint)' }}>
                  ({isoTime(authTime)})
                </span>
              </>
            ) : (
              <span data-testid="auth-time">unknown</span>
            )}
          </dd>
          <dt>Session ID</dt>
          <dd className="mono" data-testid="session-id">
            {sessionId}
          </dd>
          <dt>Organization</dt>
          <dd className="mono">{organizationId ?? '—'}</dd>
          <dt>Role</dt>
          <dd>{role ?? '—'}</dd>
          {authenticationMethod ? (
            <>
              <dt>Method</dt>
              <dd>{authenticationMethod}</dd>
            </>
          ) : null}
          <dt>Token expires</dt>
          <dd className="mono" data-testid="expires-at" data-epoch={expiresAt}>
            {isoTime(expiresAt)}
          </dd>
        </dl>
        <form action={stepUp} className="actions">
          <input type="hidden" name="returnTo" value="/" />
          <button className="btn" type="submit" data-testid="confirm">
            Confirm it’s you
          </button>
          <span style={{ color: 'var(--muted)', fontSize: 14 }}>
            Re-authenticates now (<code>max_age=0</code>): same session, new <code>authTime</code>.
          </span>
        </form>
      </div>

      <div className="grid-2">
        <div className="card">
          <h2>Step-up in this app</h2>
          <p className="sub">Each sensitive area asks for a different proof.</p>
          <ul style={{ margin: 0, paddingLeft: 18, fontSize: 14 }}>
            <li>
              <Link href="/account" prefetch>
                Account
              </Link>
              : MFA within 60 s, enforced by the proxy.
            </li>
            <li>
              <a href="/settings/danger">Danger zone</a>: a server action returns <code>stepUpRequired</code>.
            </li>
            <li>
              <a href="/settings/billing">Billing</a>: step-up in a popup keeps the form.
            </li>
            <li>
              <a href="/api/keys">
                <code>GET /api/keys</code>
              </a>
              : RFC 9470 <code>401</code> when older than 5 min.
            </li>
          </ul>
        </div>
        <div className="card">
          <h2>Audit trail</h2>
          <p className="sub">Every accepted or rejected step-up is recorded by the callback route.</p>
          <a className="btn secondary" href="/audit">
            Open the audit log
          </a>
        </div>
      </div>
    </>
  );
}
