/**
 * What the tests of useStepUp in redirect mode share (SECURITY.md, invariant 12): a page with a
 * provider and one hook per id, the click that leaves for the step-up, and the return from an
 * accepted step-up played the way the server does it: `returnTo` with `#authkit-resume=<id>`, the
 * id the client put on the start URL.
 */
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { AuthKitProvider, useStepUp, type AuthKitProviderProps, type UseStepUpResult } from '../../src/client/index.js';
import { stepUpRequired, type StepUpRequired } from '../../src/core/marker.js';
import type { ClientAuth } from '../../src/core/client-auth.js';
import { makeAuth, now } from './fixtures.js';

export const PAGE = '/billing?tab=card';

/** Each test starts on PAGE in a tab with empty sessionStorage, and leaves nothing mounted or mocked. */
export function freshTabPerTest(): void {
  beforeEach(() => {
    window.history.replaceState(null, '', PAGE);
    sessionStorage.clear();
  });
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
  });
}
const START = '/callback?authkit=step-up&maxAge=300&returnTo=%2F';
const PREFIX = 'authkit-stepup:pending:';
export const CARD = '4242 4242 4242 4242';
export const ROUTER_STATE = { __NA: true, tree: ['billing'] };
// A start URL without a resume id (as before invariant 12) is played with this stand-in, so each
// attack in use-step-up-redirect-abandoned.test.tsx fails on the behaviour it guards against rather
// than on a missing parameter.
const NO_ID = 'A'.repeat(43);

type Action = (...args: unknown[]) => Promise<unknown>;

const marker = (): StepUpRequired => ({ ...stepUpRequired({ maxAge: 300 }), startUrl: START });
export const asksForStepUp = () => vi.fn<Action>(async () => marker());
export const succeeds = (value: unknown = { done: true }) => vi.fn<Action>(async () => value);

export const stale = () => ({ authTime: now() - 3600 });
export const fresh = () => ({ authTime: now() });
/** Alice: user_01, session_01. */
export const alice = (overrides: Partial<ClientAuth> = {}) => makeAuth(overrides);
export const bob = (overrides: Partial<ClientAuth> = {}) =>
  makeAuth({ user: { ...makeAuth().user, id: 'user_02', email: 'bob@example.com', firstName: 'Bob' }, sessionId: 'session_02', ...overrides });

export const randomId = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
export const fragment = (id: string) => `#authkit-resume=${id}`;

function storageKeys(): string[] {
  return Array.from({ length: sessionStorage.length }, (_, i) => sessionStorage.key(i)!);
}
export const pendingKeys = () => storageKeys().filter((k) => k.startsWith(PREFIX));
export const rawStorage = () => storageKeys().map((k) => `${k}=${sessionStorage.getItem(k)}`).join('\n');

/**
 * What Next's App Router does to `history.replaceState` once mounted: a call that carries its
 * `__NA` marker is its own and passes through; any other call gets the marker and tree copied in,
 * and its URL becomes the router's canonical URL (returned here), which the router writes back on
 * its next update. A fragment stripped without telling the router would come back.
 */
export function patchHistoryLikeNext(): string[] {
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

export const settle = () => act(() => new Promise<void>((r) => setTimeout(r, 50)));
/** Lets the mount-time claim finish (WebCrypto is asynchronous): no record left, then a little more. */
export async function claimed() {
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
export function openPage({ auth, hooks, hash = '', path = PAGE, strict = false, provider = {} }: PageOptions) {
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
export async function startStepUp(page: ReturnType<typeof openPage>, hook: string, args: unknown[] = ['key_1']) {
  const before = page.navigate.mock.calls.length;
  act(() => {
    page.result.current[hook]!.run(...args).catch(() => {});
  });
  await waitFor(() => expect(page.navigate).toHaveBeenCalledTimes(before + 1));
  const start = new URL(String(page.navigate.mock.calls[before]![0]), window.location.origin);
  return { start, id: start.searchParams.get('resume') ?? NO_ID };
}

/** Alice, signed in an hour ago, clicks; returns the id the server would echo on acceptance. */
export async function aliceLeaves(hook = 'delete-key', args: unknown[] = ['key_1']) {
  const page = openPage({ auth: alice(stale()), hooks: { [hook]: asksForStepUp() } });
  const { id } = await startStepUp(page, hook, args);
  page.unmount();
  return id;
}
