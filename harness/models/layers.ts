import { fusedGeluAvailable, GELU, GELU_GRAD } from '../engine/fused-gelu.ts';
import { fusedLayerNormAvailable, LAYER_NORM, LAYER_NORM_GRAD } from '../engine/fused-layernorm.ts';
import { fusedSoftmaxAvailable, MASKED_SOFTMAX, MASKED_SOFTMAX_GRAD } from '../engine/fused-softmax.ts';
import { GELU_SCALE } from '../engine/gelu-scale.ts';
import { tf } from '../engine/tf.ts';
import {
  fusedGelu,
  webGpuKernelsOn,
  fusedLayerNorm as webGpuLayerNorm,
} from '../engine/webgpu-kernels/index.ts';

const LN_EPS = 1e-5;

/** Layer norm over the last axis: the fused wasm kernels where registered, else layerNormOps. */
export function layerNorm(
  x: tf.Tensor,
  g: tf.Tensor,
  b: tf.Tensor,
  fused = fusedLayerNormAvailable() || webGpuKernelsOn(),
): tf.Tensor {
  // The kernels take g and b as [D] vectors over x's last axis; anything else goes to the ops.
  const D = x.shape[x.shape.length - 1];
  const vec = (t: tf.Tensor) => t.rank === 1 && t.shape[0] === D && t.dtype === 'float32';
  if (!fused || x.dtype !== 'float32' || !vec(g) || !vec(b)) return layerNormOps(x, g, b);
  // Fused forward/backward kernels: webgpu (harness/engine/webgpu-kernels/) or wasm (fused-layernorm.ts).
  return webGpuKernelsOn() ? webGpuLayerNorm(x, g, b) : fusedLayerNorm(x, g, b);
}

/** The op-based layer norm: the other backends' path and the fused kernels' reference. */
export function layerNormOps(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LN_EPS))), g), b);
}

// harness/engine/fused-layernorm.ts: forward returns y and the row statistics the backward reuses.
const fusedLayerNorm = tf.customGrad((x, g, b, save) => {
  const inputs = { x, g, b } as tf.NamedTensorMap;
  const [y, mean, rstd] = tf.engine().runKernel(LAYER_NORM, inputs, { eps: LN_EPS }) as tf.Tensor[];
  (save as tf.GradSaveFunc)([x as tf.Tensor, g as tf.Tensor, mean, rstd]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, gs, ms, rs] = saved;
      const grad = { dy, x: xs, g: gs, mean: ms, rstd: rs };
      return tf.engine().runKernel(LAYER_NORM_GRAD, grad, {}) as tf.Tensor[];
    },
  };
});

/**
 * Sigmoid GELU x·σ(1.702x): tanh is not vectorized on wasm (21 ms per 1M elements vs 3.8). Fused kernels on
 * webgpu (harness/engine/webgpu-kernels/) and wasm (fused-gelu.ts); `fused = false` is their reference.
 */
export function gelu(x: tf.Tensor, fused = true): tf.Tensor {
  if (fused && webGpuKernelsOn()) return fusedGelu(x);
  if (fused && x.dtype === 'float32' && fusedGeluAvailable()) return wasmGelu(x);
  return tf.mul(x, tf.sigmoid(tf.mul(x, GELU_SCALE)));
}

const wasmGelu = tf.customGrad((x, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor]);
  return {
    value: tf.engine().runKernel(GELU, { x } as tf.NamedTensorMap, {}) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.engine().runKernel(GELU_GRAD, { x: saved[0], dy }, {}) as tf.Tensor,
  };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * Attention weights softmax(scale·s + mask) over the last axis, s [B, H, Q, K] and the additive mask
 * [B, 1, Q, K]: one fused kernel each way on wasm (harness/engine/fused-softmax.ts); `fused = false`, other
 * backends and other mask shapes take the ops, which are the fused kernels' reference.
 */
export function maskedSoftmax(s: tf.Tensor, mask: tf.Tensor, scale: number, fused = true): tf.Tensor {
  const [B, , Q, K] = s.shape;
  const fits = s.rank === 4 && mask.shape.join() === [B, 1, Q, K].join() && mask.dtype === 'float32';
  if (!fused || !fits || s.dtype !== 'float32' || webGpuKernelsOn() || !fusedSoftmaxAvailable())
    return tf.softmax(tf.add(tf.mul(s, scale), mask));
  const f = tf.customGrad((x, save) => {
    const y = tf
      .engine()
      .runKernel(MASKED_SOFTMAX, { s: x, mask } as tf.NamedTensorMap, { scale }) as tf.Tensor;
    (save as tf.GradSaveFunc)([y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.engine().runKernel(MASKED_SOFTMAX_GRAD, { y: saved[0], dy }, { scale }) as tf.Tensor,
    };
  }) as (x: tf.Tensor) => tf.Tensor;
  return f(s);
}

/** Low-rank adapter added to a frozen linear map: y += (x·A·B)·scale (harness/models/lora.ts). */
export interface Adapter {
  A: tf.Variable;
  B: tf.Variable;
  scale: number;
}

/** x [N, in] · W [in, out] + b, plus the adapter's low-rank update when one is attached. */
export function linear(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, adapter?: Adapter): tf.Tensor {
  let y = tf.add(tf.matMul(x, w), b);
  if (adapter) y = tf.add(y, tf.mul(tf.matMul(tf.matMul(x, adapter.A), adapter.B), adapter.scale));
  return y;
}

/** Fixed sinusoidal position table [maxLen, d] (Vaswani et al. 2017). */
export function sinusoidalTable(maxLen: number, d: number): Float32Array {
  const out = new Float32Array(maxLen * d);
  for (let p = 0; p < maxLen; p++) {
    for (let i = 0; i < d; i++) {
      const angle = p / 10000 ** ((2 * Math.floor(i / 2)) / d);
      out[p * d + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}
