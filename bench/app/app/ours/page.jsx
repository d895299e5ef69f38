import { withAuth } from 'authkit-stepup/server';
import { Profile } from '../profile.jsx';

// authkit-stepup: withAuth() reads the cookie itself (no proxy) and hits its session cache.
export default async function Page() {
  const auth = await withAuth({ ensureSignedIn: true });
  return <Profile auth={auth} source="ours" />;
}
