import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Test files spend much of their time waiting on durable commits and on child
    // processes rather than on a core: one file more than there are cores keeps them busy.
    maxWorkers: availableParallelism() + 1,
    globalSetup: ['test/global-setup.ts'],
    // Generous: the CLI tests start a process per command, and on a busy machine a start
    // takes seconds. A hang still fails.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A test that forgets to await leaves a dangling promise; fail rather than pass.
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
