import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readStepUpParams } from '../../src/core/step-up-params.js';
import { currentPath, isServerAction, trySetCookies } from '../../src/server/request-context.js';
import { withAuth } from '../../src/server/index.js';
import { APP } from '../helpers/flow.js';
import { cookieWrites, expectRedirect, inAction, inRender, inRouteHandler, READONLY_COOKIES_MESSAGE, simulateRequest } from '../helpers/next-stubs.js';
import { startServerApp, type ServerApp } from '../helpers/server-app.js';
import { internal } from '../../src/core/internal.js';

vi.mock('server-only', () => ({}));
vi.mock('next/headers', () => import('../helpers/next-stubs.js'));
vi.mock('next/navigation', () => import('../helpers/next-stubs.js'));

// Where the browser comes back to, and how step-up parameters are read, whatever carries them.

describe('currentPath: explicit > x-authkit-path > referer of a server action on this host > /', () => {
  const cases: Array<[string, Parameters<typeof simulateRequest>[0], string | undefined, string]> = [
    ['explicit wins over everything', { phase: 'action', path: '/forwarded', referer: `${APP}/from` }, '/explicit?x=1', '/explicit?x=1'],
    ['a forged explicit value is /, not the next candidate', { phase: 'action', path: '/forwarded' }, '//evil.example', '/'],
    ['the proxy’s x-authkit-path, during a render', { phase: 'render', path: '/reports?q=2' }, undefined, '/reports?q=2'],
    ['the proxy’s x-authkit-path wins over the referer in an action', { phase: 'action', path: '/forwarded', referer: `${APP}/from` }, undefined, '/forwarded'],
    ['a forged x-authkit-path is /', { phase: 'render', path: 'https://evil.example/' }, undefined, '/'],
    ['the referer of a server action on this host, query kept', { phase: 'action', referer: `${APP}/projects/7?tab=members` }, undefined, '/projects/7?tab=members'],
    ['x-forwarded-host is this host behind a proxy', { phase: 'action', host: 'internal:8080', headers: { 'x-forwarded-host': 'app.example.com' }, referer: 'https://app.example.com/p' }, undefined, '/p'],
    ['a referer from another host is ignored', { phase: 'action', referer: 'https://evil.example/projects/7' }, undefined, '/'],
    ['a referer on another port is another host', { phase: 'action', referer: 'http://localhost:4000/projects/7' }, undefined, '/'],
    ['a malformed referer is ignored', { phase: 'action', referer: 'not a url' }, undefined, '/'],
    ['a referer during a render is ignored (it names the previous page)', { phase: 'render', referer: `${APP}/previous` }, undefined, '/'],
    ['nothing known: /', { phase: 'render' }, undefined, '/'],
  ];
  it.each(cases)('%s', async (_name, request, explicit, expected) => {
    simulateRequest(request);
    expect(await currentPath(explicit)).toBe(expected);
  });

  describe('as the user sees it: where sign-in comes back to', () => {
    let app: ServerApp;
    beforeAll(async () => {
      app = await startServerApp();
    });
    afterAll(() => app.close());

    it('from a page behind the proxy, from a server action, and from a page without either', async () => {
      inRender(null, { path: '/billing' });
      expect((await expectRedirect(() => withAuth({ ensureSignedIn: true }))).url).toBe('/callback?authkit=sign-in&returnTo=%2Fbilling');
      inAction(null, { referer: `${APP}/billing/plans` });
      expect((await expectRedirect(() => withAuth({ ensureSignedIn: true }))).url).toBe('/callback?authkit=sign-in&returnTo=%2Fbilling%2Fplans');
      inAction(null, { referer: 'https://elsewhere.example/billing' });
      expect((await expectRedirect(() => withAuth({ ensureSignedIn: true }))).url).toBe('/callback?authkit=sign-in&returnTo=%2F');
    });
  });
});

