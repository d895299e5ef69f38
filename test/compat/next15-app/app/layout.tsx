import type { ReactNode } from 'react';
import Link from 'next/link';
import { getSession, signOut } from 'authkit-stepup/server';

export const metadata = { title: 'authkit-stepup on Next 15' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const auth = await getSession();
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', margin: '2rem' }}>
        <header style={{ display: 'flex', gap: '1rem', alignItems: 'center' }}>
          {/* <Link> adds next.config's basePath and trailing slash: /app/, /app/account/. */}
          <Link href="/" data-testid="nav-home">
            Home
          </Link>
          <Link href="/account" data-testid="nav-account">
            Account
          </Link>
          {auth ? (
            <>
              <span data-testid="header-email">{auth.user.email}</span>
              {/* No returnTo: the SDK's home, AUTHKIT_BASE_PATH (/app). */}
              <form action={signOut}>
                <button type="submit">Sign out</button>
              </form>
            </>
          ) : null}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
