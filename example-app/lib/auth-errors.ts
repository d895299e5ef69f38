import type { CallbackErrorCode, ProviderErrorCode } from 'authkit-stepup';

/**
 * The callback's rejection codes in plain words. Typed against the SDK's unions: a code added to
 * the SDK fails this app's build until it has its own text.
 */
export const AUTH_ERROR_TEXT: Record<CallbackErrorCode | ProviderErrorCode, { title: string; body: string }> = {
  step_up_mfa_missing: {
    title: 'This page needs two-factor authentication',
    body: 'You signed in with a password only. This section of Acme Console needs a second factor (an authenticator app). Set one up with your identity provider, or ask an admin, then try again. Your session is unchanged.',
  },
  step_up_stale: {
    title: 'We could not confirm it was you just now',
    body: 'The identity provider did not ask you to sign in again, so we cannot tell that you are at the keyboard. Your session is unchanged; please try again.',
  },
  step_up_user_mismatch: {
    title: 'You confirmed as a different account',
    body: 'The account you just signed in with is not the one that is signed in here. Your session is unchanged; confirm with the same account, or sign out first to switch accounts.',
  },
  step_up_cancelled: {
    title: 'Confirmation cancelled',
    body: 'You cancelled the confirmation. Nothing changed; try again when you are ready.',
  },
  missing_state: {
    title: 'This sign-in link is incomplete',
    body: 'The link that brought you here did not come from a sign-in started on this site. Start the sign-in again.',
  },
  unknown_state: {
    title: 'This sign-in link was already used or came from elsewhere',
    body: 'Sign-in links work once, in the browser that started them. Start the sign-in again.',
  },
  transaction_expired: {
    title: 'The sign-in took too long',
    body: 'Sign-ins must be finished within 10 minutes. Start again.',
  },
  missing_code: {
    title: 'The identity provider sent no sign-in code',
    body: 'Start the sign-in again.',
  },
  provider_error: {
    title: 'The identity provider reported an error',
    body: 'Your session is unchanged. Try again in a moment.',
  },
  code_exchange_failed: {
    title: 'The sign-in could not be completed',
    body: 'We could not redeem the sign-in code with the identity provider. Start the sign-in again.',
  },
  invalid_token: {
    title: 'The identity provider sent a token we could not trust',
    body: 'Its signature, issuer, audience or expiry did not check out, so we did not sign you in. Try again; if it keeps happening, contact support.',
  },
  session_too_large: {
    title: 'Your account carries too much to fit in a browser session',
    body: 'The identity provider put more roles, permissions or feature flags in your token than a browser cookie can carry. Your session is unchanged. Ask an admin to trim them, then try again.',
  },
  refresh_failed: {
    title: 'Your session has ended',
    body: 'The identity provider no longer accepts this session. Sign in again.',
  },
  provider_unavailable: {
    title: 'The identity provider is unavailable',
    body: 'Your session is unchanged. Try again in a moment.',
  },
};

export function describeAuthError(code: string | undefined): { title: string; body: string } {
  return (
    (code && Object.hasOwn(AUTH_ERROR_TEXT, code) ? AUTH_ERROR_TEXT[code as keyof typeof AUTH_ERROR_TEXT] : undefined) || {
      title: 'Something went wrong while signing you in',
      body: 'Your session is unchanged. Start again from the home page.',
    }
  );
}