describe('isServerAction and trySetCookies', () => {
  it('an action is recognised by Next’s next-action header; a render and a route handler are not actions', async () => {
    inAction(null);
    expect(await isServerAction()).toBe(true);
    inRender(null);
    expect(await isServerAction()).toBe(false);
    inRouteHandler(null);
    expect(await isServerAction()).toBe(false);
  });

  const cookie = { name: 'probe', value: 'v', options: { httpOnly: true, secure: false, sameSite: 'lax' as const, path: '/' } };
  it('writes where Next allows it (action, route handler) and reports false, writing nothing, during a render', async () => {
    inRender(null);
    expect(await trySetCookies([cookie])).toBe(false);
    expect(cookieWrites()).toEqual([]);
    inAction(null);
    expect(await trySetCookies([cookie])).toBe(true);
    expect(cookieWrites()).toMatchObject([{ name: 'probe', value: 'v', options: { httpOnly: true, path: '/', sameSite: 'lax' } }]);
    inRouteHandler(null);
    expect(await trySetCookies([cookie, { ...cookie, name: 'gone', value: '', options: { ...cookie.options, maxAge: 0 } }])).toBe(true);
    expect(cookieWrites().map((w) => [w.name, w.deleted])).toEqual([['probe', false], ['gone', true]]);
  });

  it('the stub refuses a render-time write exactly as Next does', async () => {
    inRender(null);
    const { cookies } = await import('next/headers');
    const jar = await cookies();
    expect(() => jar.set('x', 'y')).toThrow(READONLY_COOKIES_MESSAGE);
    expect(() => jar.delete('x')).toThrow(READONLY_COOKIES_MESSAGE);
  });
});

describe('readStepUpParams: one reader for the auth route query, a posted form and an object', () => {
  const carriers = (fields: Record<string, string>) => {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) data.set(k, v);
    return [new URLSearchParams(fields), data, fields] as const;
  };

  it.each([
    [{}, {}],
    [{ maxAge: '300' }, { maxAge: 300 }],
    [{ maxAge: '0' }, { maxAge: 0 }],
    [{ maxAge: '90.7' }, { maxAge: 90 }],
    [{ maxAge: '-1' }, {}],
    [{ maxAge: 'soon' }, {}],
    [{ maxAge: '' }, {}],
    [{ maxAge: '1e400' }, {}],
    [{ mfa: 'on' }, { mfa: true }],
    [{ mfa: '1' }, { mfa: true }],
    [{ mfa: 'true' }, { mfa: true }],
    [{ mfa: 'false' }, {}],
    [{ returnTo: '/billing?x=1' }, { returnTo: '/billing?x=1' }],
    [{ returnTo: '//evil.example' }, { returnTo: '/' }],
    [{ returnTo: 'javascript:alert(1)' }, { returnTo: '/' }],
    [{ popup: '1' }, { popup: true }],
    [{ resume: 'r'.repeat(22) }, { resume: 'r'.repeat(22) }],
    [{ resume: 'short' }, {}],
    [{ resume: `${'r'.repeat(22)}<script>` }, {}],
  ])('%j → %j, the same from a query string, a form and an object', (fields, expected) => {
    for (const input of carriers(fields as Record<string, string>)) expect(readStepUpParams(input)).toEqual(expected);
  });

  it('an object may carry real numbers and booleans; other types are ignored', () => {
    expect(readStepUpParams({ maxAge: 60, mfa: true })).toEqual({ maxAge: 60, mfa: true });
    expect(readStepUpParams({ maxAge: [60], mfa: ['on'], returnTo: ['/x'] })).toEqual({});
    expect(readStepUpParams(null)).toEqual({});
    expect(readStepUpParams(undefined)).toEqual({});
  });

  describe('what the auth route path writes, the reader reads back', () => {
    let app: ServerApp;
    beforeAll(async () => {
      app = await startServerApp();
    });
    afterAll(() => app.close());

    it.each([
      [{ maxAge: 300, mfa: true, returnTo: '/a?b=c#d' }],
      [{ maxAge: 0 }],
      [{ mfa: true, popup: true, resume: 'R'.repeat(30) }],
    ])('%j', (params) => {
      const path = internal(app.server).authRoutePath('step-up', params);
      expect(path.startsWith('/callback?authkit=step-up')).toBe(true);
      expect(readStepUpParams(new URL(path, APP).searchParams)).toEqual({ returnTo: '/', ...params });
    });
  });
});
