// @vitest-environment jsdom
import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react';
import { useContext } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthKitProvider, useAuth } from '../../src/client/index.js';
import { AuthContext } from '../../src/client/context.js';
import type { ClientAuth } from '../../src/core/client-auth.js';
import { makeAuth, now, providerWrapper } from './fixtures.js';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function Profile() {
  const { user, amr, authTime, loading } = useAuth();
  if (loading) return <p>loading</p>;
  if (!user) return <p>signed out</p>;
  return (
    <p>
      {user.email} amr={amr?.join(',')} authTime={authTime}
    </p>
  );
}

describe('AuthKitProvider + useAuth', () => {
  it('paints initialAuth with amr and authTime and no loading state', () => {
    const auth = makeAuth({ authTime: 1_700_000_000 });
    const getAuth = vi.fn<() => Promise<ClientAuth | null>>();
    render(
      <AuthKitProvider initialAuth={auth} getAuth={getAuth}>
        <Profile />
      </AuthKitProvider>,
    );
    expect(screen.queryByText('loading')).toBeNull();
    expect(screen.getByText('ada@example.com amr=pwd,otp,mfa authTime=1700000000')).toBeTruthy();
    expect(getAuth).not.toHaveBeenCalled();
  });

  it('treats initialAuth={null} as signed out, not loading', () => {
    render(
      <AuthKitProvider initialAuth={null} getAuth={vi.fn()}>
        <Profile />
      </AuthKitProvider>,
    );
    expect(screen.getByText('signed out')).toBeTruthy();
  });

  it('loads through getAuth when there is no initialAuth', async () => {
    let resolve!: (auth: ClientAuth) => void;
    const getAuth = vi.fn(() => new Promise<ClientAuth | null>((r) => (resolve = r)));
    render(
      <AuthKitProvider getAuth={getAuth}>
        <Profile />
      </AuthKitProvider>,
    );
    expect(screen.getByText('loading')).toBeTruthy();
    await act(async () => resolve(makeAuth({ amr: ['pwd'], authTime: 1_700_000_001 })));
    expect(screen.getByText('ada@example.com amr=pwd authTime=1700000001')).toBeTruthy();
    expect(getAuth).toHaveBeenCalledTimes(1);
  });

  it('re-reads the session when the window regains focus or becomes visible', async () => {
    const getAuth = vi.fn(async () => makeAuth({ amr: ['pwd', 'otp'], authTime: 1_700_000_500 }));
    render(
      <AuthKitProvider initialAuth={makeAuth({ amr: ['pwd'], authTime: 1_700_000_000 })} getAuth={getAuth}>
        <Profile />
      </AuthKitProvider>,
    );
    expect(getAuth).not.toHaveBeenCalled();
    await act(async () => {
      window.dispatchEvent(new Event('focus'));
    });
    expect(getAuth).toHaveBeenCalledTimes(1);
    expect(screen.getByText('ada@example.com amr=pwd,otp authTime=1700000500')).toBeTruthy();

    await act(async () => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    expect(getAuth).toHaveBeenCalledTimes(2);
  });

  it('shares one in-flight read between simultaneous triggers', async () => {
    let resolve!: (auth: ClientAuth) => void;
    const getAuth = vi.fn(() => new Promise<ClientAuth | null>((r) => (resolve = r)));
    render(<AuthKitProvider initialAuth={makeAuth()} getAuth={getAuth} />);
    await act(async () => {
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new Event('focus'));
    });
    expect(getAuth).toHaveBeenCalledTimes(1);
    await act(async () => resolve(makeAuth()));
  });

  it('re-reads shortly before the access token expires', async () => {
    vi.useFakeTimers();
    const getAuth = vi.fn(async () => makeAuth({ expiresAt: now() + 300 }));
    render(<AuthKitProvider initialAuth={makeAuth({ expiresAt: now() + 300 })} getAuth={getAuth} refreshBeforeExpiry={60} />);
    await act(() => vi.advanceTimersByTimeAsync(239_000));
    expect(getAuth).not.toHaveBeenCalled();
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    expect(getAuth).toHaveBeenCalledTimes(1);
  });

  it('never puts a token into the context, even when handed one', async () => {
    const leaky = { ...makeAuth(), accessToken: 'at_secret', refreshToken: 'rt_secret', claims: { sub: 'x' } } as ClientAuth;
    const getAuth = vi.fn(async () => ({ ...leaky }));
    const seen: unknown[] = [];
    function Spy() {
      seen.push(useContext(AuthContext));
      return null;
    }
    const { result } = renderHook(() => useAuth(), { wrapper: providerWrapper({ initialAuth: leaky, getAuth }) });
    render(
      <AuthKitProvider initialAuth={leaky} getAuth={getAuth}>
        <Spy />
      </AuthKitProvider>,
    );
    await act(async () => {
      window.dispatchEvent(new Event('focus'));
    });
    expect(getAuth).toHaveBeenCalled();
    expect(seen.length).toBeGreaterThan(1);
    for (const value of [...seen, result.current]) {
      const json = JSON.stringify(value);
      expect(json).not.toContain('at_secret');
      expect(json).not.toContain('rt_secret');
    }
    expect(result.current).not.toHaveProperty('accessToken');
    expect(result.current).not.toHaveProperty('claims');
    expect(result.current.user?.email).toBe('ada@example.com');
  });

  it('ensureSignedIn: stays loading when signed out and goes to signInUrl with returnTo', async () => {
    window.history.replaceState(null, '', '/settings?tab=keys');
    const navigate = vi.fn();
    const { result } = renderHook(() => useAuth({ ensureSignedIn: true }), {
      wrapper: providerWrapper({ initialAuth: null, signInUrl: '/callback?authkit=sign-in', navigate }),
    });
    expect(result.current.loading).toBe(true);
    expect(result.current.user).toBeNull();
    await waitFor(() => expect(navigate).toHaveBeenCalledWith('/callback?authkit=sign-in&returnTo=%2Fsettings%3Ftab%3Dkeys'));
    window.history.replaceState(null, '', '/');
  });

  it('ensureSignedIn narrows user once loaded', () => {
    const { result } = renderHook(() => useAuth({ ensureSignedIn: true }), { wrapper: providerWrapper({ initialAuth: makeAuth() }) });
    const state = result.current;
    // Compile-time: `user` is a User, not User | null, once loading is false.
    const email: string | undefined = state.loading ? undefined : state.user.email;
    expect(email).toBe('ada@example.com');
  });

  it('without signInUrl, ensureSignedIn keeps loading and navigates nowhere', () => {
    const navigate = vi.fn();
    const { result } = renderHook(() => useAuth({ ensureSignedIn: true }), { wrapper: providerWrapper({ initialAuth: null, navigate }) });
    expect(result.current.loading).toBe(true);
    expect(navigate).not.toHaveBeenCalled();
  });

  it('throws a clear error outside the provider', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => renderHook(() => useAuth())).toThrow(/AuthKitProvider/);
    vi.mocked(console.error).mockRestore();
  });
});
