import { UsageError } from '../errors.ts';

/**
 * Which multiply-add the generated wasm GEMM uses (DISTILL_BENCH_GEMM). 'mul+add' (f32x4.mul then f32x4.add)
 * by default: its numbers are the same on every host, where relaxed SIMD's madd is a fused multiply-add on
 * some CPUs and two rounded operations on others; and on the AMD EPYC this project measures on it is also
 * the faster (BENCHMARKS.md#muladd-against-fma). 'fma' asks for relaxed madd, where the engine has it.
 * Kept apart from backend.ts so the CLI can check the variable without loading TensorFlow.js.
 */
export type GemmKernel = 'fma' | 'mul+add';
const CHOICES: readonly GemmKernel[] = ['mul+add', 'fma'];

export function parseGemmKernel(raw: string | undefined, field = 'DISTILL_BENCH_GEMM'): GemmKernel {
  if (raw === undefined || raw === '') return 'mul+add';
  const found = CHOICES.find((c) => c === raw);
  if (found) return found;
  throw new UsageError(
    `${field}: '${raw}' is not a GEMM kernel. Fix: use 'mul+add' (the default, the same numbers on every host) or 'fma'.`,
    { field },
  );
}
