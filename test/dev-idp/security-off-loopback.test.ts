/**
 * The dev identity provider off loopback (security review), over real HTTP (port 0): it never
 * uses the public fixed credentials there, and warns on stderr.
 */
import { describe, expect, it } from 'vitest';
import { runDevIdpCli, startDevIdp } from '../../src/testing/index.js';
import { derivedCredentials } from '../../src/testing/ids.js';
import { isLoopbackAddress, isLoopbackHost } from '../../src/testing/loopback.js';

describe('off loopback (security review: the CLI handed out tokens to the network)', () => {
  it('tells loopback from everything else', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', 'localhost.', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', '::ffff:10.0.0.1', 'example.com', 'localhost.example.com', 'my-laptop', '128.0.0.1', '']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('0.0.0.0')).toBe(false);
  });

  it('the CLI on 0.0.0.0 uses random credentials, not the public fixed ones, and warns on stderr', async () => {
    const fixed = derivedCredentials('default');
    const runs = [];
    try {
      for (let i = 0; i < 2; i++) {
        const lines: string[] = [];
        const warnings: string[] = [];
        const cli = await runDevIdpCli(['--host', '0.0.0.0', '--port', '0'], { log: (l) => lines.push(l), warn: (w) => warnings.push(w) });
        runs.push({ cli: cli!, lines, warnings });
      }
      for (const { cli, lines, warnings } of runs) {
        expect(cli.env.WORKOS_API_KEY).not.toBe(fixed.apiKey);
        expect(cli.env.WORKOS_CLIENT_ID).not.toBe(fixed.clientId);
        expect(cli.env.WORKOS_API_KEY).toMatch(/^sk_test_[A-Za-z0-9_-]{32}$/);
        expect(cli.env.WORKOS_CLIENT_ID).toMatch(/^client_01DEV[0-9A-Z]{21}$/);
        // The random values are printed, so the developer can still use them.
        expect(lines.join('\n')).toContain(`WORKOS_API_KEY=${cli.env.WORKOS_API_KEY}`);
        const warning = warnings.join('\n');
        expect(warning).toMatch(/WARNING/);
        expect(warning).toContain('reachable from the network');
        expect(warning).toContain('not for production');
        expect(warning).toContain('random');
        // ...and nothing of the warning went to stdout.
        expect(lines.join('\n')).not.toContain('reachable from the network');

        // The public fixed key opens nothing: not the control API, not the token endpoint.
        const control = await fetch(`${cli.idp.url}/dev-idp/control/stats`, { headers: { authorization: `Bearer ${fixed.apiKey}` } });
        expect(control.status).toBe(401);
        const token = await fetch(`${cli.idp.url}/user_management/authenticate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'x', client_id: fixed.clientId, client_secret: fixed.apiKey }),
        });
        expect(token.status).toBe(401);
        expect((await fetch(`${cli.idp.url}/dev-idp/control/stats`, { headers: { authorization: `Bearer ${cli.env.WORKOS_API_KEY}` } })).status).toBe(200);
      }
      // Random per run, not another fixed value.
      expect(runs[0]!.cli.env.WORKOS_API_KEY).not.toBe(runs[1]!.cli.env.WORKOS_API_KEY);
      expect(runs[0]!.cli.env.WORKOS_CLIENT_ID).not.toBe(runs[1]!.cli.env.WORKOS_CLIENT_ID);
    } finally {
      await Promise.all(runs.map((r) => r.cli.stop()));
    }
  });

  it('the CLI off loopback keeps credentials given explicitly, still warning', async () => {
    const warnings: string[] = [];
    const cli = await runDevIdpCli(
      ['--host', '0.0.0.0', '--port', '0', '--client-id', 'client_01MYOWNCLIENT', '--api-key', 'sk_test_my_own_secret_key'],
      { log: () => {}, warn: (w) => warnings.push(w) },
    );
    try {
      expect(cli!.env.WORKOS_CLIENT_ID).toBe('client_01MYOWNCLIENT');
      expect(cli!.env.WORKOS_API_KEY).toBe('sk_test_my_own_secret_key');
      expect(warnings.join('\n')).toContain('reachable from the network');
      expect(warnings.join('\n')).not.toContain('random');
    } finally {
      await cli!.stop();
    }

    // Only one of them given: the other is random.
    const half = await runDevIdpCli(['--host', '0.0.0.0', '--port', '0', '--client-id', 'client_01MYOWNCLIENT'], { log: () => {}, warn: () => {} });
    try {
      expect(half!.env.WORKOS_CLIENT_ID).toBe('client_01MYOWNCLIENT');
      expect(half!.env.WORKOS_API_KEY).not.toBe(derivedCredentials('default').apiKey);
    } finally {
      await half!.stop();
    }
  });

  it('the CLI on loopback keeps its fixed credentials and says nothing on stderr', async () => {
    const fixed = derivedCredentials('default');
    for (const host of [undefined, '127.0.0.1', 'localhost']) {
      const warnings: string[] = [];
      const cli = await runDevIdpCli([...(host ? ['--host', host] : []), '--port', '0'], { log: () => {}, warn: (w) => warnings.push(w) });
      try {
        expect(cli!.env.WORKOS_API_KEY).toBe(fixed.apiKey);
        expect(cli!.env.WORKOS_CLIENT_ID).toBe(fixed.clientId);
        expect(warnings).toEqual([]);
      } finally {
        await cli!.stop();
      }
    }
    await expect(runDevIdpCli(['--host', '', '--port', '0'], { log: () => {}, warn: () => {} })).rejects.toThrow(/--host/);
  });

  it('startDevIdp({ host }) warns when the bound address is not loopback; its default credentials are random', async () => {
    const warnings: string[] = [];
    const open = await startDevIdp({ host: '0.0.0.0', warn: (w) => warnings.push(w) });
    const local = await startDevIdp({ warn: (w) => warnings.push(`local: ${w}`) });
    try {
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('0.0.0.0');
      expect(warnings[0]).toContain('reachable from the network');
      expect(open.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(open.apiKey).not.toBe(local.apiKey);
      expect(open.apiKey).not.toBe(derivedCredentials('default').apiKey);
    } finally {
      await Promise.all([open.close(), local.close()]);
    }
    await expect(startDevIdp({ host: '' })).rejects.toThrow(/host/);
  });
});
