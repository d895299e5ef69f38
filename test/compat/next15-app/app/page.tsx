import { hasMfa } from 'authkit-stepup';
import { signIn, stepUp, withAuth } from 'authkit-stepup/server';

export default async function Home() {
  const auth = await withAuth();
  if (!auth.user) {
    return (
      // No returnTo field: the action comes back to the path the middleware forwarded
      // (x-authkit-path: /app/, with the base path and trailing slash).
      <form action={signIn}>
        <button type="submit" data-testid="sign-in">
          Sign in
        </button>
      </form>
    );
  }
  const { user, amr, authTime, sessionId, expiresAt } = auth;
  return (
    <>
      <h1>
        Hello, <span data-testid="user-name">{[user.firstName, user.lastName].filter(Boolean).join(' ') || user.email}</span>
      </h1>
      <dl>
        <dt>Email</dt>
        <dd data-testid="user-email">{user.email}</dd>
        <dt>Methods</dt>
        <dd data-testid="amr" data-amr={(amr ?? []).join(' ')}>
          {(amr ?? []).join(', ') || 'unknown'} {hasMfa(amr) ? '(MFA)' : '(no MFA)'}
        </dd>
        <dt>Last sign-in</dt>
        <dd data-testid="auth-time" data-epoch={authTime}>
          {authTime !== undefined ? new Date(authTime * 1000).toISOString() : 'unknown'}
        </dd>
        <dt>Session ID</dt>
        <dd data-testid="session-id">{sessionId}</dd>
        <dt>Token expires</dt>
        <dd data-testid="expires-at" data-epoch={expiresAt}>
          {new Date(expiresAt * 1000).toISOString()}
        </dd>
      </dl>
      <form action={stepUp}>
        <button type="submit" data-testid="confirm">
          Confirm it’s you
        </button>
      </form>
    </>
  );
}
