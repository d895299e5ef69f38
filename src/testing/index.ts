/**
 * `authkit-stepup/testing`: a local WorkOS-compatible identity provider for
 * examples, integration tests and e2e tests. Not for production.
 */
export { startDevIdp } from './dev-idp.js';
export { runDevIdpCli } from './cli-run.js';
export type { DevIdpCli } from './cli-run.js';
export type { DevIdp, DevIdpOptions, DevIdpSession, DevIdpStats, DevUser, NextLoginOptions, RefreshTokenReuse } from './types.js';
