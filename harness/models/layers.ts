import { tf } from '../engine/tf.ts';

export function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
}

/** Sigmoid GELU x·σ(1.702x): tanh is not vectorized on wasm (21 ms per 1M elements vs 3.8). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
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
