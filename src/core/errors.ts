/**
 * Every error the SDK raises carries a stable `code` (safe to switch on, log and show) and a message
 * that says what to do. Codes never change meaning; new ones may be added.
 */
/** A configuration mistake, found when the SDK is first used or a proxy is built. */
export type ConfigErrorCode =
  | 'config_missing_client_id'
  | 'config_missing_api_key'
  | 'config_missing_cookie_password'
  | 'config_weak_cookie_password'
  | 'config_invalid_redirect_uri'
  | 'config_invalid_api_url'
  | 'config_invalid_issuer'
  | 'config_invalid_base_path'
  | 'config_invalid_algorithms'
  | 'config_invalid_step_up_policy'
  | 'config_invalid_route_pattern';

/** Why a callback (sign-in or step-up) was rejected; the session is untouched either way. */
export type CallbackErrorCode =
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
  | 'step_up_cancelled'
  | 'session_too_large';

/** A call to the provider failed: `provider_unavailable` is transient, `refresh_failed` a refusal. */
export type ProviderErrorCode = 'refresh_failed' | 'provider_unavailable';

export type AuthKitErrorCode = ConfigErrorCode | CallbackErrorCode | ProviderErrorCode | 'step_up_required';

export class AuthKitError<Code extends AuthKitErrorCode = AuthKitErrorCode> extends Error {
  override name = 'AuthKitError';
  readonly code: Code;
  /** HTTP status a route should answer with when this error ends a request. */
  readonly status: number;

  constructor(code: Code, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options?.status ?? 400;
  }
}

/** Thrown at first use when configuration is missing or malformed. */
export class ConfigError extends AuthKitError<ConfigErrorCode> {
  override name = 'ConfigError';
  constructor(code: ConfigErrorCode, message: string) {
    super(code, message, { status: 500 });
  }
}

/** A rejected callback: the existing session is left exactly as it was. */
export class CallbackError extends AuthKitError<CallbackErrorCode> {
  override name = 'CallbackError';
  /** The claim that failed, what came back and what was required, when one claim decided it. */
  readonly detail: { claim: string; observed: unknown; required: unknown } | undefined;

  constructor(code: CallbackErrorCode, message: string, options: { status?: number; cause?: unknown; detail?: CallbackError['detail'] } = {}) {
    super(code, message, options);
    this.detail = options.detail;
  }
}

/**
 * A call to the identity provider failed. `transient` errors (network, timeouts, 408, 429, 5xx)
 * must never sign anybody out; only a 400 refusal of the grant (`invalid_grant`…) is definitive.
 */
export class ProviderError extends AuthKitError<ProviderErrorCode> {
  override name = 'ProviderError';
  readonly transient: boolean;
  /** The provider's own error code, e.g. `invalid_grant`, when it sent one. */
  readonly providerCode: string | undefined;
  /**
   * The provider was down: unreachable, timed out, or answered 408, 429 or 5xx. A transient error
   * that is not an outage is an answer we cannot read as a refusal (401 `invalid_client`, 403, a
   * proxy's 404, a cut-off body): the session is kept, but waiting will not fix it.
   */
  readonly outage: boolean;

  constructor(message: string, options: { transient: boolean; outage?: boolean; providerCode?: string; status?: number; cause?: unknown }) {
    super(options.transient ? 'provider_unavailable' : 'refresh_failed', message, {
      status: options.transient ? 503 : 401,
      cause: options.cause,
    });
    this.transient = options.transient;
    this.outage = options.transient && (options.outage ?? true);
    this.providerCode = options.providerCode;
  }
}

/** Statuses that mean "try again later", never "your grant is gone". */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
