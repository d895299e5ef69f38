import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import Link from 'next/link';
import { getClientAuth, getSession, getSignInUrl, signIn, signOut, toClientAuth } from 'authkit-stepup/server';
import { AuthKitProvider } from 'authkit-stepup/client';
import { Nav } from '@/components/nav';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Acme Console', template: '%s · Acme Console' },
  description: 'A small B2B console demonstrating step-up authentication with authkit-stepup.',
};

function initials(first: string | null | undefined, last: string | null | undefined, email: string): string {
  const value = `${first?.[0] ?? ''}${last?.[0] ?? ''}` || email[0] || '?';
  return value.toUpperCase();
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  // `getSession()`, not `withAuth()`: a layout does not know which page it wraps, so a redirect
  // from here (through the refresh route when the access token expired) would come back to "/".
  // Each page calls `withAuth({ returnTo })` itself and that redirect wins.
  const auth = await getSession();
  // The client provider gets the session without its tokens: whatever a server component passes to
  // a client component is serialised into the page.
  const initialAuth = auth ? toClientAuth(auth) : null;
  return (
    <html lang="en">
      <body>
        <div className="shell">
          <aside className="sidebar">
            <Link href="/" className="brand" style={{ textDecoration: 'none' }}>
              <span className="brand-mark">A</span> Acme Console
            </Link>
            <Nav />
            <div className="sidebar-foot">authkit-stepup example</div>
          </aside>
          <div className="main">
            <header className="topbar">
              <div className="org">
                Acme Inc. <small>Production workspace</small>
              </div>
              {auth ? (
                <div className="who">
                  <span className="avatar" aria-hidden>
                    {initials(auth.user.firstName, auth.user.lastName, auth.user.email)}
                  </span>
                  <span data-testid="header-email">{auth.user.email}</span>
                  <form action={signOut} className="inline">
                    <button className="btn ghost" type="submit">
                      Sign out
                    </button>
                  </form>
                </div>
              ) : (
                <form action={signIn} className="inline">
                  <button className="btn" type="submit">
                    Sign in
                  </button>
                </form>
              )}
            </header>
            <main className="content">
              <AuthKitProvider initialAuth={initialAuth} getAuth={getClientAuth} signInUrl={await getSignInUrl()}>
                {children}
              </AuthKitProvider>
            </main>
          </div>
        </div>
      </body>
    </html>
  );
}
