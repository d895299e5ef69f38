import { defineConfig } from 'vitest/config';

// End-to-end tests on Next 15: the package packed (`npm pack`) and installed from its tarball into
// test/compat/next15-app (middleware.ts on the Edge runtime), `next build` + `next start`, the dev
// identity provider, real Chromium. Run with `npm run test:e2e:next15`.
export default defineConfig({
  test: {
    include: ['test/e2e-next15/**/*.test.ts'],
    globalSetup: ['test/e2e-next15/global-setup.ts'],
    env: { AUTHKIT_E2E: '1' },
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
