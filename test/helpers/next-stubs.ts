/**
 * Stand-ins for `next/headers` and `next/navigation`, so the server glue (src/server) runs in a
 * plain Vitest process, one simulated request at a time. They behave as Next 15/16 do where our
 * code can tell the difference, and test/server/next-runtime.test.ts checks that against the Next
 * installed here:
 *
 * - `headers()` answers the simulated request's headers, read-only, without the router headers
 *   Next hides from app code (`rsc`, `next-router-*`).
 * - `cookies()` reads the request's cookies. In a route handler or during a server action it also
 *   writes, and reads its own writes back, like Next's mutable cookies. During a render it throws
 *   on `set`/`delete` with Next's own message (`ReadonlyRequestCookiesError`), before writing
 *   anything — the premise of `sessionWritable`.
 * - `redirect()` throws Next's `NEXT_REDIRECT` error (the same `digest`), `push` inside an action,
 *   `replace` elsewhere; `redirectOf()` reads where it went.
 * - `endAction()` plays what Next does after an action that wrote cookies: it renders the page in
 *   the same request, now read-only, with `cookies()` showing the writes but `headers()` still the
 *   request's own (`synchronizeMutableCookies` in Next's request store).
 *
 * Install in each test file (vi.mock is hoisted per file):
 *
 * ```ts
 * vi.mock('server-only', () => ({}));
 * vi.mock('next/headers', () => import('../helpers/next-stubs.js'));
 * vi.mock('next/navigation', () => import('../helpers/next-stubs.js'));
 * ```
 *
 * Outside Vitest's module graph — the built package and @workos-inc/authkit-nextjs in the bench,
 * or authkit-nextjs loaded natively by Node in test/interop — Node module hooks resolve
 * `next/headers` to this same file (`node --import ./test/helpers/next-stubs-register.mjs`, which
 * bench/lib/register-stubs.mjs imports). Every copy of this module (Vitest's and Node's) shares one
 * simulated request through `globalThis`, so a test drives both with the functions below.
 */
import { redirectError } from './next-navigation-stub.js';

/** Where the code runs: a server component render, a server action, or a route handler. */
export type NextPhase = 'render' | 'action' | 'route-handler';

/** Next's text for `cookies().set/delete` outside a server action or route handler (request-cookies.js). */
export const READONLY_COOKIES_MESSAGE =
  'Cookies can only be modified in a Server Action or Route Handler. Read more: https://nextjs.org/docs/app/api-reference/functions/cookies#options';
/** Next's text for mutating `headers()` (adapters/headers.js). */
export const READONLY_HEADERS_MESSAGE = 'Headers cannot be modified. Read more: https://nextjs.org/docs/app/api-reference/functions/headers';

export class ReadonlyRequestCookiesError extends Error {
  constructor() {
    super(READONLY_COOKIES_MESSAGE);
  }
}

export interface SimulatedRequest {
  phase?: NextPhase;
  /** The request's `Cookie` header. */
  cookie?: string | null;
  /** `x-authkit-path`, as our proxy forwards it. */
  path?: string;
  referer?: string;
  /** Default `localhost:3000`. */
  host?: string;
  /**
   * The `next-action` header. Default: present in the `action` phase (a JavaScript-driven action);
   * `false` plays a form posted before hydration, which Next also runs as an action.
   */
  nextAction?: string | false;
  /** Any other request headers (copied). */
  headers?: HeadersInit;
}

export interface CookieOptionsSet {
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'lax' | 'strict' | 'none' | boolean;
  path?: string;
  maxAge?: number;
  domain?: string;
  expires?: Date | number;
}

/** One `cookies().set` or `.delete` that Next accepted. */
export interface CookieWrite {
  name: string;
  value: string;
  options: CookieOptionsSet;
  /** `delete()`, or a `set` that expires the cookie (`maxAge <= 0`). */
  deleted: boolean;
}

interface State {
  phase: NextPhase;
  headers: Headers;
  /** What `cookies()` reads: the request's cookies, plus this request's writes once Next shows them. */
  cookies: Map<string, string>;
  writes: CookieWrite[];
  /** `set`/`delete` calls refused because of the phase (nothing written). */
  refused: number;
}

/** Next's own router headers, which its `headers()` hides from app code (FLIGHT_HEADERS). */
export const HIDDEN_HEADERS = ['rsc', 'next-router-state-tree', 'next-router-prefetch', 'next-hmr-refresh', 'next-router-segment-prefetch'];

/** The host a simulated request goes to unless it says otherwise (test/helpers/flow.ts's APP). */
const DEFAULT_HOST = 'localhost:3000';

/** The current request, one for every copy of this module (see above). */
const shared: { state: State } = ((globalThis as { __authkitNextStubs?: { state: State } }).__authkitNextStubs ??= { state: fresh({}) });

