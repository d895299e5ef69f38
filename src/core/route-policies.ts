import { checkStepUpPolicy } from './config.js';
import { ConfigError } from './errors.js';
import { compileRoutePatternSource, pathReadings, policyMatches } from './route-match.js';
import type { StepUpRequirement } from './types.js';

const KEYS = new Set(['maxAge', 'mfa']);

/**
 * Compiles route policies (`{ '/console/:path*': { mfa: true }, '/console/billing/:path*': { maxAge: 300 } }`)
 * into a lookup (SECURITY.md §13): every policy whose pattern matches the pathname applies,
 * whatever the order they were written in — the result is the strictest combination (the smallest
 * `maxAge`, `mfa` if any of them asks for it), `{}` when matching policies ask only for a sign-in,
 * and `undefined` when none matches.
 *
 * Throws a `ConfigError` while building: `config_invalid_route_pattern` for a pattern outside the
 * grammar of `compileRoutePattern`, `config_invalid_step_up_policy` for a requirement that is not
 * `{ maxAge?: number ≥ 60, mfa?: boolean }` (an unknown key, such as a misspelt `maxage`, would
 * otherwise be a requirement silently dropped).
 */
export function compileRoutePolicies(policies: Record<string, StepUpRequirement>): (pathname: string) => StepUpRequirement | undefined {
  if (policies === null || typeof policies !== 'object' || Array.isArray(policies)) {
    throw new ConfigError('config_invalid_step_up_policy', 'Route policies must be an object of { "<pattern>": { maxAge?, mfa? } }.');
  }
  const compiled = Object.entries(policies).map(([pattern, requirement]) => {
    checkRequirementShape(pattern, requirement);
    checkStepUpPolicy(pattern, requirement);
    const regex = new RegExp(compileRoutePatternSource(pattern), 'i');
    return { regex, maxAge: requirement.maxAge, mfa: requirement.mfa === true };
  });

  return (pathname) => {
    if (compiled.length === 0) return undefined;
    const readings = pathReadings(pathname);
    let matched = false;
    let maxAge: number | undefined;
    let mfa = false;
    for (const policy of compiled) {
      if (!policyMatches(policy.regex, readings)) continue;
      matched = true;
      if (policy.maxAge !== undefined) maxAge = maxAge === undefined ? policy.maxAge : Math.min(maxAge, policy.maxAge);
      if (policy.mfa) mfa = true;
    }
    if (!matched) return undefined;
    const requirement: StepUpRequirement = {};
    if (maxAge !== undefined) requirement.maxAge = maxAge;
    if (mfa) requirement.mfa = true;
    return requirement;
  };
}

function checkRequirementShape(pattern: string, requirement: unknown): asserts requirement is StepUpRequirement {
  const problem =
    requirement === null || typeof requirement !== 'object' || Array.isArray(requirement)
      ? `is ${JSON.stringify(requirement) ?? String(requirement)}, not an object`
      : Object.keys(requirement).some((key) => !KEYS.has(key))
        ? `has ${Object.keys(requirement)
            .filter((key) => !KEYS.has(key))
            .map((key) => JSON.stringify(key))
            .join(', ')}, which is not a step-up requirement`
        : 'mfa' in requirement && requirement.mfa !== undefined && typeof requirement.mfa !== 'boolean'
          ? `has mfa ${JSON.stringify(requirement.mfa)}, not true or false`
          : 'maxAge' in requirement && requirement.maxAge !== undefined && typeof requirement.maxAge !== 'number'
            ? `has maxAge ${JSON.stringify(requirement.maxAge)}, not a number of seconds`
            : undefined;
  if (problem !== undefined) {
    throw new ConfigError(
      'config_invalid_step_up_policy',
      `The step-up policy for ${JSON.stringify(pattern)} ${problem}. Write { maxAge?: <seconds, at least 60>, mfa?: true }, e.g. { "${pattern}": { maxAge: 300, mfa: true } }.`,
    );
  }
}
