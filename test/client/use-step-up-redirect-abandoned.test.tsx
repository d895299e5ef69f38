// @vitest-environment jsdom
/**
 * useStepUp in redirect mode, a call stored and then abandoned (SECURITY.md, invariant 12): no
 * other user, session, page, stale session, late or edited record can make it run, what is stored
 * is not readable, and it is deleted when it expires or the user changes.
 */
import { act, render, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { AuthKitProvider } from '../../src/client/index.js';
import type { ClientAuth } from '../../src/core/client-auth.js';
import {
  CARD,
  PAGE,
  alice,
  aliceLeaves,
  asksForStepUp,
  bob,
  claimed,
  fragment,
  fresh,
  openPage,
  pendingKeys,
  randomId,
  rawStorage,
  settle,
  stale,
  startStepUp,
  succeeds,
  freshTabPerTest,
} from './redirect-fixtures.js';

freshTabPerTest();

describe('useStepUp resume: what an abandoned call cannot be made to do (SECURITY.md, invariant 12)', () => {
  it('Alice abandons, signs out, Bob signs in on the same tab and opens the page: nothing runs', async () => {
    await aliceLeaves('delete-project', ['acme']);
    // Back at the app, Alice signs out: the signed-out page...
    openPage({ auth: null, hooks: {}, path: '/' }).unmount();
    // ...then Bob signs in (a fresh sign-in meets maxAge: 300) and opens the Danger zone.
    const action = succeeds();
    openPage({ auth: bob(fresh()), hooks: { 'delete-project': action } });
    await claimed();
    expect(action).not.toHaveBeenCalled();
  });

  it("Bob's session does not run Alice's call, even on a return that carries Alice's resume id", async () => {
    // The second Bob has Alice's session id: the user check stands on its own.
    for (const session of [bob(fresh()), bob({ ...fresh(), sessionId: 'session_01' })]) {
      const id = await aliceLeaves('delete-project', ['acme']);
      const action = succeeds();
      const page = openPage({ auth: session, hooks: { 'delete-project': action }, hash: fragment(id) });
      await claimed();
      expect(action).not.toHaveBeenCalled();
      page.unmount();
    }
  });

  it("Alice abandons; a later step-up that comes back without a fragment (“Confirm it's you”) runs nothing", async () => {
    await aliceLeaves('delete-project', ['acme']);
    const action = succeeds();
    openPage({ auth: alice(fresh()), hooks: { 'delete-project': action } });
    await claimed();
    expect(action).not.toHaveBeenCalled();
  });

  it('Alice abandons; a return with a guessed id runs nothing, and the abandoned call is gone', async () => {
    await aliceLeaves('delete-project', ['acme']);
    const action = succeeds();
    openPage({ auth: alice(fresh()), hooks: { 'delete-project': action }, hash: fragment(randomId()) });
    await claimed();
    expect(action).not.toHaveBeenCalled();
    expect(window.location.hash).toBe('');
  });

  it("Alice abandons one call; the return from another call's step-up runs that one only", async () => {
    // Both clicks on one page (the first navigation never completed).
    const page = openPage({ auth: alice(stale()), hooks: { 'delete-project': asksForStepUp(), rename: asksForStepUp() } });
    await startStepUp(page, 'delete-project', ['acme']);
    const { id } = await startStepUp(page, 'rename', ['acme-2']);
    page.unmount();
    expect(pendingKeys()).toHaveLength(2);

    const del = succeeds();
    const rename = succeeds();
    openPage({ auth: alice(fresh()), hooks: { 'delete-project': del, rename }, hash: fragment(id) });
    await waitFor(() => expect(rename).toHaveBeenCalledTimes(1));
    await settle();
    expect(del).not.toHaveBeenCalled();
    expect(pendingKeys()).toEqual([]);
  });

  it('the right id with another session of the same user runs nothing', async () => {
    const id = await aliceLeaves('delete-project', ['acme']);
    const action = succeeds();
    openPage({ auth: alice({ ...fresh(), sessionId: 'session_99' }), hooks: { 'delete-project': action }, hash: fragment(id) });
    await claimed();
    expect(action).not.toHaveBeenCalled();
  });

  it('the right id on another page runs nothing', async () => {
    const id = await aliceLeaves('delete-project', ['acme']);
    const action = succeeds();
    openPage({ auth: alice(fresh()), hooks: { 'delete-project': action }, hash: fragment(id), path: '/elsewhere' });
    await claimed();
    expect(action).not.toHaveBeenCalled();
  });

  it('the right id while the session still misses the requirement runs nothing', async () => {
    const id = await aliceLeaves('delete-project', ['acme']);
    const action = succeeds();
    openPage({ auth: alice(stale()), hooks: { 'delete-project': action }, hash: fragment(id) });
    await claimed();
    expect(action).not.toHaveBeenCalled();
  });

  it('the right id more than 10 minutes later runs nothing', async () => {
    const t0 = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(t0 - 10 * 60_000 - 1_000);
    const id = await aliceLeaves('delete-project', ['acme']);
    clock.mockReturnValue(t0);
    const action = succeeds();
    openPage({ auth: alice(fresh()), hooks: { 'delete-project': action }, hash: fragment(id) });
    await claimed();
    expect(action).not.toHaveBeenCalled();
  });

  it('a record edited in storage (a later created-at, another hook) no longer opens', async () => {
    for (const edit of [(r: { at: number }) => ({ ...r, at: r.at + 1 }), (r: object) => ({ ...r, hook: 'rename' })]) {
      sessionStorage.clear();
      const id = await aliceLeaves('delete-project', ['acme']);
      const [key] = pendingKeys();
      sessionStorage.setItem(key!, JSON.stringify(edit(JSON.parse(sessionStorage.getItem(key!)!))));
      const del = succeeds();
      const rename = succeeds();
      const page = openPage({ auth: alice(fresh()), hooks: { 'delete-project': del, rename }, hash: fragment(id) });
      await claimed();
      expect(del).not.toHaveBeenCalled();
      expect(rename).not.toHaveBeenCalled();
      page.unmount();
    }
  });

  it('sessionStorage never holds the arguments, the resume id, the user or the session in plain text', async () => {
    const form = new FormData();
    form.append('card', CARD);
    const page = openPage({ auth: alice(stale()), hooks: { 'change-card': asksForStepUp() } });
    const { id } = await startStepUp(page, 'change-card', [form, { cardNumber: CARD, cvc: '737' }]);
    const raw = rawStorage();
    expect(pendingKeys()).toHaveLength(1);
    for (const secret of [CARD, CARD.replace(/ /g, ''), '737', id, 'user_01', 'session_01', 'ada@example.com', PAGE]) {
      expect(raw).not.toContain(secret);
    }
  });

  it('a record older than 10 minutes is swept when a page mounts, and the rest expire on a timer', async () => {
    const t0 = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(t0 - 11 * 60_000);
    const page = openPage({ auth: alice(stale()), hooks: { 'delete-project': asksForStepUp(), rename: asksForStepUp() } });
    await startStepUp(page, 'delete-project', ['acme']);
    clock.mockReturnValue(t0);
    await startStepUp(page, 'rename', ['acme-2']);
    page.unmount();
    const [oldKey, newKey] = pendingKeys();
    expect(JSON.parse(sessionStorage.getItem(oldKey!)!).at).toBe(t0 - 11 * 60_000);

    // Any page load sweeps (this one comes back from an unrelated step-up, so it keeps the rest).
    const timers = vi.spyOn(globalThis, 'setTimeout');
    window.history.replaceState(null, '', PAGE + fragment(randomId()));
    render(<AuthKitProvider initialAuth={alice(fresh())} />);
    await waitFor(() => expect(pendingKeys()).toEqual([newKey]));

    // ...and the last one goes when its 10 minutes are up, with nobody visiting.
    const expiry = timers.mock.calls.find(([, ms]) => typeof ms === 'number' && ms > 9 * 60_000 && ms <= 10 * 60_000 + 1);
    expect(expiry).toBeDefined();
    clock.mockReturnValue(t0 + 10 * 60_000 + 1);
    act(() => (expiry![0] as () => void)());
    expect(pendingKeys()).toEqual([]);
  });

  it('the provider deletes every stored call when it sees the user sign out, or another user', async () => {
    for (const next of [null, bob(fresh())]) {
      sessionStorage.clear();
      const getAuth = vi.fn(async (): Promise<ClientAuth | null> => alice(stale()));
      const page = openPage({ auth: alice(stale()), hooks: { 'delete-project': asksForStepUp() }, provider: { getAuth } });
      await startStepUp(page, 'delete-project', ['acme']);
      expect(pendingKeys()).toHaveLength(1);
      getAuth.mockResolvedValue(next);
      await act(async () => {
        window.dispatchEvent(new Event('focus'));
      });
      await waitFor(() => expect(pendingKeys()).toEqual([]));
      page.unmount();
    }
  });
});
