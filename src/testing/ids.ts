/**
 * Identifiers and secrets in WorkOS's formats: `prefix_` + a 26-character ULID
 * (Crockford base32, 48-bit millisecond time then 80 random bits), so values look
 * like the ones an app sees in production and pass format checks written for them.
 */
import { createHash, randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(length: number): string {
  // 256 is a multiple of 32, so `byte % 32` is unbiased.
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += CROCKFORD[b % 32];
  return out;
}

/** A fresh ULID: sortable by creation time, like WorkOS ids. */
export function ulid(now: number = Date.now()): string {
  return encodeTime(now) + encodeRandom(16);
}

/** `prefix_` + ULID, e.g. `session_01J...`. */
export function prefixedId(prefix: string): string {
  return `${prefix}_${ulid()}`;
}

/**
 * A readable, fixed id such as `user_01DEVALICE0000000000000000`: the label is
 * upper-cased and padded with zeros to ULID length, so demo ids are stable across runs.
 */
export function fixedId(prefix: string, label: string): string {
  const body = `01DEV${label.toUpperCase().replace(/[^0-9A-Z]/g, '')}`.slice(0, 26).padEnd(26, '0');
  return `${prefix}_${body}`;
}

/** An opaque, unguessable token (256 bits, base64url). */
export function secretToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A random client id in WorkOS's format, marked as a dev client. */
export function randomClientId(): string {
  return `client_01DEV${encodeRandom(21)}`;
}

/** A random API key in WorkOS's test-key format. */
export function randomApiKey(): string {
  return `sk_test_${randomBytes(24).toString('base64url')}`;
}

/**
 * Stable credentials derived from a seed, for the CLI: restarting the dev IdP keeps
 * the same `WORKOS_CLIENT_ID`/`WORKOS_API_KEY`, so an app's `.env.local` stays valid.
 * They are not secret (the seed is public), so the CLI uses them only when bound to
 * loopback; off loopback it generates random ones (see `cli-run.ts`).
 */
export function derivedCredentials(seed: string): { clientId: string; apiKey: string } {
  const hash = (purpose: string) => createHash('sha256').update(`authkit-stepup-dev-idp:${purpose}:${seed}`).digest();
  const idBytes = hash('client-id');
  let body = '';
  for (let i = 0; i < 21; i++) body += CROCKFORD[(idBytes[i] ?? 0) % 32];
  return {
    clientId: `client_01DEV${body}`,
    apiKey: `sk_test_dev_${hash('api-key').toString('base64url')}`,
  };
}
