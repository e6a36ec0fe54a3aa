import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'metrics/**/*.test.ts', 'reports/**/*.test.ts', 'suites/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    // tfjs-wasm keeps one module instance per process; forks keep test files isolated from each other.
    pool: 'forks',
    // vitest's default is one fork fewer than the cores: one fork on a 2-core CI machine, with the
    // second core idle, since tfjs-wasm runs each process on one thread.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    setupFiles: ['test/setup/fast-check.ts'],
    // Generous, because two forks share two cores: a timeout here guards against hangs, never measures speed.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