function parseCookies(header: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (name && !out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

function fresh(request: SimulatedRequest): State {
  const phase = request.phase ?? 'render';
  const headers = new Headers(request.headers);
  headers.set('host', request.host ?? DEFAULT_HOST);
  if (request.cookie) headers.set('cookie', request.cookie);
  if (request.path !== undefined) headers.set('x-authkit-path', request.path);
  if (request.referer !== undefined) headers.set('referer', request.referer);
  const nextAction = request.nextAction ?? (phase === 'action' ? '7f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9' : false);
  if (nextAction !== false) headers.set('next-action', nextAction);
  for (const name of HIDDEN_HEADERS) headers.delete(name);
  if (phase === 'action' && !headers.has('content-type')) {
    headers.set('content-type', nextAction === false ? 'multipart/form-data; boundary=----x' : 'text/plain;charset=UTF-8');
  }
  return { phase, headers, cookies: parseCookies(request.cookie), writes: [], refused: 0 };
}

/** A simulated request, as `simulateRequest` returned it: to make it current again with `resumeRequest`. */
export type RequestScope = { readonly phase: NextPhase };

/** Starts a new simulated request (and forgets the previous one's writes). */
export function simulateRequest(request: SimulatedRequest = {}): RequestScope {
  shared.state = fresh(request);
  return shared.state;
}

/**
 * Makes a request simulated earlier current again, as it was left (its writes included). For a
 * benchmark that reads through prepared requests: switching costs nothing, building one does.
 */
export function resumeRequest(scope: RequestScope): void {
  shared.state = scope as State;
}

/** Shorthands: a server component render, a server action, a route handler. */
export const inRender = (cookie?: string | null, extra: Omit<SimulatedRequest, 'phase' | 'cookie'> = {}) => simulateRequest({ ...extra, cookie, phase: 'render' });
export const inAction = (cookie?: string | null, extra: Omit<SimulatedRequest, 'phase' | 'cookie'> = {}) => simulateRequest({ ...extra, cookie, phase: 'action' });
export const inRouteHandler = (cookie?: string | null, extra: Omit<SimulatedRequest, 'phase' | 'cookie'> = {}) => simulateRequest({ ...extra, cookie, phase: 'route-handler' });

/**
 * After an action, Next renders the page in the same request: cookies become read-only again and
 * `cookies()` shows what the action wrote; `headers()` (its `cookie` line included) does not change.
 */
export function endAction(): void {
  shared.state.phase = 'render';
}

/** Every write Next accepted in this request, in order. */
export function cookieWrites(): readonly CookieWrite[] {
  return shared.state.writes;
}

/** The last write per cookie name: what the response's `Set-Cookie` headers carry. */
export function responseCookies(): Map<string, CookieWrite> {
  const out = new Map<string, CookieWrite>();
  for (const w of shared.state.writes) out.set(w.name, w);
  return out;
}

/** How many `set`/`delete` calls were refused because the phase is read-only. */
export function refusedWrites(): number {
  return shared.state.refused;
}

/** The response's cookies as `Set-Cookie` lines, e.g. for `new Response(null, { headers })` and `Jar.store`. */
export function setCookieHeaders(): Headers {
  const headers = new Headers();
  for (const w of responseCookies().values()) {
    let line = `${w.name}=${w.value}; Path=${w.options.path ?? '/'}`;
    if (w.deleted) line += '; Max-Age=0';
    else if (w.options.maxAge !== undefined) line += `; Max-Age=${w.options.maxAge}`;
    headers.append('set-cookie', line);
  }
  return headers;
}

/** What the browser receives for an action that redirected: the redirect and the cookies it wrote. */
export function actionResponse(location: string): Response {
  const headers = setCookieHeaders();
  headers.set('location', location);
  return new Response(null, { status: 303, headers });
}

// ---- next/headers ----------------------------------------------------------------------------

function readonlyHeaders(source: Headers): Headers {
  return new Proxy(source, {
    get(target, prop) {
      if (prop === 'set' || prop === 'append' || prop === 'delete') {
        return () => {
          throw new Error(READONLY_HEADERS_MESSAGE);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export async function headers(): Promise<Headers> {
  return readonlyHeaders(shared.state.headers);
}

type SetArgs = [name: string, value: string, options?: CookieOptionsSet] | [cookie: CookieOptionsSet & { name: string; value: string }];

/** Next checks the phase at each call, not when `cookies()` was awaited (createCookiesWithMutableAccessCheck). */
function ensureWritable(): void {
  if (shared.state.phase === 'render') {
    shared.state.refused++;
    throw new ReadonlyRequestCookiesError();
  }
}

function record(name: string, value: string, options: CookieOptionsSet): void {
  const deleted = value === '' || (options.maxAge !== undefined && options.maxAge <= 0);
  shared.state.writes.push({ name, value, options, deleted });
  if (deleted) shared.state.cookies.delete(name);
  else shared.state.cookies.set(name, value);
}

function cookieStore() {
  const store = {
    get(nameOrCookie: string | { name: string }) {
      const name = typeof nameOrCookie === 'string' ? nameOrCookie : nameOrCookie.name;
      const value = shared.state.cookies.get(name);
      return value === undefined ? undefined : { name, value };
    },
    getAll(name?: string) {
      return [...shared.state.cookies].filter(([n]) => name === undefined || n === name).map(([n, value]) => ({ name: n, value }));
    },
    has: (name: string) => shared.state.cookies.has(name),
    get size() {
      return shared.state.cookies.size;
    },
    set(...args: SetArgs) {
      ensureWritable();
      const [first, value, options] = args;
      if (typeof first === 'string') record(first, value ?? '', options ?? {});
      else {
        const { name, value: v, ...rest } = first;
        record(name, v, rest);
      }
      return store;
    },
    delete(nameOrOptions: string | ({ name: string } & CookieOptionsSet)) {
      ensureWritable();
      const { name, ...options } = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
      record(name, '', { ...options, maxAge: 0 });
      return store;
    },
    toString: () => [...shared.state.cookies].map(([n, v]) => `${n}=${v}`).join('; '),
  };
  return store;
}

export async function cookies(): Promise<ReturnType<typeof cookieStore>> {
  return cookieStore();
}

export async function draftMode() {
  return { isEnabled: false, enable() {}, disable() {} };
}

// ---- next/navigation -------------------------------------------------------------------------
export * from './next-navigation-stub.js';

/** Next's `redirect()`: a `push` inside a server action, a `replace` elsewhere, unless told. */
export function redirect(url: string, type?: 'push' | 'replace'): never {
  throw redirectError(url, type ?? (shared.state.phase === 'action' ? 'push' : 'replace'), 307);
}
