import { defineConfig } from 'vitest/config';

// End-to-end tests: real `next build` + `next start` of example-app, the dev identity provider
// over real HTTP, and real Chromium (playwright-core). Run with `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    env: { AUTHKIT_E2E: '1' },
    // One browser, one app server, one identity provider: files run one after another.
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
