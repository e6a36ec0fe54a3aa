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
 * (output included), so one variable costs 4 dispatches: Σg² accumulated onto the running sum, then
 * new m (g, m, Σ), new v (g, v, Σ) and new x (x, m', v'). The stock ops take about 16 per variable.
 * Step-varying numbers (lrT, clip, betas) are uniforms, so the four pipelines compile once.
 */

const SUMSQ_WG = 256;

/** acc' = acc + Σ g² over one tensor, in one workgroup (a strided loop, then a tree reduction). */
function sumSquaresProgram(): WgslProgram {
  return {
    variableNames: ['Acc', 'G'],
    shaderKey: 'distill_sumsq',
    outputShape: [],
    dispatchLayout: { x: [] },
    dispatch: [1, 1, 1],
    workgroupSize: [SUMSQ_WG, 1, 1],
    uniforms: 'n : i32,',
    getUserCode: () => `
    ${reductionArrays(SUMSQ_WG, 'total')}
    fn main(index : i32) {
      let lane = index % ${SUMSQ_WG};
      var s = 0.0;
      for (var i = lane; i < uniforms.n; i += ${SUMSQ_WG}) {
        let g = G[i];
        s += g * g;
      }
      ${reduceSnippet('total', 's', SUMSQ_WG)}
      if (lane == 0) { result[0] = Acc[0] + total; }
    }`,
  };
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

/** Σ over all tensors of Σ g², as a scalar on the device: one dispatch per tensor. */
export function fusedSumSquares(grads: tf.Tensor[]): tf.Scalar {
  let acc: tf.Tensor = tf.scalar(0); // uploaded by writeBuffer, no dispatch
  for (const g of grads) {
    const next = runProgram(sumSquaresProgram(), [acc, g], [{ type: 'int32', data: [g.size] }]);
    acc.dispose();
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
  const m2 = runProgram(
    momentProgram(x.shape, false),
    [g, m, sumSq],
    [f(p.clipNorm), f(p.beta1), f(1 - p.beta1)],
  );
  const v2 = runProgram(
    momentProgram(x.shape, true),
    [g, v, sumSq],
    [f(p.clipNorm), f(p.beta2), f(1 - p.beta2)],
  );
  const x2 = runProgram(paramProgram(x.shape), [x, m2, v2], [f(p.eps), f(p.lrT), f(p.lrWd)]);
  return { x: x2, m: m2, v: v2 };
}

/**
 * One clipped Adam(W) step over a variable list, assigning x, m and v in place (4 dispatches per
 * variable). Call inside tf.tidy: the intermediate scalar is left to it.
 */
export function fusedAdamStep(
  vars: tf.Variable[],
  grads: tf.Tensor[],
  ms: tf.Variable[],
  vs: tf.Variable[],
  p: FusedAdamParams,
): void {
  const sumSq = fusedSumSquares(grads);
  vars.forEach((x, i) => {
    const out = fusedAdamUpdate(x, grads[i], ms[i], vs[i], sumSq, p);
    ms[i].assign(out.m);
    vs[i].assign(out.v);
    x.assign(out.x);
  });
}
