import { authAge, hasMfa } from 'authkit-stepup';
import { withAuth } from 'authkit-stepup/server';

/** Behind the middleware policy `'/account/:path*': { maxAge: 60, mfa: true }`. */
export default async function AccountPage() {
  const auth = await withAuth({ ensureSignedIn: true });
  return (
    <>
      <h1>Account security</h1>
      <p data-testid="account-verified">
        {hasMfa(auth.amr) ? 'Verified with two factors' : 'Signed in'}, {authAge(auth) ?? '?'} s ago, as {auth.user.email}.
      </p>
    </>
  );
}
