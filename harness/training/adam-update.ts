import { FUSED_ADAM, type FusedAdamAttrs, fusedAdamAvailable } from '../engine/fused-adam.ts';
import { Rng } from '../engine/rng.ts';
import { tf } from '../engine/tf.ts';

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
 * lr·√(1−b2^t)/(1−b1^t). Uses the fused kernel (harness/engine/fused-adam.ts) when the active backend
 * has it, otherwise the op-based update below, which is also the fused kernel's reference.
 */
export function applyAdamUpdate(
  vars: tf.Variable[],
  grads: tf.NamedTensorMap,
  m: tf.Variable[],
  v: tf.Variable[],
  opts: AdamUpdateOptions,
  lr: number,
  lrT: number,
  fused = fusedAdamAvailable(),
): void {
  const gs = vars.map((x) => grads[x.name] ?? tf.zerosLike(x));
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
    return;
  }
  const { beta1: b1, beta2: b2, eps, clipNorm, weightDecay } = opts;
  const sq = tf.addN(gs.map((g) => tf.sum(tf.square(g))));
  const scale = tf.minimum(1, tf.div(clipNorm, tf.add(tf.sqrt(sq), 1e-6)));
  vars.forEach((x, i) => {
    const g = tf.mul(gs[i], scale);
    m[i].assign(tf.add(tf.mul(m[i], b1), tf.mul(g, 1 - b1)));
    v[i].assign(tf.add(tf.mul(v[i], b2), tf.mul(tf.square(g), 1 - b2)));
    let update = tf.mul(tf.div(m[i], tf.add(tf.sqrt(v[i]), eps)), lrT);
    if (weightDecay > 0) update = tf.add(update, tf.mul(x, lr * weightDecay));
    x.assign(tf.sub(x, update));
  });
}

function pick(o: AdamUpdateOptions): AdamUpdateOptions {
  return { beta1: o.beta1, beta2: o.beta2, eps: o.eps, clipNorm: o.clipNorm, weightDecay: o.weightDecay };
}

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
  const fast = run(true);
  const ref = run(false);
  let worst = 0;
  // Each tensor against its own largest value: v is ~g², far below x, and must be checked on its scale.
  ref.forEach((r, k) => {
    const scale = Math.max(1e-12, ...r.map(Math.abs));
    r.forEach((x, j) => {
      worst = Math.max(worst, Math.abs(fast[k][j] - x) / scale);
    });
  });
  return worst;
}
