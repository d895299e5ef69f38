import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    // The browser suite has its own config and runner (npm run test:e2e).
    exclude: [...configDefaults.exclude, 'test/e2e/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
