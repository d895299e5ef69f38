import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

// Every public export has one home, and the README says which: its "Public surface" block lists
// the runtime exports of each entry point. An export that appears without being listed there
// (an internal leaking out, or a second home for a name) fails here.

vi.mock('server-only', () => ({}));

const ENTRIES = {
  'authkit-stepup': () => import('../../src/index.js'),
  'authkit-stepup/server': () => import('../../src/server/index.js'),
  'authkit-stepup/client': () => import('../../src/client/index.js'),
  'authkit-stepup/middleware': () => import('../../src/middleware.js'),
  'authkit-stepup/testing': () => import('../../src/testing/index.js'),
} as const;

/** `entry: name, name, …` lines of the README's Public surface block. */
function documented(): Map<string, string[]> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /### Public surface[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no "### Public surface" section with a ```text block');
  const lists = new Map<string, string[]>();
  for (const line of block.trim().split('\n')) {
    const [entry, names] = line.split(/:\s+/, 2);
    lists.set(entry!.trim(), names!.split(',').map((n) => n.trim()).filter(Boolean).sort());
  }
  return lists;
}

describe('public surface', () => {
  const lists = documented();
  for (const [entry, load] of Object.entries(ENTRIES)) {
    it(`${entry} exports exactly what the README lists`, async () => {
      const actual = Object.keys(await load()).filter((n) => n !== 'default').sort();
      expect(actual, `README "Public surface", line "${entry}: ${actual.join(', ')}"`).toEqual(lists.get(entry));
    });
  }

  it('no runtime name has two homes', async () => {
    const seen = new Map<string, string>();
    for (const [entry, load] of Object.entries(ENTRIES)) {
      for (const name of Object.keys(await load())) {
        expect(seen.get(name), `${name} is exported by ${seen.get(name)} and ${entry}`).toBeUndefined();
        seen.set(name, entry);
      }
    }
  });
});

describe('the AuthKit object', () => {
  it('shows app code its flows only: the glue our Next adapters use (sessions, stores, authorize URLs) is not on it', async () => {
    const { createAuthKit } = await import('../../src/index.js');
    const kit = createAuthKit({ clientId: 'c', apiKey: 'k', redirectUri: 'http://localhost:3000/callback', cookiePassword: 'p'.repeat(32), env: {} });
    expect(Object.keys(kit).sort()).toEqual(['getSession', 'handleAuthRoute', 'handleCallback', 'signIn', 'signOut', 'stepUp']);
    expect(Object.getOwnPropertyNames(kit).sort()).toEqual(['getSession', 'handleAuthRoute', 'handleCallback', 'signIn', 'signOut', 'stepUp']);
    expect(JSON.stringify(kit)).toBe('{}');
  });
});
