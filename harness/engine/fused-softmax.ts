import { heapF32, ownKernels, ptr } from './kernel-override.ts';
import type { tf } from './tf.ts';
import { simdKernels } from './wasm-simd/heap.ts';

/**
 * The attention softmax softmax(scale·s + mask) of harness/models/transformer.ts as one wasm kernel forward and
 * one backward (BENCHMARKS.md#fused-attention-softmax), instead of scale, mask-add and softmax forward and
 * five kernels backward, each a pass over the [B, H, Q, K] scores. layers.ts wires them in with tf.customGrad;
 * the mask is a constant (no gradient), the backward needs only y.
 *
 * 'DistillMaskedSoftmax': s [B, H, Q, K], mask [B, 1, Q, K] → y.
 * 'DistillMaskedSoftmaxGrad': y, dy → ds = scale·y·(dy − Σ_k dy·y).
 * The loops are wasm-simd/softmax.ts's where that module links to the heap; the JS loops below are the fallback.
 */
export const MASKED_SOFTMAX = 'DistillMaskedSoftmax';
export const MASKED_SOFTMAX_GRAD = 'DistillMaskedSoftmaxGrad';

function forward({ inputs, attrs, backend }: any): tf.TensorInfo {
  const { s, mask } = inputs as Record<string, tf.TensorInfo>;
  const { scale } = attrs as { scale: number };
  const [B, H, Q, K] = s.shape;
  const y = backend.makeOutput(s.shape, 'float32');
  const simd = B * H * Q * K > 0 ? simdKernels(backend) : undefined;
  if (simd) {
    simd.maskedSoftmax(ptr(backend, s), ptr(backend, mask), ptr(backend, y), [B, H, Q, K], scale);
    return y;
  }
  const [ss, ms, ys] = [heapF32(backend, s), heapF32(backend, mask), heapF32(backend, y)];
  for (let g = 0; g < B * H * Q; g++) {
    const [row, mrow] = [g * K, (Math.floor(g / (H * Q)) * Q + (g % Q)) * K];
    let mx = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) {
      ys[row + k] = Math.fround(scale * ss[row + k]) + ms[mrow + k];
      mx = Math.max(mx, ys[row + k]);
    }
    let sum = 0;
    for (let k = 0; k < K; k++) {
      ys[row + k] = Math.exp(ys[row + k] - mx);
      sum += ys[row + k];
    }
    for (let k = 0; k < K; k++) ys[row + k] /= sum;
  }
  return y;
}

function backward({ inputs, attrs, backend }: any): tf.TensorInfo {
  const { y, dy } = inputs as Record<string, tf.TensorInfo>;
  const { scale } = attrs as { scale: number };
  const K = y.shape[y.shape.length - 1];
  const rows = K === 0 ? 0 : y.shape.reduce((p, q) => p * q, 1) / K;
  const ds = backend.makeOutput(y.shape, 'float32');
  const simd = rows * K > 0 ? simdKernels(backend) : undefined;
  if (simd) {
    simd.softmaxGrad(ptr(backend, y), ptr(backend, dy), ptr(backend, ds), rows, K, scale);
    return ds;
  }
  const [ys, dys, dss] = [heapF32(backend, y), heapF32(backend, dy), heapF32(backend, ds)];
  for (let r = 0; r < rows * K; r += K) {
    let dot = 0;
    for (let k = 0; k < K; k++) dot += ys[r + k] * dys[r + k];
    for (let k = 0; k < K; k++) dss[r + k] = scale * ys[r + k] * (dys[r + k] - dot);
  }
  return ds;
}

const kernels = ownKernels([
  [MASKED_SOFTMAX, forward],
  [MASKED_SOFTMAX_GRAD, backward],
]);
export const installFusedSoftmax = kernels.install;
export const uninstallFusedSoftmax = kernels.uninstall;
export const fusedSoftmaxAvailable = kernels.available;
