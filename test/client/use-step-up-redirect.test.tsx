// @vitest-environment jsdom
/**
 * useStepUp in redirect mode: the call stored for after the step-up, and the resume
 * (SECURITY.md, invariant 12). The return from an accepted step-up is played the way the server
 * does it: `returnTo` with `#authkit-resume=<id>`, the id the client put on the start URL.
 */
import { act, cleanup, render, renderHook, waitFor } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthKitProvider, StepUpError, useStepUp, type AuthKitProviderProps, type UseStepUpResult } from '../../src/client/index.js';
import { stepUpRequired, type StepUpRequired } from '../../src/core/marker.js';
import type { ClientAuth } from '../../src/core/client-auth.js';
import { makeAuth, now, started } from './fixtures.js';

const PAGE = '/billing?tab=card';
const START = '/callback?authkit=step-up&maxAge=300&returnTo=%2F';
const PREFIX = 'authkit-stepup:pending:';
const CARD = '4242 4242 4242 4242';
const ROUTER_STATE = { __NA: true, tree: ['billing'] };
// A start URL without a resume id (as before invariant 12) is played with this stand-in, so each
// attack below fails on the behaviour it guards against rather than on a missing parameter.
const NO_ID = 'A'.repeat(43);

type Action = (...args: unknown[]) => Promise<unknown>;

const marker = (): StepUpRequired => ({ ...stepUpRequired({ maxAge: 300 }), startUrl: START });
const asksForStepUp = () => vi.fn<Action>(async () => marker());
const succeeds = (value: unknown = { done: true }) => vi.fn<Action>(async () => value);

const stale = () => ({ authTime: now() - 3600 });
const fresh = () => ({ authTime: now() });
/** Alice: user_01, session_01. */
const alice = (overrides: Partial<ClientAuth> = {}) => makeAuth(overrides);
const bob = (overrides: Partial<ClientAuth> = {}) =>
  makeAuth({ user: { ...makeAuth().user, id: 'user_02', email: 'bob@example.com', firstName: 'Bob' }, sessionId: 'session_02', ...overrides });

const randomId = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
const fragment = (id: string) => `#authkit-resume=${id}`;

function storageKeys(): string[] {
  return Array.from({ length: sessionStorage.length }, (_, i) => sessionStorage.key(i)!);
}
const pendingKeys = () => storageKeys().filter((k) => k.startsWith(PREFIX));
const rawStorage = () => storageKeys().map((k) => `${k}=${sessionStorage.getItem(k)}`).join('\n');

/**
 * What Next's App Router does to `history.replaceState` once mounted: a call that carries its
 * `__NA` marker is its own and passes through; any other call gets the marker and tree copied in,
 * and its URL becomes the router's canonical URL (returned here), which the router writes back on
 * its next update. A fragment stripped without telling the router would come back.
 */
function patchHistoryLikeNext(): string[] {
  const original = History.prototype.replaceState;
  const adopted: string[] = [];
  vi.spyOn(window.history, 'replaceState').mockImplementation((data: unknown, unused: string, url?: string | URL | null) => {
    const state = data as Record<string, unknown> | null;
    if (state?.__NA || state?._N) return original.call(window.history, data, unused, url);
    const current = window.history.state as Record<string, unknown> | null;
    const copy = { ...state, __NA: current?.__NA, tree: current?.tree };
    if (url) adopted.push(String(url));
    return original.call(window.history, copy, unused, url);
  });
  return adopted;
}

const settle = () => act(() => new Promise<void>((r) => setTimeout(r, 50)));
/** Lets the mount-time claim finish (WebCrypto is asynchronous): no record left, then a little more. */
async function claimed() {
  await waitFor(() => expect(pendingKeys()).toEqual([]));
  await settle();
}

interface PageOptions {
  /** `undefined` with `provider.getAuth` plays a provider that loads. */
  auth: ClientAuth | null | undefined;
  hooks: Record<string, Action>;
  hash?: string;
  path?: string;
  strict?: boolean;
  provider?: Omit<AuthKitProviderProps, 'children' | 'initialAuth'>;
}

/** A full page load of `path` (+ `hash`) with a provider and one `useStepUp` per hook id. */
function openPage({ auth, hooks, hash = '', path = PAGE, strict = false, provider = {} }: PageOptions) {
  window.history.replaceState(ROUTER_STATE, '', path + hash);
  const navigate = vi.fn();
  const props: Omit<AuthKitProviderProps, 'children'> = { ...(auth === undefined ? {} : { initialAuth: auth }), navigate, ...provider };
  const Wrapper = ({ children }: { children: ReactNode }) => {
    const tree = <AuthKitProvider {...props}>{children}</AuthKitProvider>;
    return strict ? <StrictMode>{tree}</StrictMode> : tree;
  };
  const view = renderHook(
    () => {
      const results: Record<string, UseStepUpResult<unknown[], unknown>> = {};
      for (const [id, action] of Object.entries(hooks)) results[id] = useStepUp(action, { id });
      return results;
    },
    { wrapper: Wrapper },
  );
  return { ...view, navigate };
}

/** Clicks the button behind `hook`: the action answers stepUpRequired and the page leaves. */
async function startStepUp(page: ReturnType<typeof openPage>, hook: string, args: unknown[] = ['key_1']) {
  const before = page.navigate.mock.calls.length;
  act(() => {
    page.result.current[hook]!.run(...args).catch(() => {});
  });
  await waitFor(() => expect(page.navigate).toHaveBeenCalledTimes(before + 1));
  const start = new URL(String(page.navigate.mock.calls[before]![0]), window.location.origin);
  return { start, id: start.searchParams.get('resume') ?? NO_ID };
}

/** Alice, signed in an hour ago, clicks; returns the id the server would echo on acceptance. */
async function aliceLeaves(hook = 'delete-key', args: unknown[] = ['key_1']) {
  const page = openPage({ auth: alice(stale()), hooks: { [hook]: asksForStepUp() } });
  const { id } = await startStepUp(page, hook, args);
  page.unmount();
  return id;
}

beforeEach(() => {
  window.history.replaceState(null, '', PAGE);
  sessionStorage.clear();
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('useStepUp, redirect mode', () => {
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
