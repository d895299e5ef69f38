import { guardApiRoute } from 'authkit-stepup/server';

/**
 * Listing API keys needs a sign-in from the last 5 minutes. Otherwise: RFC 9470 —
 * `401` + `WWW-Authenticate: Bearer error="insufficient_user_authentication", max_age="300"`.
 */
export async function GET() {
  const auth = await guardApiRoute({ maxAge: 300 });
  if (auth instanceof Response) return auth;
  return Response.json(
    {
      organizationId: auth.organizationId ?? null,
      keys: [
        { id: 'key_01HPROD', name: 'Production', prefix: 'sk_live_4f2a', createdAt: '2025-01-14T09:12:00Z' },
        { id: 'key_01HSTAGING', name: 'Staging', prefix: 'sk_test_9c1e', createdAt: '2025-03-02T16:40:00Z' },
      ],
      authTime: auth.authTime ?? null,
    },
    { headers: { 'cache-control': 'private, no-store', vary: 'Cookie' } },
  );
}
