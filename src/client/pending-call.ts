import type { ClientAuth } from '../core/client-auth.js';
import { evaluateStepUp } from '../core/step-up.js';
import type { StepUpRequirement } from '../core/types.js';

/*
 * A call waiting for the browser to come back from a redirect step-up (SECURITY.md §12).
 *
 * Each stored call gets a one-time resume id: 32 random bytes, base64url. It lives only in memory,
 * on the start URL to our own server (`resume=<id>`, sealed into the step-up transaction), and in
 * the `#authkit-resume=<id>` fragment the server puts on `returnTo` only when it accepts that very
 * step-up. sessionStorage holds `{ hook, at, data }` under one half of SHA-512(id): `data` is the IV
 * and AES-GCM ciphertext, under the other half as key, of the page, user id, session id,
 * requirement and arguments, with `hook` and `at` as associated data. Storage alone — a later
 * user of the tab, an extension — can read none of it, tell whose call it is, or make it run.
 */

/** The resume id a page load arrived with, and the page it arrived on. */
export interface ResumeTicket {
  id: string;
  path: string;
}

interface StoredCall {
  hook: string;
  at: number;
  data: string;
}

interface SealedCall {
  path: string;
  user: string;
  sid: string;
  requirement: StepUpRequirement;
  args: unknown[];
}

const PREFIX = 'authkit-stepup:pending:';
const FRAGMENT = 'authkit-resume';
// The server's step-up transaction lives at most 10 minutes; an older record cannot be the
// step-up we are coming back from, and resuming it would replay a stale intent.
export const PENDING_TTL_MS = 10 * 60_000;

const here = (): string => location.pathname + location.search;
const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

function b64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
const unb64 = (text: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
// Binds `hook` and `at` to the ciphertext: editing them in storage makes the record unreadable.
const aad = (hook: string, at: number): Uint8Array<ArrayBuffer> => utf8(at + ' ' + hook);

/**
 * The storage key and the AES-GCM key, from the two halves of SHA-512(id): the key stored in the
 * clear tells nothing about the id or the other half.
 */
async function derive(id: string): Promise<{ name: string; key: CryptoKey }> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-512', utf8(FRAGMENT + ':' + id)));
  return { name: PREFIX + b64(hash.subarray(32)), key: await crypto.subtle.importKey('raw', hash.subarray(0, 32), 'AES-GCM', false, ['encrypt', 'decrypt']) };
}

function read(name: string): StoredCall | null {
  try {
    const record = JSON.parse(sessionStorage.getItem(name) ?? 'null') as StoredCall | null;
    return typeof record?.hook === 'string' && typeof record.at === 'number' && typeof record.data === 'string' ? record : null;
  } catch {
    return null;
  }
}

/** Removes each of our records for which `drop` holds (it gets `null` for a malformed one). */
function prune(drop: (record: StoredCall | null) => boolean): void {
  try {
    for (const name of Object.keys(sessionStorage)) if (name.startsWith(PREFIX) && drop(read(name))) sessionStorage.removeItem(name);
  } catch {
    // Storage unavailable: nothing stored, nothing to resume.
  }
}

/** Deletes every stored call, or only those of one `useStepUp` id. */
export function discardPendingCalls(hook?: string): void {
  prune((record) => hook === undefined || !record || record.hook === hook);
}

/**
 * Deletes expired and malformed records (including records of older versions, which kept the
 * arguments in plain text); returns the milliseconds until the next one expires, if any remain.
 */
export function sweepPendingCalls(now = Date.now()): number | undefined {
  let next: number | undefined;
  prune((record) => {
    const left = record ? record.at + PENDING_TTL_MS - now : -1;
    if (left < 0 || left > PENDING_TTL_MS) return true;
    next = Math.min(next ?? left, left);
    return false;
  });
  return next;
}

/** `#authkit-resume=<id>` of the current URL (the server adds it on an accepted step-up). */
export function readResumeFragment(): ResumeTicket | null {
  const id = typeof location === 'undefined' ? null : new URLSearchParams(location.hash.slice(1)).get(FRAGMENT);
  return id && /^[\w-]{22,128}$/.test(id) ? { id, path: here() } : null;
}

