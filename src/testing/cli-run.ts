/**
 * The `authkit-stepup-dev-idp` command, as a function so scripts can reuse it:
 * parse flags, start the IdP, print the environment an app needs.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startDevIdp } from './dev-idp.js';
import { derivedCredentials, randomApiKey, randomClientId } from './ids.js';
import { isLoopbackHost } from './loopback.js';
import type { DevIdp, RefreshTokenReuse } from './types.js';

export const DEFAULT_CLI_PORT = 8787;
export const DEFAULT_CLI_REDIRECT_URI = 'http://localhost:3000/callback';

export const USAGE = `Usage: authkit-stepup-dev-idp [options]

Starts a local WorkOS-compatible identity provider (not for production) and
prints the environment variables an authkit-stepup app needs.

Options:
  --port <n>              Port to listen on (default ${DEFAULT_CLI_PORT}; 0 picks a free port)
  --host <host>           Interface to bind (default 127.0.0.1). Off loopback (e.g. 0.0.0.0)
                          the IdP is reachable from the network: it warns, and the client id
                          and API key default to random values instead of the fixed ones
  --redirect-uri <url>    Allowed redirect URI, repeatable (default ${DEFAULT_CLI_REDIRECT_URI});
                          logout's return_to must be on one of their origins
  --client-id <id>        Client id (default on loopback: a fixed dev value, stable across restarts)
  --api-key <key>         API key / client secret (default on loopback: a fixed dev value)
  --access-token-ttl <s>  Access token lifetime in seconds (default 300)
  --refresh-token-reuse <mode>
                          A used refresh token presented again: reject (default, WorkOS),
                          revoke (Auth0: the whole session ends), grace (Okta: accepted
                          again within --refresh-token-grace seconds)
  --refresh-token-grace <s>
                          Seconds a used refresh token stays usable in grace mode (default 30)
  -h, --help              Show this help
`;

export interface DevIdpCli {
  idp: DevIdp;
  /** The variables printed for `.env.local`. */
  env: Record<string, string>;
  /** Closes the IdP and removes the signal handlers. */
  stop(): Promise<void>;
}

export interface RunDevIdpCliOptions {
  /** Where output goes. Default `console.log`. */
  log?: (line: string) => void;
  /** Where warnings go (binding off loopback). Default `console.error` (stderr). */
  warn?: (line: string) => void;
  /** Close on SIGINT/SIGTERM and exit. Default false (the bin turns it on). */
  handleSignals?: boolean;
}

function integerFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new TypeError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

function reuseFlag(value: string | undefined): RefreshTokenReuse | undefined {
  if (value === undefined) return undefined;
  if (value === 'reject' || value === 'revoke' || value === 'grace') return value;
  throw new TypeError('--refresh-token-reuse must be reject, revoke or grace');
}

/**
 * Runs the CLI. Returns `undefined` after `--help`; throws a `TypeError` (with
 * the usage worth printing) on bad flags.
 */
export async function runDevIdpCli(argv: string[], options: RunDevIdpCliOptions = {}): Promise<DevIdpCli | undefined> {
  const log = options.log ?? ((line: string) => console.log(line));
  const warn = options.warn ?? ((line: string) => console.error(line));
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'client-id': { type: 'string' },
      'api-key': { type: 'string' },
      'access-token-ttl': { type: 'string' },
      'refresh-token-reuse': { type: 'string' },
      'refresh-token-grace': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    log(USAGE);
    return undefined;
  }

  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') throw new TypeError('--host must not be empty');
  // Fixed defaults keep an app's .env.local valid across restarts. They are not
  // secrets (anyone can derive them from this package), so they are used only on
  // loopback; anywhere else they would hand out tokens to the whole network.
  const loopback = isLoopbackHost(host);
  const defaults = loopback ? derivedCredentials('default') : { clientId: randomClientId(), apiKey: randomApiKey() };
  const redirectUris = values['redirect-uri'] ?? [DEFAULT_CLI_REDIRECT_URI];
  const idp = await startDevIdp({
    port: integerFlag('port', values.port, 0, 65535) ?? DEFAULT_CLI_PORT,
    host,
    redirectUri: redirectUris,
    clientId: values['client-id'] ?? defaults.clientId,
    apiKey: values['api-key'] ?? defaults.apiKey,
    accessTokenTtl: integerFlag('access-token-ttl', values['access-token-ttl'], 1, 86_400),
    refreshTokenReuse: reuseFlag(values['refresh-token-reuse']),
    refreshTokenReuseGrace: integerFlag('refresh-token-grace', values['refresh-token-grace'], 0, 3600),
    // A host name may resolve to a loopback address: then startDevIdp stays quiet.
    warn,
  });
  if (!loopback) {
    // startDevIdp warned if the bound address is not loopback; say what became of the credentials.
    const random = [values['client-id'] === undefined && 'client id', values['api-key'] === undefined && 'API key'].filter(Boolean);
    warn(
      random.length
        ? `--host ${host} is not 127.0.0.1, ::1 or localhost, so the fixed dev credentials (derivable from this package) are not used: ` +
            `this run's ${random.join(' and ')} ${random.length > 1 ? 'are' : 'is'} random (printed below). ` +
            'Pass --client-id and --api-key to keep them across restarts.'
        : `--host ${host} is not 127.0.0.1, ::1 or localhost: using the --client-id and --api-key you passed. Keep the API key to yourself.`,
    );
  }

  const api = new URL(idp.url);
  const env: Record<string, string> = {
    WORKOS_CLIENT_ID: idp.clientId,
    WORKOS_API_KEY: idp.apiKey,
    WORKOS_API_HOSTNAME: api.hostname,
    WORKOS_API_PORT: api.port,
    WORKOS_API_HTTPS: 'false',
    WORKOS_REDIRECT_URI: redirectUris[0]!,
    // Fresh per run: it only seals the app's own cookie.
    WORKOS_COOKIE_PASSWORD: randomBytes(32).toString('base64url'),
  };

  const width = Math.max(...idp.users.map((u) => u.email.length));
  log('authkit-stepup dev identity provider — not for production');
  log(`Listening on ${idp.url}`);
  if (values['refresh-token-reuse'] && values['refresh-token-reuse'] !== 'reject') log(`A reused refresh token: ${values['refresh-token-reuse']} (not WorkOS's behaviour: it rejects reuse)`);
  log('');
  log('# Put these in your app’s .env.local:');
  for (const [k, v] of Object.entries(env)) log(`${k}=${v}`);
  log('');
  log('Demo users:');
  for (const u of idp.users) {
    log(`  ${u.email.padEnd(width)}  password: ${u.password}  ${u.mfa ? `MFA code: ${u.mfa.code}` : 'no MFA'}`);
  }
  log('');
  log('Press Ctrl-C to stop.');

  const onSignal = (signal: NodeJS.Signals) => {
    log(`\nReceived ${signal}, shutting down.`);
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  const stop = async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await idp.close();
  };
  if (options.handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { idp, env, stop };
}
