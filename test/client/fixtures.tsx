import { act } from '@testing-library/react';
import type { ReactNode } from 'react';
import type { ClientAuth } from '../../src/core/client-auth.js';
import { AuthKitProvider, type AuthKitProviderProps } from '../../src/client/index.js';

export const now = (): number => Math.floor(Date.now() / 1000);

export function makeAuth(overrides: Partial<ClientAuth> = {}): ClientAuth {
  return {
    user: {
      object: 'user',
      id: 'user_01',
      email: 'ada@example.com',
      emailVerified: true,
      firstName: 'Ada',
      lastName: 'Lovelace',
      profilePictureUrl: null,
      lastSignInAt: null,
      externalId: null,
      metadata: {},
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-01T00:00:00.000Z',
    },
    sessionId: 'session_01',
    organizationId: 'org_01',
    amr: ['pwd', 'otp', 'mfa'],
    authTime: now() - 60,
    expiresAt: now() + 300,
    ...overrides,
  };
}

export function providerWrapper(props: Omit<AuthKitProviderProps, 'children'>) {
  return function Wrapper({ children }: { children: ReactNode }) {
    return <AuthKitProvider {...props}>{children}</AuthKitProvider>;
  };
}

/**
 * Calls `run` inside `act` and returns its promise, already handled, so that a rejection the test
 * awaits later is not reported as unhandled in between.
 */
export function started<T>(run: () => Promise<T>): Promise<T> {
  let settled!: Promise<T>;
  act(() => {
    settled = run();
    settled.catch(() => {});
  });
  return settled;
}
