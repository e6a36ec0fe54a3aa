import { tf } from '../tf.ts';
import {
  flatLayout,
  onWebGpu,
  reduceSnippet,
  reductionArrays,
  runProgram,
  type Uniform,
  type WgslProgram,
} from './program.ts';

/**
 * Fused global-norm clipping + Adam(W) for tfjs's webgpu backend, with the exact semantics of
 * AdamTrainer.minimize (harness/training/optimizer.ts):
 *   scale = min(1, clip / (sqrt(Σ_vars Σ g²) + 1e-6))     (on the device, never read back)
 *   g' = g·scale; m = b1·m + (1−b1)·g'; v = b2·v + (1−b2)·g'²
 *   update = m / (sqrt(v) + eps) · lrT (+ x · lr·weightDecay); x −= update
 * tfjs programs have one output, and WebGPU compatibility mode allows 4 storage buffers per stage
 * (output included), so one variable costs 3 dispatches, new m (g, m, Σ), new v (g, v, Σ) and new x
 * (x, m', v'), plus its share of the Σg² dispatches (up to 6 gradients each, as the device's limit
 * allows). The stock ops take about 17 per variable. Step-varying numbers (lrT, clip, betas) are
 * uniforms and tensors are read flat, so the pipelines compile once, whatever the shapes.
 */

const SUMSQ_WG = 256;

/** acc' = acc + Σ g² over k tensors, in one workgroup (strided loops, then a tree reduction). */
function sumSquaresProgram(k: number): WgslProgram {
  const names = Array.from({ length: k }, (_, i) => `G${i}`);
  const loops = names
    .map(
      (g, i) => `
      for (var i = lane; i < uniforms.n${i}; i += ${SUMSQ_WG}) { let g = ${g}[i]; s += g * g; }`,
    )
    .join('');
  return {
    variableNames: ['Acc', ...names],
    shaderKey: `distill_sumsq_${k}`,
    outputShape: [],
    dispatchLayout: { x: [] },
    dispatch: [1, 1, 1],
    workgroupSize: [SUMSQ_WG, 1, 1],
    uniforms: names.map((_, i) => `n${i} : i32,`).join(' '),
    getUserCode: () => `
    ${reductionArrays(SUMSQ_WG, 'total')}
    fn main(index : i32) {
      let lane = index % ${SUMSQ_WG};
      var s = 0.0;${loops}
      ${reduceSnippet('total', 's', SUMSQ_WG)}
      if (lane == 0) { result[0] = Acc[0] + total; }
    }`,
  };
}

/**
 * Gradients per Σg² dispatch: the device's storage buffers per stage minus the accumulator and the
 * output (2 under compatibility mode's minimum of 4, 6 on tfjs's default device limit of 8).
 */
function sumSquaresGroup(): number {
  const limit = (tf.backend() as any).device?.limits?.maxStorageBuffersPerShaderStage ?? 4;
  return Math.max(1, Math.min(6, limit - 2));
}

/** m' = b1·m + (1−b1)·(g·scale), or v' = b2·v + (1−b2)·(g·scale)² when `second`. */
function momentProgram(shape: number[], second: boolean): WgslProgram {
  const term = second ? 'g * g' : 'g';
  return {
    variableNames: ['G', 'M', 'SumSq'],
    shaderKey: second ? 'distill_adam_v' : 'distill_adam_m',
    ...flatLayout(shape),
    size: true,
    uniforms: 'clip : f32, beta : f32, oneMinusBeta : f32,',
    getUserCode: () => `
    fn main(index : i32) {
      if (index < uniforms.size) {
        let g = G[index] * min(1.0, uniforms.clip / (sqrt(SumSq[0]) + 1e-6));
        result[index] = M[index] * uniforms.beta + ${term} * uniforms.oneMinusBeta;
      }
    }`,
  };
}

