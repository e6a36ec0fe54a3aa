import { addNInOrder } from '../engine/add-n.ts';
import { FUSED_ADAM, type FusedAdamAttrs, fusedAdamAvailable } from '../engine/fused-adam.ts';
import { tf } from '../engine/tf.ts';
import { fusedAdamStep, webGpuKernelsOn } from '../engine/webgpu-kernels/index.ts';

/** The optimizer settings the update reads (a subset of TrainingOptions in optimizer.ts). */
export interface AdamUpdateOptions {
  beta1: number;
  beta2: number;
  eps: number;
  clipNorm: number;
  weightDecay: number;
}

/**
 * Global-norm clipping plus one Adam(W) step, assigning new values to `vars`, `m` and `v`. Must run
 * inside tf.tidy. A missing gradient counts as zeros. `lrT` is the bias-corrected step size
 * lr·√(1−b2^t)/(1−b1^t). Uses the fused kernel of the active backend where it has one (wasm:
 * harness/engine/fused-adam.ts; webgpu: harness/engine/webgpu-kernels/adam.ts), otherwise the
 * op-based update below, which is also both kernels' reference. Returns the global gradient norm
 * √Σg² the clipping used, before clipping (every path computes it anyway; the trainer logs it).
 */
export function applyAdamUpdate(
  vars: tf.Variable[],
  grads: tf.NamedTensorMap,
  m: tf.Variable[],
  v: tf.Variable[],
  opts: AdamUpdateOptions,
  lr: number,
  lrT: number,
  fused = fusedAdamAvailable() || webGpuKernelsOn(),
): tf.Scalar {
  if (vars.length === 0) return tf.scalar(0);
  const gs = vars.map((x) => grads[x.name] ?? tf.zerosLike(x));
  if (fused && webGpuKernelsOn()) {
    const { beta1, beta2, eps, clipNorm, weightDecay } = opts;
    const sumSq = fusedAdamStep(vars, gs, m, v, {
      beta1,
      beta2,
      eps,
      clipNorm,
      lrT,
      lrWd: weightDecay > 0 ? lr * weightDecay : 0,
    });
    return tf.sqrt(sumSq);
  }
  if (fused) {
    const n = vars.length;
    const inputs: tf.NamedTensorMap = {};
    vars.forEach((x, i) => {
      inputs[`x${i}`] = x;
      inputs[`g${i}`] = gs[i];
      inputs[`m${i}`] = m[i];
      inputs[`v${i}`] = v[i];
    });
    const attrs: FusedAdamAttrs = { n, ...pick(opts), lr, lrT };
    const out = tf.engine().runKernel(FUSED_ADAM, inputs, attrs as any) as tf.Tensor[];
    vars.forEach((x, i) => {
      x.assign(out[i]);
      m[i].assign(out[n + i]);
      v[i].assign(out[2 * n + i]);
    });
    return out[3 * n] as tf.Scalar;
  }
  const { beta1: b1, beta2: b2, eps, clipNorm, weightDecay } = opts;
  const sq = addNInOrder(gs.map((g) => tf.sum(tf.square(g))));
  const scale = tf.minimum(1, tf.div(clipNorm, tf.add(tf.sqrt(sq), 1e-6)));
  vars.forEach((x, i) => {
    const g = tf.mul(gs[i], scale);
    m[i].assign(tf.add(tf.mul(m[i], b1), tf.mul(g, 1 - b1)));
    v[i].assign(tf.add(tf.mul(v[i], b2), tf.mul(tf.square(g), 1 - b2)));
    let update = tf.mul(tf.div(m[i], tf.add(tf.sqrt(v[i]), eps)), lrT);
    if (weightDecay > 0) update = tf.add(update, tf.mul(x, lr * weightDecay));
    x.assign(tf.sub(x, update));
  });
  return tf.sqrt(sq) as tf.Scalar;
}

function pick(o: AdamUpdateOptions): AdamUpdateOptions {
  return { beta1: o.beta1, beta2: o.beta2, eps: o.eps, clipNorm: o.clipNorm, weightDecay: o.weightDecay };
}
