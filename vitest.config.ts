import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    // The browser suites have their own configs and runner (npm run test:e2e, test:e2e:next15);
    // test/compat holds apps those suites install and build.
    exclude: [...configDefaults.exclude, 'test/e2e/**', 'test/e2e-next15/**', 'test/compat/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
