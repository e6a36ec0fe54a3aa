/**
 * `npm run bench:train -- --kernel-times`: wall time of each wasm kernel function inside real training steps.
 * tf.profile (bench/kernel-profile.ts) reads every kernel's output back and inflates a 2-thread step by about
 * 25%; wrapping the registered kernel functions in a timer costs two performance.now() calls per kernel, so the
 * step keeps its speed. wasm kernels are synchronous, so the time of the call is the kernel's time.
 * BENCHMARKS.md#unsortedsegmentsum-on-heap-views has the figures.
 */
import { tf } from '../harness/engine/tf.ts';

export async function printKernelTimes(step: () => Promise<void>, steps: number): Promise<void> {
  const stats = new Map<string, { calls: number; ms: number }>();
  const restore: (() => void)[] = [];
  for (const config of tf.getKernelsForBackend('wasm')) {
    const inner = config.kernelFunc;
    const name = config.kernelName;
    (config as { kernelFunc: unknown }).kernelFunc = (args: Parameters<typeof inner>[0]) => {
      const t0 = performance.now();
      const out = inner(args);
      const row = stats.get(name) ?? { calls: 0, ms: 0 };
      row.calls++;
      row.ms += performance.now() - t0;
      stats.set(name, row);
      return out;
    };
    restore.push(() => {
      (config as { kernelFunc: unknown }).kernelFunc = inner;
    });
  }
  let total = 0;
  try {
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await step();
      total += performance.now() - t0;
    }
  } finally {
    for (const r of restore) r();
  }
  const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
  const inKernels = rows.reduce((s, [, r]) => s + r.ms, 0) / steps;
  console.log(
    `step ${(total / steps).toFixed(1)} ms, in kernels ${inKernels.toFixed(1)} ms (mean of ${steps} steps)`,
  );
  for (const [name, r] of rows)
    console.log(
      `  ${name.padEnd(22)} ${String(r.calls / steps).padStart(5)} ${(r.ms / steps).toFixed(2).padStart(8)}`,
    );
}