/**
 * Takes the id out of the address bar and this history entry; path, query and state stay. Next's
 * App Router patches `history.replaceState` and adopts the new URL only from a call without its
 * `__NA` marker (it copies the marker back itself); otherwise its next update would write the old
 * URL, fragment included, back.
 */
export function stripResumeFragment(): void {
  const state: unknown = history.state;
  history.replaceState(state && typeof state === 'object' ? { ...state, __NA: undefined } : state, '', here());
}

/**
 * Stores the call for `auth`'s user and session; resolves with the resume id to put on the start
 * URL, or `null` (no resume) when storage or WebCrypto is unavailable, or an argument does not
 * survive JSON (a file field). Replaces any earlier record of the same hook.
 */
export async function savePendingCall(hook: string, args: unknown[], requirement: StepUpRequirement, auth: ClientAuth): Promise<string | null> {
  try {
    discardPendingCalls(hook);
    const call: SealedCall = { path: here(), user: auth.user.id, sid: auth.sessionId, requirement, args };
    const plain = utf8(JSON.stringify(call, encodeFormData));
    // base64url, unpadded: 43 characters.
    const id = b64(crypto.getRandomValues(new Uint8Array(32))).slice(0, 43).replace(/\+/g, '-').replace(/\//g, '_');
    const { name, key } = await derive(id);
    const at = Date.now();
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(hook, at) }, key, plain));
    sessionStorage.setItem(name, JSON.stringify({ hook, at, data: b64(iv) + b64(sealed) } satisfies StoredCall));
    return id;
  } catch {
    return null;
  }
}

/**
 * The arguments of `hook`'s call if, and only if, this page load came back from the step-up that
 * call started (`ticket`), on the page that made it, within 10 minutes, for the same user and
 * session, and the session now meets the requirement. The record is removed before it is
 * decrypted, so whatever happens next it is resumed at most once; without a ticket, or with a
 * ticket that does not match, this hook's records are discarded.
 */
export async function claimPendingCall(hook: string, ticket: ResumeTicket | null, auth: ClientAuth | null): Promise<unknown[] | null> {
  sweepPendingCalls();
  try {
    return ticket ? await take(hook, ticket, auth) : null;
  } catch {
    return null;
  } finally {
    // Any other record of this hook is an abandoned earlier attempt.
    discardPendingCalls(hook);
  }
}

async function take(hook: string, ticket: ResumeTicket, auth: ClientAuth | null): Promise<unknown[] | null> {
  const { name, key } = await derive(ticket.id);
  // No await from this read to the removal: the first hook instance to get here is the only one.
  const record = read(name);
  if (record?.hook !== hook) return null;
  sessionStorage.removeItem(name);
  if (!auth || Date.now() - record.at > PENDING_TTL_MS) return null;
  // `data` is base64(IV, 12 bytes: 16 characters) followed by base64(ciphertext).
  const iv = unb64(record.data.slice(0, 16));
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad(hook, record.at) }, key, unb64(record.data.slice(16)));
  const call = JSON.parse(new TextDecoder().decode(plain), decodeFormData) as SealedCall;
  const resumes =
    call.path === here() &&
    ticket.path === here() &&
    call.user === auth.user.id &&
    call.sid === auth.sessionId &&
    Array.isArray(call.args) &&
    evaluateStepUp(auth, call.requirement).satisfied;
  return resumes ? call.args : null;
}

// `<form action={run}>` passes FormData: keep its text fields; a file cannot be stored, so throw
// and let the call go without a resume rather than retry with half the form.
function encodeFormData(_key: string, value: unknown): unknown {
  if (!(value instanceof FormData)) return value;
  return {
    $formData: [...value].map(([name, field]) => {
      if (typeof field !== 'string') throw new TypeError('file field');
      return [name, field];
    }),
  };
}

function decodeFormData(_key: string, value: unknown): unknown {
  const entries = (value as { $formData?: [string, string][] } | null)?.$formData;
  if (!Array.isArray(entries)) return value;
  const form = new FormData();
  for (const [name, field] of entries) form.append(name, field);
  return form;
}
