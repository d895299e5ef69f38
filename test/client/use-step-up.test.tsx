// @vitest-environment jsdom
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StepUpError, useStepUp } from '../../src/client/index.js';
import { stepUpRequired, type StepUpRequired } from '../../src/core/marker.js';
import type { ClientAuth } from '../../src/core/client-auth.js';
import { makeAuth, now, providerWrapper, started } from './fixtures.js';

const START = '/callback?authkit=step-up&maxAge=300&returnTo=%2F';
const marker = (): StepUpRequired => ({ ...stepUpRequired({ maxAge: 300 }), startUrl: START });

interface FakePopup {
  closed: boolean;
  close: () => void;
}

function fakePopup(): FakePopup {
  return { closed: false, close: vi.fn() };
}

function post(data: unknown, origin = window.location.origin) {
  act(() => {
    window.dispatchEvent(new MessageEvent('message', { data, origin }));
  });
}

beforeEach(() => {
  window.history.replaceState(null, '', '/billing?tab=card');
  sessionStorage.clear();
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('useStepUp, popup mode', () => {
  it('opens the start URL with returnTo and popup=1, then retries exactly once after success', async () => {
    const popup = fakePopup();
    const open = vi.spyOn(window, 'open').mockReturnValue(popup as unknown as Window);
    const action = vi.fn(async (_name: string, _n: number): Promise<StepUpRequired | { saved: true }> => marker());
    action.mockResolvedValueOnce(marker()).mockResolvedValueOnce({ saved: true });
    const getAuth = vi.fn(async (): Promise<ClientAuth | null> => makeAuth({ authTime: now() }));
    const { result } = renderHook(() => useStepUp(action, { mode: 'popup' }), {
      wrapper: providerWrapper({ initialAuth: makeAuth({ authTime: now() - 3600 }), getAuth }),
    });

    const settled = started(() => result.current.run('card', 42));
    await waitFor(() => expect(open).toHaveBeenCalledTimes(1));
    const url = new URL(String(open.mock.calls[0]![0]), window.location.origin);
    expect(url.pathname).toBe('/callback');
    expect(url.searchParams.get('authkit')).toBe('step-up');
    expect(url.searchParams.get('maxAge')).toBe('300');
    expect(url.searchParams.get('returnTo')).toBe('/billing?tab=card');
    expect(url.searchParams.get('popup')).toBe('1');
    expect(result.current.pending).toBe(true);
    expect(action).toHaveBeenCalledTimes(1);

    post({ type: 'authkit-stepup:result', ok: true });
    await act(async () => {
      await expect(settled).resolves.toEqual({ saved: true });
    });
    expect(action).toHaveBeenCalledTimes(2);
    expect(action).toHaveBeenNthCalledWith(2, 'card', 42);
    expect(getAuth).toHaveBeenCalledTimes(1);
    expect(result.current.pending).toBe(false);
    expect(result.current.result).toEqual({ saved: true });

    // A late duplicate report must not trigger another call.
    post({ type: 'authkit-stepup:result', ok: true });
    expect(action).toHaveBeenCalledTimes(2);
  });

  it('returns the result directly when no step-up is needed', async () => {
    const open = vi.spyOn(window, 'open');
    const action = vi.fn(async () => 'done');
    const { result } = renderHook(() => useStepUp(action, { mode: 'popup' }), { wrapper: providerWrapper({ initialAuth: makeAuth() }) });
    await act(async () => {
      await expect(result.current.run()).resolves.toBe('done');
    });
    expect(open).not.toHaveBeenCalled();
    expect(action).toHaveBeenCalledTimes(1);
  });

  it('does not retry when the popup is closed without a result, and reports step_up_cancelled', async () => {
    const popup = fakePopup();
    const open = vi.spyOn(window, 'open').mockReturnValue(popup as unknown as Window);
    const action = vi.fn(async () => marker());
    const { result } = renderHook(() => useStepUp(action, { mode: 'popup' }), { wrapper: providerWrapper({ initialAuth: makeAuth() }) });

    const settled = started(() => result.current.run());
    await waitFor(() => expect(open).toHaveBeenCalled());
    popup.closed = true;
    await waitFor(() => expect(result.current.error).toBeInstanceOf(StepUpError), { timeout: 3000 });
    await expect(settled).rejects.toMatchObject({ code: 'step_up_cancelled' });
    expect((result.current.error as StepUpError).code).toBe('step_up_cancelled');
    expect(result.current.pending).toBe(false);
    expect(action).toHaveBeenCalledTimes(1);
  });

  it('rejects with the code of an ok:false report and does not retry', async () => {
    vi.spyOn(window, 'open').mockReturnValue(fakePopup() as unknown as Window);
    const action = vi.fn(async () => marker());
    const { result } = renderHook(() => useStepUp(action, { mode: 'popup' }), { wrapper: providerWrapper({ initialAuth: makeAuth() }) });

    const settled = started(() => result.current.run());
    await waitFor(() => expect(window.open).toHaveBeenCalled());
    post({ type: 'authkit-stepup:result', ok: false, code: 'step_up_user_mismatch', message: 'A different account signed in.' });
    await expect(settled).rejects.toSatisfy((e) => e instanceof StepUpError && e.code === 'step_up_user_mismatch' && e.message === 'A different account signed in.');
    await waitFor(() => expect(result.current.error).toMatchObject({ code: 'step_up_user_mismatch' }));
    expect(action).toHaveBeenCalledTimes(1);
  });

  it('does not make up a code: a failure report without one is ignored, and closing the window reads as a cancel', async () => {
    const popup = fakePopup();
    vi.spyOn(window, 'open').mockReturnValue(popup as unknown as Window);
    const action = vi.fn(async () => marker());
    const { result } = renderHook(() => useStepUp(action, { mode: 'popup' }), { wrapper: providerWrapper({ initialAuth: makeAuth() }) });

    const settled = started(() => result.current.run());
    await waitFor(() => expect(window.open).toHaveBeenCalled());
    post({ type: 'authkit-stepup:result', ok: false, message: 'no code' });
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(result.current.pending).toBe(true);
    popup.closed = true;
    await expect(settled).rejects.toMatchObject({ code: 'step_up_cancelled' });
    expect(action).toHaveBeenCalledTimes(1);
  });

  it('ignores reports from another origin and messages of another type', async () => {
    vi.spyOn(window, 'open').mockReturnValue(fakePopup() as unknown as Window);
    const action = vi.fn(async (): Promise<unknown> => marker());
    action.mockResolvedValueOnce(marker()).mockResolvedValueOnce('second');
    const { result } = renderHook(() => useStepUp(action, { mode: 'popup' }), { wrapper: providerWrapper({ initialAuth: makeAuth() }) });

    const settled = started(() => result.current.run());
    await waitFor(() => expect(window.open).toHaveBeenCalled());
    post({ type: 'authkit-stepup:result', ok: true }, 'https://evil.example');
    post({ type: 'something-else', ok: true });
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(action).toHaveBeenCalledTimes(1);
    expect(result.current.pending).toBe(true);

    post({ type: 'authkit-stepup:result', ok: true });
    await act(async () => {
      await expect(settled).resolves.toBe('second');
    });
  });

  it('falls back to a redirect (without popup=1) when the browser blocks the window', async () => {
    vi.spyOn(window, 'open').mockReturnValue(null);
    const navigate = vi.fn();
    const action = vi.fn(async () => marker());
    const { result } = renderHook(() => useStepUp(action, { mode: 'popup', id: 'card' }), {
      wrapper: providerWrapper({ initialAuth: makeAuth(), navigate }),
    });
    act(() => {
      void result.current.run();
    });
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1));
    const url = new URL(String(navigate.mock.calls[0]![0]), window.location.origin);
    expect(url.pathname).toBe('/callback');
    expect(url.searchParams.get('popup')).toBeNull();
    expect(url.searchParams.get('returnTo')).toBe('/billing?tab=card');
    // The redirect carries the stored call's one-time id, as in redirect mode.
    expect(url.searchParams.get('resume')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.keys(sessionStorage).filter((k) => k.startsWith('authkit-stepup:pending:'))).toHaveLength(1);
    expect(result.current.pending).toBe(true);
  });

  it('fails with step_up_required when the action gives no startUrl', async () => {
    const action = vi.fn(async () => stepUpRequired({ mfa: true }));
    const navigate = vi.fn();
    const { result } = renderHook(() => useStepUp(action), { wrapper: providerWrapper({ initialAuth: makeAuth(), navigate }) });
    await act(async () => {
      await expect(result.current.run()).rejects.toMatchObject({ code: 'step_up_required' });
    });
    expect(navigate).not.toHaveBeenCalled();
  });

  it('refuses a startUrl on another origin', async () => {
    const action = vi.fn(async () => ({ ...marker(), startUrl: 'https://evil.example/callback' }));
    const navigate = vi.fn();
    const { result } = renderHook(() => useStepUp(action), { wrapper: providerWrapper({ initialAuth: makeAuth(), navigate }) });
    await act(async () => {
      await expect(result.current.run()).rejects.toMatchObject({ code: 'step_up_required' });
    });
    expect(navigate).not.toHaveBeenCalled();
  });
});

// Redirect mode and the resume after it: use-step-up-redirect-{start,resume,abandoned}.test.tsx.
