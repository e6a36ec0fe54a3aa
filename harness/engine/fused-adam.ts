import { heapF32, ownKernels, ptr } from './kernel-override.ts';
import type { tf } from './tf.ts';
import { simdKernels } from './wasm-simd/heap.ts';

/**
 * 'DistillFusedAdam': global-norm gradient clipping plus one Adam(W) step over every variable, as one
 * wasm kernel instead of 15 kernel dispatches per variable (BENCHMARKS.md#training-kernel-profile).
 * harness/training/adam-update.ts invokes it when it is registered for the active backend and keeps
 * the op-based update as the reference and for other backends.
 *
 * Inputs x0..x{n-1} (variables), g0.. (gradients, same shapes), m0.., v0.. (moments). Outputs, all
 * new buffers: x'0..x'{n-1}, m'0.., v'0.. (the caller assigns them; nothing is written in place, so
 * tensors sharing an input's buffer are unaffected). Per element, with s = min(1, clip/(‖g‖+1e-6)):
 *   g ← s·g;  m ← b1·m + (1−b1)·g;  v ← b2·v + (1−b2)·g²;  x ← x − (lrT·m/(√v + eps) + lr·wd·x)
 * The norm is accumulated in float64 (per 256-element float32 chunk in the wasm path). The update runs as
 * wasm-simd/kernels.ts's float32 lanes where that module links to the heap (shared or not); the JS loop below (float64
 * arithmetic rounded to float32 once per stored value) is the fallback where it cannot link.
 */
export const FUSED_ADAM = 'DistillFusedAdam';

export interface FusedAdamAttrs {
  n: number;
  beta1: number;
  beta2: number;
  eps: number;
  clipNorm: number;
  weightDecay: number;
  lr: number;
  lrT: number;
}

function fusedAdam({ inputs, backend, attrs }: any): tf.TensorInfo[] {
  const { n, beta1: b1, beta2: b2, eps, clipNorm, weightDecay, lr, lrT } = attrs as FusedAdamAttrs;
  const at = (p: string, i: number) => inputs[`${p}${i}`] as tf.TensorInfo;
  for (let i = 0; i < n; i++) {
    for (const p of ['x', 'g', 'm', 'v']) {
      const t = at(p, i);
      if (t.dtype !== 'float32' || t.shape.join() !== at('x', i).shape.join()) {
        throw new Error(`${FUSED_ADAM}: input ${p}${i} must be float32 of shape [${at('x', i).shape}]`);
      }
    }
  }
  // Allocate every output before taking heap views: a malloc that grows memory detaches old views.
  const outs = ['x', 'm', 'v'].flatMap(() =>
    Array.from({ length: n }, (_, i) => backend.makeOutput(at('x', i).shape, 'float32') as tf.TensorInfo),
  );
  // Last output: the global gradient norm the clipping used (the trainer logs it).
  const norm = backend.makeOutput([], 'float32') as tf.TensorInfo;
  const simd = simdKernels(backend);
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const g = at('g', i);
    const size = g.shape.reduce((a, b) => a * b, 1);
    if (size > 0) sq += simd ? simd.sumSquares(ptr(backend, g), size) : sumSquares(heapF32(backend, g));
  }
  const scale = Math.min(1, clipNorm / (Math.sqrt(sq) + 1e-6));
  const decay = lr * weightDecay;
  for (let i = 0; i < n; i++) {
    const size = at('x', i).shape.reduce((a, b) => a * b, 1);
    if (simd && size > 0) {
      const p = [...['x', 'g', 'm', 'v'].map((q) => at(q, i)), outs[i], outs[n + i], outs[2 * n + i]];
      const ptrs = p.map((t) => ptr(backend, t)) as Parameters<typeof simd.adam>[0];
      simd.adam(ptrs, size, [scale, b1, 1 - b1, b2, 1 - b2, eps, lrT, decay]);
      continue;
    }
    const [x, g, m, v] = ['x', 'g', 'm', 'v'].map((p) => heapF32(backend, at(p, i)));
    const [x2, m2, v2] = [i, n + i, 2 * n + i].map((k) => heapF32(backend, outs[k]));
    updateOne(x, g, m, v, x2, m2, v2, scale, b1, b2, eps, lrT, decay);
  }
  heapF32(backend, norm)[0] = Math.sqrt(sq);
  return [...outs, norm];
}

// Monomorphic loops over Float32Array views, kept out of the kernel so V8 optimizes each on its own.
function sumSquares(g: Float32Array): number {
  let s = 0;
  for (let j = 0; j < g.length; j++) s += g[j] * g[j];
  return s;
}

function updateOne(
  x: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  x2: Float32Array,
  m2: Float32Array,
  v2: Float32Array,
  scale: number,
  b1: number,
  b2: number,
  eps: number,
  lrT: number,
  decay: number,
): void {
  for (let j = 0; j < x.length; j++) {
    const gj = g[j] * scale;
    m2[j] = b1 * m[j] + (1 - b1) * gj;
    v2[j] = b2 * v[j] + (1 - b2) * gj * gj;
    // The update reads the stored (float32) moments, as the op path does.
    x2[j] = x[j] - ((lrT * m2[j]) / (Math.sqrt(v2[j]) + eps) + decay * x[j]);
  }
}

const kernels = ownKernels([[FUSED_ADAM, fusedAdam]]);
export const installFusedAdam = kernels.install;
export const uninstallFusedAdam = kernels.uninstall;
export const fusedAdamAvailable = kernels.available;
