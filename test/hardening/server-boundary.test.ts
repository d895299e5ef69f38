import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toClientAuth } from '../../src/core/client-auth.js';
import { startFakeWorkos, type FakeWorkos } from './support/fake-workos.js';

// Invariant 8: server actions are public HTTP endpoints, and tokens never reach the browser unless
// the app asks. Checked on the source tree (what Next will expose) and on what the client's session
// read actually returns.
const SRC = join(import.meta.dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}
/** The first statement, skipping comments: where a directive or `import 'server-only'` must be. */
function firstStatement(source: string): string {
  return source.replace(/^(\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/))*\s*/, '').split(/;|\n/)[0]!.trim();
}
const isUseServer = (source: string) => /^['"]use server['"]$/.test(firstStatement(source));

describe('server boundary (invariant 8)', () => {
  const all = files(SRC).map((path) => ({ path: relative(SRC, path), source: readFileSync(path, 'utf8') }));

  it("only src/server/actions.ts is 'use server', and it exposes exactly stepUp, signIn, signOut and getClientAuth", () => {
    const actionModules = all.filter((f) => isUseServer(f.source) || /^\s*['"]use server['"]/m.test(f.source));
    expect(actionModules.map((f) => f.path)).toEqual(['server/actions.ts']);
    const exported = [...actionModules[0]!.source.matchAll(/^export\s+(?:async\s+function|function|const|let|var|class)\s+(\w+)/gm)].map((m) => m[1]).sort();
    expect(exported).toEqual(['getClientAuth', 'signIn', 'signOut', 'stepUp']);
    // No re-exports either: everything a 'use server' module exports becomes an endpoint.
    expect(actionModules[0]!.source).not.toMatch(/^export\s*(\*|\{)/m);
  });

  it("every other server module starts with import 'server-only'", () => {
    const serverModules = all.filter((f) => f.path.startsWith('server/') && !isUseServer(f.source));
    expect(serverModules.length).toBeGreaterThan(3);
    const missing = serverModules.filter((f) => firstStatement(f.source) !== "import 'server-only'").map((f) => f.path);
    expect(missing).toEqual([]);
  });

  it('client modules import neither server code nor Node built-ins', () => {
    const offending = all
      .filter((f) => f.path.startsWith('client/'))
      .flatMap((f) => [...f.source.matchAll(/from\s+'([^']+)'|import\s+'([^']+)'/g)].map((m) => ({ file: f.path, spec: m[1] ?? m[2]! })))
      .filter(({ spec }) => /(^|\/)server(\/|\.|$)|^node:|^next\/headers$|server-only/.test(spec));
    expect(offending).toEqual([]);
  });

  describe("the client's session read", () => {
    let idp: FakeWorkos;
    beforeAll(async () => {
      idp = await startFakeWorkos();
    });
    afterAll(() => idp.close());

    it('carries the user, amr and authTime, and no token, claim set or anything JWT-shaped', async () => {
      const refreshToken = 'rt_client_must_never_see_this';
      const accessToken = await idp.sign({ auth_time: Math.floor(Date.now() / 1000), amr: ['pwd', 'otp'], org_id: 'org_1', permissions: ['a'] });
      const auth = await idp.kit().getSession(`wos-session=${await idp.seal(accessToken, { refreshToken })}`);
      expect(auth).not.toBeNull();
      const json = JSON.stringify(toClientAuth(auth!));
      expect(JSON.parse(json)).toMatchObject({ user: { id: auth!.user.id }, amr: ['pwd', 'otp'], authTime: auth!.authTime, permissions: ['a'] });
      expect(json).not.toContain(accessToken);
      expect(json).not.toContain(refreshToken);
      expect(json).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
      expect(json).not.toMatch(/"(accessToken|refreshToken|claims)"/);
    });
  });
});