/** x' = x − (m / (sqrt(v) + eps) · lrT + x · lrWd), from the new m and v. */
function paramProgram(shape: number[]): WgslProgram {
  return {
    variableNames: ['X', 'M', 'V'],
    shaderKey: 'distill_adam_x',
    ...flatLayout(shape),
    size: true,
    uniforms: 'eps : f32, lrT : f32, lrWd : f32,',
    getUserCode: () => `
    fn main(index : i32) {
      if (index < uniforms.size) {
        let x = X[index];
        var update = M[index] / (sqrt(V[index]) + uniforms.eps) * uniforms.lrT;
        if (uniforms.lrWd != 0.0) { update = update + x * uniforms.lrWd; }
        result[index] = x - update;
      }
    }`,
  };
}

export interface FusedAdamParams {
  beta1: number;
  beta2: number;
  eps: number;
  clipNorm: number;
  /** lr·sqrt(1−b2^t)/(1−b1^t), as AdamTrainer.minimize computes it. */
  lrT: number;
  /** lr·weightDecay, 0 for plain Adam (the reference adds the decay term only when weightDecay > 0). */
  lrWd: number;
}

/** True only where the fused Adam kernels can run: tfjs's active backend is webgpu. */
export function fusedAdamAvailable(): boolean {
  return onWebGpu();
}

/**
 * Σ over all tensors of Σ g², as a scalar on the device: one dispatch per group of up to 6 tensors
 * (sumSquaresGroup). Tensors are read flat (reshape costs no dispatch), so the pipelines depend only
 * on the group size.
 */
export function fusedSumSquares(grads: tf.Tensor[]): tf.Scalar {
  const k = sumSquaresGroup();
  let acc: tf.Tensor = tf.scalar(0); // uploaded by writeBuffer, no dispatch
  for (let i = 0; i < grads.length; i += k) {
    const group = grads.slice(i, i + k).map((g) => tf.reshape(g, [-1]));
    const n = group.map((g) => ({ type: 'int32' as const, data: [g.size] }));
    const next = runProgram(sumSquaresProgram(group.length), [acc, ...group], n);
    tf.dispose([acc, ...group]);
    acc = next;
  }
  return acc as tf.Scalar;
}

/** New (x, m, v) for one variable, given the global Σ g² from fusedSumSquares. Three dispatches. */
export function fusedAdamUpdate(
  x: tf.Tensor,
  g: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  sumSq: tf.Scalar,
  p: FusedAdamParams,
): { x: tf.Tensor; m: tf.Tensor; v: tf.Tensor } {
  const f = (d: number): Uniform => ({ type: 'float32', data: [d] });
  // Flat views (no dispatch) so that one pipeline per kernel serves every variable's rank.
  const flat = (t: tf.Tensor) => tf.reshape(t, [-1]);
  const [xf, gf, mf, vf] = [x, g, m, v].map(flat);
  const n = [x.size];
  const m2 = runProgram(
    momentProgram(n, false),
    [gf, mf, sumSq],
    [f(p.clipNorm), f(p.beta1), f(1 - p.beta1)],
  );
  const v2 = runProgram(momentProgram(n, true), [gf, vf, sumSq], [f(p.clipNorm), f(p.beta2), f(1 - p.beta2)]);
  const x2 = runProgram(paramProgram(n), [xf, m2, v2], [f(p.eps), f(p.lrT), f(p.lrWd)]);
  const out = { x: tf.reshape(x2, x.shape), m: tf.reshape(m2, x.shape), v: tf.reshape(v2, x.shape) };
  tf.dispose([xf, gf, mf, vf, x2, m2, v2]);
  return out;
}

/**
 * One clipped Adam(W) step over a variable list, assigning x, m and v in place: 3 dispatches per
 * variable plus ⌈variables / 6⌉ for Σg² (on an 8-buffer device). Call inside tf.tidy. Returns Σg²
 * (the trainer logs the global norm from it).
 */
export function fusedAdamStep(
  vars: tf.Variable[],
  grads: tf.Tensor[],
  ms: tf.Variable[],
  vs: tf.Variable[],
  p: FusedAdamParams,
): tf.Scalar {
  const sumSq = fusedSumSquares(grads);
  vars.forEach((x, i) => {
    const out = fusedAdamUpdate(x, grads[i], ms[i], vs[i], sumSq, p);
    ms[i].assign(out.m);
    vs[i].assign(out.v);
    x.assign(out.x);
  });
  return sumSq;
}
