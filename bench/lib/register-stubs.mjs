// `node --import ./bench/lib/register-stubs.mjs …`: runs the built package and
// @workos-inc/authkit-nextjs outside Next, with `next/headers` answered by test/helpers/next-stubs.ts
// (the stubs the tests use) — see test/helpers/next-stubs-hooks.mjs. A benchmark sets the request
// being simulated with that module's simulateRequest()/resumeRequest().
import '../../test/helpers/next-stubs-register.mjs';
