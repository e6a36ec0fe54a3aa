import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseWasmThreads } from '../../harness/engine/wasm-thread-count.ts';
import { UsageError } from '../../harness/errors.ts';
import { chooseWorkers } from '../../harness/runner/worker-count.ts';

/** Runs harness/engine/testing/threaded-train.ts in its own process; it must also exit on its own. */
function child(threads: number) {
  const res = spawnSync(
    process.execPath,
    ['bin/run-ts.mjs', 'harness/engine/testing/threaded-train.ts', String(threads)],
    { encoding: 'utf8', timeout: 90_000 },
  );
  expect(res.error, 'the process did not exit (idle pool threads keep it alive?)').toBeUndefined();
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout.trim().split('\n').at(-1) ?? '') as {
    threads: number;
    gemmThreads: number;
    matmulMaxRelError: number;
    losses: number[];
  };
}

describe('threaded wasm binary under Node', () => {
  it('runs the generated GEMM on 2 threads, computes right, and trains exactly like the single-threaded binary', () => {
    const one = child(1);
    const two = child(2);
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    // The generated GEMM runs in both, split over our own threads on the threaded build's shared heap.
    expect(one.gemmThreads).toBe(1);
    expect(two.gemmThreads).toBe(2);
    // Against float64 loops: float32 rounding over K = 70 terms.
    expect(two.matmulMaxRelError).toBeLessThan(1e-5);
    expect(two.losses).toHaveLength(6);
    expect(two.losses[5]).toBeLessThan(two.losses[0]);
    // Each output element is one thread's dot product in the same order, so the numbers are the same.
    expect(two.losses).toEqual(one.losses);
  });

  it('takes the thread count from DISTILL_BENCH_WASM_THREADS, refusing what is not 1-64', () => {
    expect(parseWasmThreads(undefined)).toBe(1);
    expect(parseWasmThreads('')).toBe(1);
    expect(parseWasmThreads('4')).toBe(4);
    for (const bad of ['0', '65', '2.5', 'two', '-1']) {
      expect(() => parseWasmThreads(bad)).toThrow(UsageError);
      expect(() => parseWasmThreads(bad)).toThrow(/DISTILL_BENCH_WASM_THREADS: '.*' is not a thread count/);
    }
    expect(() => parseWasmThreads('x', '--threads')).toThrow(/^--threads:/);
  });

  it('starts cores / threads workers so the threads do not oversubscribe the cores', () => {
    expect(
      chooseWorkers({ backend: 'wasm', cores: 16, gpus: 0, memoryGiB: 64, threadsPerWorker: 4 }),
    ).toEqual({
      workers: 4,
      reason:
        '16 CPU cores / 4 wasm threads per worker on wasm, so the threads do not oversubscribe the cores',
    });
    expect(
      chooseWorkers({ backend: 'wasm', cores: 2, gpus: 0, memoryGiB: 8, threadsPerWorker: 4 }).workers,
    ).toBe(1);
    expect(
      chooseWorkers({ backend: 'wasm', cores: 2, gpus: 0, memoryGiB: 8, threadsPerWorker: 1 }).workers,
    ).toBe(2);
  });
});
