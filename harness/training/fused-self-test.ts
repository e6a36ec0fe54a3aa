import { fusedAdamAvailable } from '../engine/fused-adam.ts';
import { fusedGeluAvailable } from '../engine/fused-gelu.ts';
import { fusedLayerNormAvailable } from '../engine/fused-layernorm.ts';
import { fusedSoftmaxAvailable } from '../engine/fused-softmax.ts';
import { Rng } from '../engine/rng.ts';
import { tf } from '../engine/tf.ts';
import { gelu, layerNorm, maskedSoftmax } from '../models/layers.ts';
import { applyAdamUpdate } from './adam-update.ts';

/**
 * Start-up self-tests of the fused wasm kernels of training (harness/engine/backend.ts runs them once
 * when the wasm backend loads, and falls back to the stock kernels on a mismatch). They read results
 * back synchronously, which only the wasm backend can: test/engine/sync-reads.test.ts allows it here.
 */

/**
 * Max error of the fused kernel against the op path: three updates (one clipped, one with a missing
 * gradient, weight decay on) of three small random variables, relative to the largest reference value.
 */
export function selfTestFusedAdam(seed = 5): number {
  if (!fusedAdamAvailable()) return 0;
  const rng = new Rng(seed);
  const shapes = [[7, 5], [5], [3, 2, 4]];
  const rand = (shape: number[], s = 1) =>
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * s);
  const init = shapes.map((s) => rand(s));
  const gradSteps = [0.01, 3, 0.1].map((s) => shapes.map((sh) => rand(sh, s)));
  const run = (fused: boolean) => {
    const mk = (vals: Float32Array[] | null) =>
      shapes.map((s, i) =>
        tf.variable(tf.tensor(vals ? vals[i] : new Float32Array(s.reduce((a, b) => a * b, 1)), s), false),
      );
    const vars = mk(init);
    const m = mk(null);
    const v = mk(null);
    gradSteps.forEach((gv, t) =>
      tf.tidy(() => {
        const grads: tf.NamedTensorMap = {};
        vars.forEach((x, i) => {
          if (!(t === 2 && i === 1)) grads[x.name] = tf.tensor(gv[i], shapes[i]);
        });
        const opts = { beta1: 0.9, beta2: 0.99, eps: 1e-8, clipNorm: 1, weightDecay: t === 1 ? 0.1 : 0 };
        applyAdamUpdate(vars, grads, m, v, opts, 0.01, 0.01 * (1 + t), fused);
      }),
    );
    const out = [...vars, ...m, ...v].map((x) => Array.from(x.dataSync()));
    tf.dispose([...vars, ...m, ...v]);
    return out;
  };
  // Each tensor against its own largest value: v is ~g², far below x, and must be checked on its scale.
  return worstRelError(run(true), run(false), 1e-12);
}

/** Largest |fast − ref| over each pair of arrays, relative to that reference's largest |value|. */
function worstRelError(fast: ArrayLike<number>[], ref: ArrayLike<number>[], floor = 1e-6): number {
  let worst = 0;
  ref.forEach((r, k) => {
    const scale = Math.max(floor, ...Array.from(r, Math.abs));
    for (let j = 0; j < r.length; j++) worst = Math.max(worst, Math.abs(fast[k][j] - r[j]) / scale);
  });
  return worst;
}

const randomTensor = (rng: Rng, shape: number[], mean = 0, sd = 1) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, c) => a * c, 1) }, () => mean + sd * rng.normal()),
    shape,
  );

/**
 * Max error of the fused layer norm against layerNormOps: the output and the gradients of
 * Σ y·w for random w, each relative to its largest reference value.
 */
export function selfTestFusedLayerNorm(seed = 17): number {
  if (!fusedLayerNormAvailable()) return 0;
  const rng = new Rng(seed);
  return tf.tidy(() => {
    const rand = (shape: number[], mean = 0) => randomTensor(rng, shape, mean);
    const [x, g, b, w] = [rand([3, 5, 24], 2), rand([24], 1), rand([24]), rand([3, 5, 24])];
    const run = (fused: boolean) => {
      const f = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(layerNorm(xx, gg, bb, fused), w));
      const { value, grads } = tf.valueAndGrads(f)([x, g, b]);
      return [layerNorm(x, g, b, fused), value, ...grads].map((t) => t.dataSync());
    };
    return worstRelError(run(true), run(false));
  });
}

/**
 * Max error of the fused GELU against the op path: y and the gradient of Σ y·w over 103 values (the wasm
 * kernel's vector loop and its tail) spread over [−12, 12], where σ saturates.
 */
export function selfTestFusedGelu(seed = 23): number {
  if (!fusedGeluAvailable()) return 0;
  const rng = new Rng(seed);
  return tf.tidy(() => {
    const [x, w] = [randomTensor(rng, [103], 0, 4), randomTensor(rng, [103])];
    const run = (fused: boolean) => {
      const { value, grad } = tf.valueAndGrad((xx: tf.Tensor) => tf.sum(tf.mul(gelu(xx, fused), w)))(x);
      return [gelu(x, fused), value, grad].map((t) => t.dataSync());
    };
    return worstRelError(run(true), run(false));
  });
}

/**
 * Max error of the fused attention softmax against the op path: y and the gradient of Σ y·w for scores
 * [2, 3, 5, 7] (K = 7: a vector step and the scalar tail) and a mask with masked (−1e9) entries per batch row.
 */
export function selfTestFusedSoftmax(seed = 31): number {
  if (!fusedSoftmaxAvailable()) return 0;
  const rng = new Rng(seed);
  return tf.tidy(() => {
    const shape = [2, 3, 5, 7];
    const [s, w] = [randomTensor(rng, shape, 0, 3), randomTensor(rng, shape)];
    const mask = tf.tensor4d(
      Float32Array.from({ length: 2 * 5 * 7 }, (_, i) => (i % 7 > Math.floor(i / 7) % 5 ? -1e9 : 0)),
      [2, 1, 5, 7],
    );
    const run = (fused: boolean) => {
      const f = (x: tf.Tensor) => tf.sum(tf.mul(maskedSoftmax(x, mask, 0.35, fused), w));
      const { value, grad } = tf.valueAndGrad(f)(s);
      return [maskedSoftmax(s, mask, 0.35, fused), value, grad].map((t) => t.dataSync());
    };
    return worstRelError(run(true), run(false));
  });
}
