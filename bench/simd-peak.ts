import { Code, emitModule, V128 } from '../harness/engine/wasm-gemm/emit.ts';
import { relaxedSimdAvailable } from '../harness/engine/wasm-gemm/relaxed.ts';

/**
 * The most f32x4 multiply-adds per second this engine and CPU run (`npm run bench:gemm -- --ceiling`):
 * `chains` independent accumulators, each updated acc = acc * b + c with nothing loaded or stored inside
 * the loop, so neither memory nor latency limits it. No GEMM on 128-bit wasm SIMD can beat this figure.
 */
export function simdPeakGflops(opts: { fma: boolean; chains?: number; iters?: number }): number {
  const chains = opts.chains ?? 12;
  const iters = opts.iters ?? 2e7;
  if (opts.fma && !relaxedSimdAvailable()) return Number.NaN;
  // Locals: 0 = iterations (param), 1 = b, 2 = c, 3.. = accumulators.
  const acc = (j: number) => 3 + j;
  const c = new Code();
  c.f32(0.999).f32x4Splat().set(1).f32(1e-4).f32x4Splat().set(2);
  for (let j = 0; j < chains; j++)
    c.f32(j * 1e-3)
      .f32x4Splat()
      .set(acc(j));
  c.loop();
  for (let j = 0; j < chains; j++) {
    if (opts.fma) c.get(acc(j)).get(1).get(2).relaxedMadd().set(acc(j));
    else c.get(acc(j)).get(1).f32x4Mul().get(2).f32x4Add().set(acc(j));
  }
  c.get(0).i32(1).sub().tee(0).brIf(0).end();
  // Keeps the chains alive: their sum goes to address 0.
  c.i32(0).get(acc(0));
  for (let j = 1; j < chains; j++) c.get(acc(j)).f32x4Add();
  c.v128Store();
  const memory = new WebAssembly.Memory({ initial: 1 });
  const bytes = emitModule([{ name: 'peak', params: 1, locals: new Array(chains + 2).fill(V128), body: c }]);
  const run = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports.peak as (
    n: number,
  ) => void;
  run(1000);
  let best = 0;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    run(iters);
    best = Math.max(best, (iters * chains * 8) / (performance.now() - t0) / 1e6);
  }
  return best;
}
