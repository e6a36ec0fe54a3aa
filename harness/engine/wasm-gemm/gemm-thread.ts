import { workerData } from 'node:worker_threads';
import { WasmGemm } from './gemm.ts';
import { CTL, runShare, type SimdExports, spinUntil } from './gemm-pool.ts';

/**
 * A GemmPool worker thread: waits for each new job generation (polling for ctl.spin µs after the last one,
 * then asleep), runs its share of a product or of a split kernel, counts itself done.
 */
const {
  memory,
  module,
  simd: simdModule,
  ctl: buffer,
  t,
  threads,
  kernel,
} = workerData as {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  simd: WebAssembly.Module;
  ctl: SharedArrayBuffer;
  t: number;
  threads: number;
  kernel: { fma: boolean; mr: number; nr: number };
};
const ctl = new Int32Array(buffer);
const g = new WasmGemm(memory, { ...kernel, module });
const simd = new WebAssembly.Instance(simdModule, { env: { memory } }).exports as SimdExports;
// The generation seen so far; a job posted before this thread started is picked up at once.
let gen = 0;
Atomics.add(ctl, CTL.ready, 1);
for (;;) {
  if (spinUntil(ctl, CTL.gen, (g) => g !== gen, ctl[CTL.spin]) === gen) Atomics.wait(ctl, CTL.gen, gen);
  gen = Atomics.load(ctl, CTL.gen);
  runShare(g, simd, ctl, t, threads);
  Atomics.add(ctl, CTL.done, 1);
  Atomics.notify(ctl, CTL.done);
}
