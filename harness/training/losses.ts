import { tf } from '../engine/tf.ts';
import { fusedCrossEntropy, webGpuKernelsOn } from '../engine/webgpu-kernels/index.ts';

/**
 * Token-level losses over flattened positions: logits are [N, V], masks [N] with 1 where the position
 * counts. Every loss is the mean over counted positions, i.e. over the non-pad target tokens of the whole
 * batch (docs/methodology.md#notation). Inputs are logits; temperatures divide them first.
 */
export function maskedMean(perToken: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.div(tf.sum(tf.mul(perToken, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
}

export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  // One fused forward/backward kernel on webgpu (harness/engine/webgpu-kernels/cross-entropy.ts).
  if (webGpuKernelsOn()) return fusedCrossEntropy(logits, targets, mask);
  const logp = tf.logSoftmax(logits);
  const picked = tf.sum(tf.mul(logp, tf.oneHot(targets, logits.shape[1])), -1);
  return maskedMean(tf.neg(picked), mask);
}

/** Per-token Σ_v p(v)(log p(v) − log q(v)) from two log-prob tensors. */
function klRows(logP: tf.Tensor, logQ: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), -1);
}

export type Divergence = 'forward-kl' | 'reverse-kl' | 'jsd';

export interface DivergenceOptions {
  kind: Divergence;
  /** Softmax temperature applied to both sides. */
  temperature: number;
  /** Generalized JSD interpolation β (TRL convention): 0 = forward KL, 1 = reverse KL. */
  beta?: number;
  /** Multiply by T² so the gradient scale does not shrink with T (Hinton et al. 2015). */
  scaleByT2?: boolean;
}

/**
 * Divergence between the teacher's and the student's next-token distributions.
 * forward-kl = KL(p_T‖p_S) (Hinton KD), reverse-kl = KL(p_S‖p_T) (MiniLLM), jsd = generalized JSD(β)
 * exactly as TRL's `generalized_jsd_loss`: M = β·p_T + (1−β)·p_S, JSD = β·KL(p_T‖M) + (1−β)·KL(p_S‖M),
 * with β=0 and β=1 special-cased to forward and reverse KL.
 */
export function divergence(
  teacherLogits: tf.Tensor2D,
  studentLogits: tf.Tensor2D,
  mask: tf.Tensor1D,
  opts: DivergenceOptions,
): tf.Scalar {
  const T = opts.temperature;
  const lt = tf.logSoftmax(tf.div(teacherLogits, T));
  const ls = tf.logSoftmax(tf.div(studentLogits, T));
  let rows: tf.Tensor;
  const beta = opts.kind === 'jsd' ? (opts.beta ?? 0.5) : opts.kind === 'forward-kl' ? 0 : 1;
  if (beta === 0) rows = klRows(lt, ls);
  else if (beta === 1) rows = klRows(ls, lt);
  else {
    const logM = tf.logSumExp(tf.stack([tf.add(ls, Math.log(1 - beta)), tf.add(lt, Math.log(beta))]), 0);
    rows = tf.add(tf.mul(klRows(lt, logM), beta), tf.mul(klRows(ls, logM), 1 - beta));
  }
  const loss = maskedMean(rows, mask);
  return opts.scaleByT2 ? (tf.mul(loss, T * T) as tf.Scalar) : loss;
}

/** Mean over counted positions of (1 − cos(a_i, b_i)), rows of [N, D]. */
export function cosineDistance(a: tf.Tensor2D, b: tf.Tensor2D, mask: tf.Tensor1D): tf.Scalar {
  const dot = tf.sum(tf.mul(a, b), -1);
  const norms = tf.mul(tf.norm(a, 'euclidean', -1), tf.norm(b, 'euclidean', -1));
  return maskedMean(tf.sub(1, tf.div(dot, tf.maximum(norms, 1e-8))), mask);
}
