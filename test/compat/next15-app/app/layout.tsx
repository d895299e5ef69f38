import type { ReactNode } from 'react';
import { getSession, signOut } from 'authkit-stepup/server';

export const metadata = { title: 'authkit-stepup on Next 15' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const auth = await getSession();
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', margin: '2rem' }}>
        <header style={{ display: 'flex', gap: '1rem', alignItems: 'center' }}>
          <a href="/">Home</a>
          <a href="/account">Account</a>
          {auth ? (
            <>
              <span data-testid="header-email">{auth.user.email}</span>
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
