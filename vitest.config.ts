import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // A test that forgets to await leaves a dangling promise; fail rather than pass.
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
