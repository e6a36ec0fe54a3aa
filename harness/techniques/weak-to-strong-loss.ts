import { tf } from '../engine/tf.ts';

/**
 * Burns et al.'s auxiliary confidence loss per token (docs/weak-to-strong.md):
 *   L = (1 − a)·CE(f, y_weak) + a·CE(f, hardened f)
 * where y_weak is the weak supervisor's distribution (one-hot for hard labels) and "hardened f" is the
 * one-hot of the strong model's own argmax, held constant (no gradient flows through the argmax).
 * logits and weakProbs are [N, V]; mask [N] is 1 where a position counts; the result is the masked mean.
 */
export function confidenceLoss(
  logits: tf.Tensor2D,
  weakProbs: tf.Tensor2D,
  mask: tf.Tensor1D,
  a: number,
): { total: tf.Scalar; weak: tf.Scalar; self: tf.Scalar } {
  const logp = tf.logSoftmax(logits);
  const hardened = tf.oneHot(tf.argMax(logits, -1), logits.shape[1]).toFloat();
  const denom = tf.maximum(tf.sum(mask), 1);
  const softCe = (q: tf.Tensor) => tf.div(tf.sum(tf.mul(tf.neg(tf.sum(tf.mul(q, logp), -1)), mask)), denom);
  const weak = softCe(weakProbs) as tf.Scalar;
  const self = softCe(hardened) as tf.Scalar;
  const total = tf.add(tf.mul(weak, 1 - a), tf.mul(self, a)) as tf.Scalar;
  return { total, weak, self };
}

/** The confidence weight at `step`: linear from 0 to alphaMax over the first `rampFraction` of steps, then flat. */
export function alphaAt(step: number, steps: number, alphaMax: number, rampFraction: number): number {
  const rampSteps = Math.max(1, Math.round(rampFraction * steps));
  return alphaMax * Math.min(1, step / rampSteps);
}
