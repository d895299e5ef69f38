import { connection } from 'next/server';
import { Profile } from '../profile.jsx';

// No auth: the same page rendered from a constant with the shape and sizes of the dev IdP's
// Alice, still dynamic per request (like the protected pages, which read the request's cookies).
const DEMO = {
  user: { id: 'user_01DEVALICE00000000000000', email: 'alice@example.com', firstName: 'Alice', lastName: 'Admin' },
  sessionId: 'session_01DEVSESSION000000000000',
  organizationId: 'org_01DEVACME0000000000000000',
  role: 'admin',
  permissions: ['billing:manage', 'keys:revoke', 'members:manage'],
  amr: ['pwd', 'otp', 'mfa'],
  authTime: 1763800000,
};

export default async function Page() {
  await connection();
  return <Profile auth={DEMO} source="public" />;
}
