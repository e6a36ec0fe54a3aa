import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'metrics/**/*.test.ts', 'reports/**/*.test.ts', 'suites/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    // tfjs-wasm keeps one module instance per process; forks keep test files isolated from each other.
    pool: 'forks',
    setupFiles: ['test/setup/fast-check.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
