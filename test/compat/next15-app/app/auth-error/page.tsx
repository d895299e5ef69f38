import Link from 'next/link';

/** Where `handleAuth({ onError })` sends rejected callbacks (the session is left as it was). */
export default async function AuthErrorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { code } = await searchParams;
  return (
    <>
      <h1>Sign-in problem</h1>
      <p>
        Error code: <code data-testid="auth-error-code">{typeof code === 'string' ? code : 'unknown'}</code>
      </p>
      <Link href="/">Home</Link>
    </>
  );
}
