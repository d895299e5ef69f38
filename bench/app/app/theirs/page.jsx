import { withAuth } from '@workos-inc/authkit-nextjs';
import { Profile } from '../profile.jsx';

// @workos-inc/authkit-nextjs 4.3: its proxy (proxy.js) unseals + verifies and forwards the sealed
// session in a request header; its withAuth() unseals that header again. It has no amr/authTime,
// so the page shows "unknown" there (the dev IdP's token does carry them; its withAuth drops them).
export default async function Page() {
  const auth = await withAuth({ ensureSignedIn: true });
  return <Profile auth={auth} source="theirs" />;
}
