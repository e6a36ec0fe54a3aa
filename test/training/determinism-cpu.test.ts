// Same determinism test on the pure-JS cpu backend (each test file runs in its own process).
process.env.DISTILL_BENCH_TEST_BACKEND = 'cpu';
await import('./determinism.test.ts');
