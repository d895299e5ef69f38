/**
 * Every error the SDK raises carries a stable `code` (safe to switch on, log and show) and a message
 * that says what to do. Codes never change meaning; new ones may be added.
 */
export type AuthKitErrorCode =
  // configuration
  | 'config_missing_client_id'
  | 'config_missing_api_key'
  | 'config_missing_cookie_password'
  | 'config_weak_cookie_password'
  | 'config_invalid_redirect_uri'
  | 'config_invalid_api_url'
  | 'config_invalid_step_up_policy'
  | 'config_invalid_route_pattern'
  // callback (sign-in and step-up)
  | 'missing_state'
  | 'unknown_state'
  | 'transaction_expired'
  | 'missing_code'
  | 'provider_error'
  | 'code_exchange_failed'
  | 'invalid_token'
  | 'step_up_user_mismatch'
  | 'step_up_stale'
  | 'step_up_mfa_missing'
  | 'session_too_large'
  // session and provider
  | 'signed_out'
  | 'refresh_failed'
  | 'provider_unavailable'
  | 'step_up_required'
  | 'step_up_cancelled';

export class AuthKitError extends Error {
  override name = 'AuthKitError';
  readonly code: AuthKitErrorCode;
  /** HTTP status a route should answer with when this error ends a request. */
  readonly status: number;

  constructor(code: AuthKitErrorCode, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options?.status ?? 400;
  }
}

/** Thrown at first use when configuration is missing or malformed. */
export class ConfigError extends AuthKitError {
  override name = 'ConfigError';
  constructor(code: AuthKitErrorCode, message: string) {
    super(code, message, { status: 500 });
  }
}

/** A rejected callback: the existing session is left exactly as it was. */
export class CallbackError extends AuthKitError {
  override name = 'CallbackError';
}

/**
 * A call to the identity provider failed. `transient` errors (network, timeouts, 408, 429, 5xx)
 * must never sign anybody out; only a 400 refusal of the grant (`invalid_grant`…) is definitive.
 */
export class ProviderError extends AuthKitError {
  override name = 'ProviderError';
  readonly transient: boolean;
  /** The provider's own error code, e.g. `invalid_grant`, when it sent one. */
  readonly providerCode: string | undefined;

  constructor(message: string, options: { transient: boolean; providerCode?: string; status?: number; cause?: unknown }) {
    super(options.transient ? 'provider_unavailable' : 'refresh_failed', message, {
      status: options.transient ? 503 : 401,
      cause: options.cause,
    });
    this.transient = options.transient;
    this.providerCode = options.providerCode;
  }
}

/** Statuses that mean "try again later", never "your grant is gone". */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
