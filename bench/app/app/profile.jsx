// The page body all three routes render: the same markup from an AuthInfo-shaped object.
export function Profile({ auth, source }) {
  const { user } = auth;
  return (
    <main data-source={source}>
      <h1>
        Welcome back, {user.firstName} {user.lastName}
      </h1>
      <dl>
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Signed in with</dt>
        <dd>{(auth.amr ?? ['unknown']).join(', ')}</dd>
        <dt>Last sign-in</dt>
        <dd>{auth.authTime ? new Date(auth.authTime * 1000).toISOString() : 'unknown'}</dd>
        <dt>Session</dt>
        <dd>{auth.sessionId}</dd>
        <dt>Organization</dt>
        <dd>{auth.organizationId ?? '—'}</dd>
        <dt>Role</dt>
        <dd>{auth.role ?? '—'}</dd>
      </dl>
      <ul>
        {(auth.permissions ?? []).map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </main>
  );
}
