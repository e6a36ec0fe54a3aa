import { GELU_SCALE } from './gelu-scale.ts';
import { heapF32, ownKernels, ptr } from './kernel-override.ts';
import type { tf } from './tf.ts';
import { simdKernels } from './wasm-simd/heap.ts';

/**
 * The sigmoid GELU y = x·σ(1.702x) of harness/models/layers.ts as one wasm kernel forward and one backward,
 * instead of 3 stock kernels forward and 6 backward, each a pass over the [rows, dFF] activations
 * (BENCHMARKS.md#fused-gelu). layers.ts wires them in with tf.customGrad; the backward recomputes σ from x,
 * so nothing but x is saved.
 *
 * 'DistillGelu': x → y. 'DistillGeluGrad': x, dy → dx = dy·(s + 1.702x·s·(1 − s)), s = σ(1.702x).
 * Outputs are new buffers. The loops are wasm-simd/gelu.ts's where that module links to the heap; the JS
 * loops below are the fallback.
 */
export const GELU = 'DistillGelu';
export const GELU_GRAD = 'DistillGeluGrad';

/** σ(GELU_SCALE·x). */
const sigmoid = (x: number) => 1 / (1 + Math.exp(-GELU_SCALE * x));

function geluForward({ inputs, backend }: any): tf.TensorInfo {
  const { x } = inputs as Record<string, tf.TensorInfo>;
  const y = backend.makeOutput(x.shape, 'float32');
  const n = x.shape.reduce((p, q) => p * q, 1);
  const simd = n > 0 ? simdKernels(backend) : undefined;
  if (simd) {
    simd.gelu(ptr(backend, x), ptr(backend, y), n);
    return y;
  }
  const [xs, ys] = [heapF32(backend, x), heapF32(backend, y)];
  for (let i = 0; i < n; i++) ys[i] = xs[i] * sigmoid(xs[i]);
  return y;
}

function geluBackward({ inputs, backend }: any): tf.TensorInfo {
  const { x, dy } = inputs as Record<string, tf.TensorInfo>;
  const dx = backend.makeOutput(x.shape, 'float32');
  const n = x.shape.reduce((p, q) => p * q, 1);
  const simd = n > 0 ? simdKernels(backend) : undefined;
  if (simd) {
    simd.geluGrad(ptr(backend, x), ptr(backend, dy), ptr(backend, dx), n);
    return dx;
  }
  const [xs, dys, dxs] = [heapF32(backend, x), heapF32(backend, dy), heapF32(backend, dx)];
  for (let i = 0; i < n; i++) {
    const s = sigmoid(xs[i]);
    dxs[i] = dys[i] * (s + GELU_SCALE * xs[i] * s * (1 - s));
  }
  return dx;
}

const kernels = ownKernels([
  [GELU, geluForward],
  [GELU_GRAD, geluBackward],
]);
export const installFusedGelu = kernels.install;
export const uninstallFusedGelu = kernels.uninstall;
export const fusedGeluAvailable = kernels.available;
