import { tf } from '../engine/tf.ts';
import { crossEntropy, maskedMean } from '../training/losses.ts';

/**
 * Cross-entropy against the uniformly smoothed target q = (1 − ε)·onehot(y) + ε·u, u = 1/V:
 * CE(q, p) = (1 − ε)·CE(y, p) + ε·mean_v(−log p_v), averaged over counted positions.
 */
export function smoothedCrossEntropy(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
  mask: tf.Tensor1D,
  epsilon: number,
): tf.Scalar {
  const ce = crossEntropy(logits, targets, mask);
  if (epsilon === 0) return ce;
  const uniform = maskedMean(tf.neg(tf.mean(tf.logSoftmax(logits), -1)), mask);
  return tf.add(tf.mul(ce, 1 - epsilon), tf.mul(uniform, epsilon)) as tf.Scalar;
}

/** Entropy (nats) of the smoothed target over V classes: one class at 1 − ε + ε/V, V − 1 at ε/V. */
export function smoothedTargetEntropy(epsilon: number, vocab: number): number {
  const hi = 1 - epsilon + epsilon / vocab;
  const lo = epsilon / vocab;
  const term = (p: number) => (p > 0 ? -p * Math.log(p) : 0);
  return term(hi) + (vocab - 1) * term(lo);
}

/**
 * The ε in [0, 1] whose smoothed target has entropy `entropy` (bisection: the entropy rises
 * monotonically from 0 at ε = 0 to log V at ε = 1). Entropies at or above log V give ε = 1.
 */
export function epsilonForEntropy(entropy: number, vocab: number): number {
  if (!(entropy > 0)) return 0;
  if (entropy >= Math.log(vocab)) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (smoothedTargetEntropy(mid, vocab) < entropy) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Mean entropy (nats) of a model's next-token distribution at temperature T over every response
 * position of `logProbs` (per example, [rows × V] log-probs at temperature 1, as
 * TeacherHandle.logProbs returns them): softmax(log p / T) is the temperature-T distribution.
 */
export function meanPredictiveEntropy(logProbs: Float32Array[], vocab: number, temperature = 1): number {
  let sum = 0;
  let rows = 0;
  const z = new Float64Array(vocab);
  for (const lp of logProbs) {
    for (let r = 0; r + vocab <= lp.length; r += vocab) {
      let max = Number.NEGATIVE_INFINITY;
      for (let v = 0; v < vocab; v++) {
        z[v] = lp[r + v] / temperature;
        if (z[v] > max) max = z[v];
      }
      let norm = 0;
      for (let v = 0; v < vocab; v++) norm += Math.exp(z[v] - max);
      const logNorm = max + Math.log(norm);
      let h = 0;
      for (let v = 0; v < vocab; v++) {
        const logp = z[v] - logNorm;
        if (logp > -100) h -= Math.exp(logp) * logp;
      }
      sum += h;
      rows++;
    }
  }
  return rows ? sum / rows : 0;
}
