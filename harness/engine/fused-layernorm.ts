import { heapF32, ownKernels, ptr } from './kernel-override.ts';
import type { tf } from './tf.ts';
import { simdKernels } from './wasm-simd/heap.ts';

/**
 * Layer norm over the last axis as two wasm kernels (forward, backward) instead of the ~40 kernels
 * that tf.moments, the broadcasts and their gradients take; the broadcast Multiply [N,1]·[N,D] of
 * tf.moments' gradient alone is the slowest elementwise kernel of a step
 * (BENCHMARKS.md#training-kernel-profile). harness/models/layers.ts wires them in with tf.customGrad.
 *
 * 'DistillLayerNorm': x [..., D], g [D], b [D] → y = (x − μ)·r·g + b, μ [rows], r = 1/√(σ² + eps) [rows]
 * (σ² the population variance, as tf.moments). 'DistillLayerNormGrad': dy, x, g, μ, r → dx, dg, db with
 * x̂ = (x − μ)·r: db = Σ dy, dg = Σ dy·x̂, dx = r·(dy·g − mean(dy·g) − x̂·mean(dy·g·x̂)).
 * Outputs are new buffers. The loops are wasm-simd/kernels.ts's (float32 lanes) where that module links to
 * the heap (the threaded build's shared heap too); the JS loops below (row statistics in float64) are the fallback.
 */
export const LAYER_NORM = 'DistillLayerNorm';
export const LAYER_NORM_GRAD = 'DistillLayerNormGrad';

function layerNormForward({ inputs, backend, attrs }: any): tf.TensorInfo[] {
  const { x, g, b } = inputs as Record<string, tf.TensorInfo>;
  const D = x.shape[x.shape.length - 1];
  const rows = x.shape.reduce((p, q) => p * q, 1) / D;
  const y = backend.makeOutput(x.shape, 'float32');
  const mean = backend.makeOutput([rows], 'float32');
  const rstd = backend.makeOutput([rows], 'float32');
  const simd = rows * D > 0 ? simdKernels(backend) : undefined;
  if (simd) {
    const [px, pg, pb, py, pm, pr] = [x, g, b, y, mean, rstd].map((t) => ptr(backend, t));
    simd.layerNorm(px, pg, pb, py, pm, pr, rows, D, attrs.eps);
    return [y, mean, rstd];
  }
  forwardRows(
    heapF32(backend, x),
    heapF32(backend, g),
    heapF32(backend, b),
    heapF32(backend, y),
    heapF32(backend, mean),
    heapF32(backend, rstd),
    rows,
    D,
    attrs.eps,
  );
  return [y, mean, rstd];
}

function forwardRows(
  x: Float32Array,
  g: Float32Array,
  b: Float32Array,
  y: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  rows: number,
  D: number,
  eps: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let s = 0;
    for (let j = 0; j < D; j++) s += x[o + j];
    const mu = s / D;
    let ss = 0;
    for (let j = 0; j < D; j++) ss += (x[o + j] - mu) * (x[o + j] - mu);
    const rs = 1 / Math.sqrt(ss / D + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let j = 0; j < D; j++) y[o + j] = (x[o + j] - mu) * rs * g[j] + b[j];
  }
}

function layerNormBackward({ inputs, backend }: any): tf.TensorInfo[] {
  const { dy, x, g, mean, rstd } = inputs as Record<string, tf.TensorInfo>;
  const D = x.shape[x.shape.length - 1];
  const rows = x.shape.reduce((p, q) => p * q, 1) / D;
  const dx = backend.makeOutput(x.shape, 'float32');
  const dg = backend.makeOutput([D], 'float32');
  const db = backend.makeOutput([D], 'float32');
  const simd = rows * D > 0 ? simdKernels(backend) : undefined;
  if (simd) {
    const p = [dy, x, g, mean, rstd, dx, dg, db].map((t) => ptr(backend, t));
    simd.layerNormGrad(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], rows, D);
    return [dx, dg, db];
  }
  const accG = new Float64Array(D);
  const accB = new Float64Array(D);
  backwardRows(
    heapF32(backend, dy),
    heapF32(backend, x),
    heapF32(backend, g),
    heapF32(backend, mean),
    heapF32(backend, rstd),
    heapF32(backend, dx),
    accG,
    accB,
    rows,
    D,
  );
  heapF32(backend, dg).set(accG);
  heapF32(backend, db).set(accB);
  return [dx, dg, db];
}

function backwardRows(
  dy: Float32Array,
  x: Float32Array,
  g: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  dx: Float32Array,
  accG: Float64Array,
  accB: Float64Array,
  rows: number,
  D: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    const mu = mean[r];
    const rs = rstd[r];
    let sumA = 0;
    let sumAX = 0;
    for (let j = 0; j < D; j++) {
      const xh = (x[o + j] - mu) * rs;
      const a = dy[o + j] * g[j];
      sumA += a;
      sumAX += a * xh;
      accG[j] += dy[o + j] * xh;
      accB[j] += dy[o + j];
    }
    const mA = sumA / D;
    const mAX = sumAX / D;
    for (let j = 0; j < D; j++) {
      const xh = (x[o + j] - mu) * rs;
      dx[o + j] = rs * (dy[o + j] * g[j] - mA - xh * mAX);
    }
  }
}

const kernels = ownKernels([
  [LAYER_NORM, layerNormForward],
  [LAYER_NORM_GRAD, layerNormBackward],
]);
export const installFusedLayerNorm = kernels.install;
export const uninstallFusedLayerNorm = kernels.uninstall;
export const fusedLayerNormAvailable = kernels.available;
