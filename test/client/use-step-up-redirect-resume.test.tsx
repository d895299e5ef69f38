// @vitest-environment jsdom
/**
 * useStepUp in redirect mode, the return from an accepted step-up: the stored call runs exactly
 * once, for the hook whose step-up it was, with its arguments, and the resume id leaves the URL.
 */
import { act, render, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AuthKitProvider, useStepUp } from '../../src/client/index.js';
import type { ClientAuth } from '../../src/core/client-auth.js';
import {
  CARD,
  PAGE,
  ROUTER_STATE,
  alice,
  aliceLeaves,
  fragment,
  fresh,
  openPage,
  patchHistoryLikeNext,
  pendingKeys,
  settle,
  succeeds,
  freshTabPerTest,
} from './redirect-fixtures.js';

freshTabPerTest();

describe('useStepUp, redirect mode: the resume on the return', () => {
  it('resumes exactly once on the return from its own step-up, with the same FormData fields, and takes the id out of the URL', async () => {
    const form = new FormData();
    form.append('card', CARD);
    form.append('holder', 'Alice Example');
    form.append('tag', 'a');
    form.append('tag', 'b');
    const id = await aliceLeaves('change-card', [form, 7]);

    const action = succeeds({ saved: true });
    const page = openPage({ auth: alice(fresh()), hooks: { 'change-card': action }, hash: fragment(id) });
    const adopted = patchHistoryLikeNext();
    await waitFor(() => expect(page.result.current['change-card']!.result).toEqual({ saved: true }));
    expect(action).toHaveBeenCalledTimes(1);
    const [restored, n] = action.mock.calls[0]!;
    expect(restored).toBeInstanceOf(FormData);
    expect([...(restored as FormData)]).toEqual([...form]);
    expect(n).toBe(7);
    // The fragment is gone, and the router knows (it would write it back otherwise); path, query
    // and the router's history state are kept.
    await waitFor(() => expect(window.location.hash).toBe(''));
    expect(window.location.pathname + window.location.search).toBe(PAGE);
    expect(adopted).toEqual([PAGE]);
    expect(window.history.state).toEqual(ROUTER_STATE);
    expect(window.history.state.__NA).toBe(true);
    expect(pendingKeys()).toEqual([]);
    page.unmount();

    // A reload, or Back/Forward onto an entry that still had the fragment: nothing runs again.
    for (const hash of ['', fragment(id)]) {
      const again = openPage({ auth: alice(fresh()), hooks: { 'change-card': action }, hash });
      await settle();
      again.unmount();
    }
    expect(action).toHaveBeenCalledTimes(1);
  });

  it("StrictMode's double effects do not run it twice", async () => {
    const id = await aliceLeaves();
    const action = succeeds();
    const page = openPage({ auth: alice(fresh()), hooks: { 'delete-key': action }, hash: fragment(id), strict: true });
    await waitFor(() => expect(action).toHaveBeenCalledTimes(1));
    await settle();
    page.rerender();
    await settle();
    expect(action).toHaveBeenCalledTimes(1);
    expect(action).toHaveBeenCalledWith('key_1');
    expect(window.location.hash).toBe('');
  });

  it('two instances of the same hook on the page: one resume', async () => {
    const id = await aliceLeaves();
    const action = succeeds();
    window.history.replaceState(ROUTER_STATE, '', PAGE + fragment(id));
    function Row() {
      useStepUp(action, { id: 'delete-key' });
      return null;
    }
    render(
      <AuthKitProvider initialAuth={alice(fresh())}>
        <Row />
        <Row />
        <Row />
      </AuthKitProvider>,
    );
    await waitFor(() => expect(action).toHaveBeenCalled());
    await settle();
    expect(action).toHaveBeenCalledTimes(1);
  });

  it("waits for the provider's first read before deciding", async () => {
    const id = await aliceLeaves();
    let resolve!: (auth: ClientAuth | null) => void;
    const getAuth = () => new Promise<ClientAuth | null>((r) => (resolve = r));
    const action = succeeds();
    openPage({ auth: undefined, hooks: { 'delete-key': action }, hash: fragment(id), provider: { getAuth } });
    await settle();
    expect(action).not.toHaveBeenCalled();
    await act(async () => resolve(alice(fresh())));
    await waitFor(() => expect(action).toHaveBeenCalledTimes(1));
  });

  it('with two hooks on the page, only the one whose step-up it was resumes', async () => {
    const id = await aliceLeaves('rename', ['new-name']);
    const rename = succeeds('renamed');
    const del = succeeds('deleted');
    const page = openPage({ auth: alice(fresh()), hooks: { 'delete-key': del, rename }, hash: fragment(id) });
    await waitFor(() => expect(page.result.current.rename!.result).toBe('renamed'));
    await settle();
    expect(rename).toHaveBeenCalledTimes(1);
    expect(rename).toHaveBeenCalledWith('new-name');
    expect(del).not.toHaveBeenCalled();
  });
});
