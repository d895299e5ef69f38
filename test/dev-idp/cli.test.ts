/**
 * The dev identity provider's CLI (`authkit-stepup-dev-idp`) on loopback: what it prints, and
 * its flags. Off loopback: security-off-loopback.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { runDevIdpCli } from '../../src/testing/index.js';

describe('CLI', () => {
  it('prints the environment and demo users, with credentials stable across restarts', async () => {
    const lines: string[] = [];
    const first = await runDevIdpCli(['--port', '0', '--redirect-uri', 'http://localhost:3100/callback'], {
      log: (l) => lines.push(l),
    });
    expect(first).toBeDefined();
    const output = lines.join('\n');
    try {
      const env = first!.env;
      expect(env.WORKOS_API_HOSTNAME).toBe('127.0.0.1');
      expect(env.WORKOS_API_PORT).toBe(new URL(first!.idp.url).port);
      expect(env.WORKOS_API_HTTPS).toBe('false');
      expect(env.WORKOS_REDIRECT_URI).toBe('http://localhost:3100/callback');
      expect(env.WORKOS_COOKIE_PASSWORD!.length).toBeGreaterThanOrEqual(32);
      for (const [k, v] of Object.entries(env)) expect(output).toContain(`${k}=${v}`);
      expect(output).toContain('alice@example.com');
      expect(output).toContain('123456');
      expect(output).toContain('not for production');

      const second = await runDevIdpCli(['--port', '0'], { log: () => {} });
      try {
        expect(second!.env.WORKOS_CLIENT_ID).toBe(env.WORKOS_CLIENT_ID);
        expect(second!.env.WORKOS_API_KEY).toBe(env.WORKOS_API_KEY);
        expect(second!.env.WORKOS_COOKIE_PASSWORD).not.toBe(env.WORKOS_COOKIE_PASSWORD);
        expect(second!.env.WORKOS_REDIRECT_URI).toBe('http://localhost:3000/callback');
      } finally {
        await second!.stop();
      }
    } finally {
      await first!.stop();
    }
  });

  it('prints usage for --help and refuses unknown flags', async () => {
    const lines: string[] = [];
    expect(await runDevIdpCli(['--help'], { log: (l) => lines.push(l) })).toBeUndefined();
    expect(lines.join('\n')).toContain('--redirect-uri');
    await expect(runDevIdpCli(['--bogus'], { log: () => {} })).rejects.toThrow(TypeError);
    await expect(runDevIdpCli(['--port', 'abc'], { log: () => {} })).rejects.toThrow(/--port/);
  });
});
