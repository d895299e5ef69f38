import { PAPE_MULTI_FACTOR } from './config.js';
import { describeRequirement } from './marker.js';
import type { StepUpRequirement } from './types.js';

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * RFC 9470 §3: `401` with `WWW-Authenticate: Bearer error="insufficient_user_authentication"`,
 * `max_age` and, when MFA is required, `acr_values`.
 */
export function stepUpChallenge(requirement: StepUpRequirement = {}, options: { acrValues?: string; description?: string } = {}): Response {
  const description = options.description ?? describeRequirement(requirement);
  const params = [`error="insufficient_user_authentication"`, `error_description=${quote(description)}`];
  const body: Record<string, unknown> = { error: 'insufficient_user_authentication', error_description: description };
  if (requirement.maxAge !== undefined) {
    params.push(`max_age="${Math.floor(requirement.maxAge)}"`);
    body.max_age = Math.floor(requirement.maxAge);
  }
  if (requirement.mfa) {
    const acr = options.acrValues ?? PAPE_MULTI_FACTOR;
    params.push(`acr_values=${quote(acr)}`);
    body.acr_values = acr;
  }
  return new Response(JSON.stringify(body), {
    status: 401,
    headers: {
      'www-authenticate': `Bearer ${params.join(', ')}`,
      'content-type': 'application/json',
      'cache-control': 'private, no-store',
      vary: 'Cookie',
    },
  });
}

/** `401` for an API request with no session at all (RFC 6750 §3). */
export function signedOutChallenge(): Response {
  return new Response(JSON.stringify({ error: 'unauthorized', error_description: 'Sign in first.' }), {
    status: 401,
    headers: { 'www-authenticate': 'Bearer', 'content-type': 'application/json', 'cache-control': 'private, no-store', vary: 'Cookie' },
  });
}
