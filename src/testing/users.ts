/**
 * Demo users: the defaults, validation of user-supplied ones, lookup, and the
 * WorkOS `user` object returned by the authenticate endpoint.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { fixedId } from './ids.js';
import type { DevUser } from './types.js';

export const DEMO_PASSWORD = 'password';
export const DEMO_MFA_CODE = '123456';
export const DEMO_ORGANIZATION_ID = fixedId('org', 'ACME');

/** Alice is enrolled in MFA; Bob is not. Both belong to the same organization. */
export function defaultUsers(): DevUser[] {
  return [
    {
      id: fixedId('user', 'ALICE'),
      email: 'alice@example.com',
      password: DEMO_PASSWORD,
      firstName: 'Alice',
      lastName: 'Admin',
      mfa: { code: DEMO_MFA_CODE },
      organizationId: DEMO_ORGANIZATION_ID,
      role: 'admin',
      roles: ['admin'],
      permissions: ['billing:manage', 'keys:revoke', 'members:manage'],
      entitlements: ['audit-logs'],
      featureFlags: ['step-up'],
    },
    {
      id: fixedId('user', 'BOB'),
      email: 'bob@example.com',
      password: DEMO_PASSWORD,
      firstName: 'Bob',
      lastName: 'Member',
      organizationId: DEMO_ORGANIZATION_ID,
      role: 'member',
      roles: ['member'],
      permissions: ['widgets:read'],
      entitlements: [],
      featureFlags: [],
    },
  ];
}

/** Fail fast on a broken `users` option rather than with an odd login later. */
export function validateUsers(users: DevUser[]): DevUser[] {
  if (!Array.isArray(users) || users.length === 0) {
    throw new TypeError('startDevIdp: `users` must be a non-empty array');
  }
  const ids = new Set<string>();
  const emails = new Set<string>();
  for (const u of users) {
    for (const field of ['id', 'email', 'password', 'firstName', 'lastName'] as const) {
      if (typeof u?.[field] !== 'string') {
        throw new TypeError(`startDevIdp: every user needs a string \`${field}\``);
      }
    }
    if (u.mfa !== undefined && (typeof u.mfa.code !== 'string' || u.mfa.code === '')) {
      throw new TypeError(`startDevIdp: user ${u.email} has \`mfa\` without a \`code\``);
    }
    const email = u.email.toLowerCase();
    if (ids.has(u.id) || emails.has(email)) {
      throw new TypeError(`startDevIdp: duplicate user ${u.id} / ${u.email}`);
    }
    ids.add(u.id);
    emails.add(email);
  }
  // Deep-ish copy: the caller mutating its array later must not change the IdP.
  return users.map((u) => structuredClone(u));
}

export function findUserByEmail(users: readonly DevUser[], email: string | null | undefined): DevUser | undefined {
  if (!email) return undefined;
  const wanted = email.trim().toLowerCase();
  return users.find((u) => u.email.toLowerCase() === wanted);
}

export function findUserById(users: readonly DevUser[], id: string): DevUser | undefined {
  return users.find((u) => u.id === id);
}

/** Constant-time string comparison (hashing first makes the lengths equal). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** The RFC 8176 `amr` a user's interactive login produces. */
export function defaultAmr(user: DevUser): string[] {
  // pwd: password; otp: one-time code; mfa: more than one factor was used.
  return user.mfa ? ['pwd', 'otp', 'mfa'] : ['pwd'];
}

/**
 * The `user` object of WorkOS's authenticate response (snake_case, `object: 'user'`), as
 * `@workos-inc/node` 10 reads it (`UserResponse`, which includes `name` and `locale`).
 */
export interface WorkOSUserObject {
  object: 'user';
  id: string;
  email: string;
  email_verified: boolean;
  name: string | null;
  first_name: string;
  last_name: string;
  locale: string | null;
  profile_picture_url: string | null;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
  external_id: string | null;
  metadata: Record<string, string>;
}

export function toWorkOSUser(user: DevUser, createdAt: string, lastSignInAt: string | null): WorkOSUserObject {
  return {
    object: 'user',
    id: user.id,
    email: user.email,
    email_verified: true,
    name: `${user.firstName} ${user.lastName}`.trim() || null,
    first_name: user.firstName,
    last_name: user.lastName,
    locale: null,
    profile_picture_url: null,
    last_sign_in_at: lastSignInAt,
    created_at: createdAt,
    updated_at: lastSignInAt ?? createdAt,
    external_id: null,
    metadata: {},
  };
}
