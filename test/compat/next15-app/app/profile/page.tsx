import { withAuth } from 'authkit-stepup/server';

/**
 * Not under a middleware policy: `withAuth({ ensureSignedIn: true })` sends a signed-out visitor to
 * sign-in itself, and back to the path the middleware forwarded (`x-authkit-path`, base path and
 * query included).
 */
export default async function ProfilePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const auth = await withAuth({ ensureSignedIn: true });
  const { tab } = await searchParams;
  return (
    <>
      <h1>Profile</h1>
      <p data-testid="profile-email">{auth.user.email}</p>
      <p data-testid="profile-tab">{typeof tab === 'string' ? tab : ''}</p>
    </>
  );
}
