// @workos-inc/authkit-nextjs needs its proxy in front of every page that calls its withAuth(). The
// matcher limits it to /theirs: /public and /ours run no proxy at all (Next only tests the
// matcher's regular expression for them).
import { authkitProxy } from '@workos-inc/authkit-nextjs';

export default authkitProxy({ redirectUri: process.env.WORKOS_REDIRECT_URI });

export const config = { matcher: ['/theirs'] };
