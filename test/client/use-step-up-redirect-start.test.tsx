// @vitest-environment jsdom
/**
 * useStepUp in redirect mode, leaving for the step-up: the one-time resume id on the start URL,
 * when a call is stored for after the step-up and when nothing is, and Back from the provider.
 */
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { AuthKitProvider, StepUpError, useStepUp } from '../../src/client/index.js';
import type { ClientAuth } from '../../src/core/client-auth.js';
import { started } from './fixtures.js';
import { PAGE, alice, freshTabPerTest, asksForStepUp, openPage, pendingKeys, settle, stale, startStepUp } from './redirect-fixtures.js';

freshTabPerTest();

describe('useStepUp, redirect mode: leaving for the step-up', () => {
  it('puts a new one-time resume id (32 random bytes, base64url) on the start URL, beside returnTo', async () => {
    const page = openPage({ auth: alice(stale()), hooks: { 'delete-key': asksForStepUp() } });
    const first = await startStepUp(page, 'delete-key');
    const second = await startStepUp(page, 'delete-key');

    for (const { start } of [first, second]) {
      expect(start.pathname).toBe('/callback');
      expect(start.searchParams.get('authkit')).toBe('step-up');
      expect(start.searchParams.get('maxAge')).toBe('300');
      expect(start.searchParams.get('returnTo')).toBe(PAGE);
      expect(start.searchParams.get('popup')).toBeNull();
      const id = start.searchParams.get('resume');
      expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(id!, 'base64url')).toHaveLength(32);
    }
    expect(first.id).not.toBe(second.id);
    // The second click replaced the first record: one pending call per hook.
    expect(pendingKeys()).toHaveLength(1);
  });

  it('keeps the stored call while the page is still leaving, even if the session is re-read', async () => {
    const getAuth = vi.fn(async (): Promise<ClientAuth | null> => alice(stale()));
    const page = openPage({ auth: alice(stale()), hooks: { 'delete-key': asksForStepUp() }, provider: { getAuth } });
    await startStepUp(page, 'delete-key');
    await act(async () => {
      window.dispatchEvent(new Event('focus'));
    });
    await settle();
    expect(getAuth).toHaveBeenCalled();
    expect(pendingKeys()).toHaveLength(1);
  });

  it('without an id: redirects with no resume id and stores nothing', async () => {
    const navigate = vi.fn();
    const action = asksForStepUp();
    const { result } = renderHook(() => useStepUp(action), {
      wrapper: ({ children }) => (
        <AuthKitProvider initialAuth={alice(stale())} navigate={navigate}>
          {children}
        </AuthKitProvider>
      ),
    });
    act(() => {
      result.current.run().catch(() => {});
    });
    await waitFor(() => expect(navigate).toHaveBeenCalledWith('/callback?authkit=step-up&maxAge=300&returnTo=%2Fbilling%3Ftab%3Dcard'));
    expect(sessionStorage.length).toBe(0);
  });

  it('without a signed-in user: redirects with no resume id and stores nothing', async () => {
    const page = openPage({ auth: null, hooks: { 'delete-key': asksForStepUp() } });
    const { start } = await startStepUp(page, 'delete-key');
    expect(start.searchParams.get('resume')).toBeNull();
    expect(sessionStorage.length).toBe(0);
  });

  it('a file field means no resume: no resume id, nothing stored', async () => {
    const form = new FormData();
    form.append('note', 'x');
    form.append('receipt', new File(['%PDF'], 'receipt.pdf'));
    const page = openPage({ auth: alice(stale()), hooks: { upload: asksForStepUp() } });
    const { start } = await startStepUp(page, 'upload', [form]);
    expect(start.searchParams.get('resume')).toBeNull();
    expect(start.searchParams.get('returnTo')).toBe(PAGE);
    expect(sessionStorage.length).toBe(0);
  });

  it('Back from the provider into the back/forward cache discards the call and reports step_up_cancelled', async () => {
    const page = openPage({ auth: alice(stale()), hooks: { 'delete-key': asksForStepUp() } });
    const settled = started(() => page.result.current['delete-key']!.run('key_1'));
    await waitFor(() => expect(page.navigate).toHaveBeenCalledTimes(1));
    expect(pendingKeys()).toHaveLength(1);

    const restored = Object.assign(new Event('pageshow'), { persisted: true });
    act(() => {
      window.dispatchEvent(restored);
    });
    await expect(settled).rejects.toSatisfy((e) => e instanceof StepUpError && e.code === 'step_up_cancelled');
    await waitFor(() => expect(page.result.current['delete-key']!.pending).toBe(false));
    expect(pendingKeys()).toEqual([]);
  });
});
