import 'server-only';
import { createAuthKit, type AuthKit, type AuthKitOptions } from '../core/authkit.js';
import { internal, type AuthKitInternal } from '../core/internal.js';
import { setSharedAuthKit, sharedAuthKit } from '../core/shared-instance.js';

/**
 * Configure the SDK in code (audit hooks, a generic OIDC provider…) instead of, or on top of,
 * environment variables. Call once, in a module every server entry imports.
 */
export function configureAuthKit(options: AuthKitOptions): AuthKit {
  return setSharedAuthKit(createAuthKit(options));
}

/** The process-wide instance: one session cache and one single-flight refresh for every request. */
export function getAuthKit(): AuthKit {
  return sharedAuthKit();
}

/** The shared instance's building blocks, for this package's own glue (not exported). */
export function internalKit(): AuthKitInternal {
  return internal(sharedAuthKit());
}
