import { tf } from '../tf.ts';
import {
  flatLayout,
  reduceSnippet,
  reductionArrays,
  rowLayout,
  rowWorkgroup,
  runProgram,
  type WgslProgram,
} from './program.ts';

/**
 * Fused layer norm over the last axis for tfjs's webgpu backend, the formula of layerNorm in
 * harness/models/layers.ts (population variance from tf.moments, eps 1e-5):
 *   x̂ = (x − μ)·rsqrt(σ² + 1e-5);  y = x̂·γ + β
 * Backward (dy, with g = dy·γ): dx = rstd·(g − mean(g) − x̂·mean(g·x̂)); dγ = Σ_rows dy·x̂; dβ = Σ_rows dy.
 * Forward is 1 dispatch; backward 4 (row stats, dx, dγ, dβ), since a tfjs program has one output and
 * compatibility mode allows 4 storage buffers per shader. x is [N, D]; γ and β are [D].
 */

const EPS = '1e-5';
const MOMENTS = ['rowTotal', 'rowSq'];

/** Lanes of one workgroup compute the row's mean and rstd into `mean` and `rstd`. */
function rowMomentsSnippet(wg: number): string {
  return `
      var s1 = 0.0;
      for (var c = lane; c < uniforms.cols; c += ${wg}) { s1 += X[base + c]; }
      ${reduceSnippet('rowTotal', 's1', wg)}
      let mean = rowTotal / f32(uniforms.cols);
      var s2 = 0.0;
      for (var c = lane; c < uniforms.cols; c += ${wg}) { let d = X[base + c] - mean; s2 += d * d; }
      ${reduceSnippet('rowSq', 's2', wg)}
      let rstd = inverseSqrt(rowSq / f32(uniforms.cols) + ${EPS});`;
}

function forwardProgram(rows: number, cols: number): WgslProgram {
  const wg = rowWorkgroup(cols);
  return {
    variableNames: ['X', 'Gamma', 'Beta'],
    shaderKey: 'distill_ln',
    ...rowLayout([rows, cols], rows, wg),
    uniforms: 'cols : i32,',
    getUserCode: () => `
    ${reductionArrays(wg, ...MOMENTS)}
    fn main(index : i32) {
      let row = index / ${wg};
      let lane = index % ${wg};
      let base = row * uniforms.cols;
      ${rowMomentsSnippet(wg)}
      for (var c = lane; c < uniforms.cols; c += ${wg}) {
        result[base + c] = (X[base + c] - mean) * rstd * Gamma[c] + Beta[c];
      }
    }`,
  };
}

/** [N, 2]: each row's (mean, rstd), for dγ. */
function statsProgram(rows: number, cols: number): WgslProgram {
  const wg = rowWorkgroup(cols);
  return {
    variableNames: ['X'],
    shaderKey: 'distill_ln_stats',
    ...rowLayout([rows, 2], rows, wg),
    uniforms: 'cols : i32,',
    getUserCode: () => `
    ${reductionArrays(wg, ...MOMENTS)}
    fn main(index : i32) {
      let row = index / ${wg};
      let lane = index % ${wg};
      let base = row * uniforms.cols;
      ${rowMomentsSnippet(wg)}
      if (lane == 0) { result[row * 2] = mean; result[row * 2 + 1] = rstd; }
    }`,
  };
}

function dxProgram(rows: number, cols: number): WgslProgram {
  const wg = rowWorkgroup(cols);
  return {
    variableNames: ['X', 'Gamma', 'Dy'],
    shaderKey: 'distill_ln_dx',
    ...rowLayout([rows, cols], rows, wg),
    uniforms: 'cols : i32,',
    getUserCode: () => `
    ${reductionArrays(wg, ...MOMENTS, 'sumG', 'sumGX')}
    fn main(index : i32) {
      let row = index / ${wg};
      let lane = index % ${wg};
      let base = row * uniforms.cols;
      ${rowMomentsSnippet(wg)}
      var a = 0.0;
      var b = 0.0;
      for (var c = lane; c < uniforms.cols; c += ${wg}) {
        let g = Dy[base + c] * Gamma[c];
        a += g;
        b += g * (X[base + c] - mean) * rstd;
      }
      ${reduceSnippet('sumG', 'a', wg)}
      ${reduceSnippet('sumGX', 'b', wg)}
      let n = f32(uniforms.cols);
      for (var c = lane; c < uniforms.cols; c += ${wg}) {
        let xh = (X[base + c] - mean) * rstd;
        let g = Dy[base + c] * Gamma[c];
        result[base + c] = rstd * (g - sumG / n - xh * (sumGX / n));
      }
    }`,
  };
}

/** dγ (with Stats: Σ_rows dy·x̂) or dβ (Σ_rows dy): one thread per column, a loop over rows. */
function columnProgram(cols: number, gamma: boolean): WgslProgram {
  const term = gamma ? 'Dy[i] * (X[i] - Stats[r * 2]) * Stats[r * 2 + 1]' : 'Dy[i]';
  return {
    variableNames: gamma ? ['X', 'Dy', 'Stats'] : ['Dy'],
    shaderKey: gamma ? 'distill_ln_dgamma' : 'distill_ln_dbeta',
    ...flatLayout([cols], 64),
    size: true,
    uniforms: 'rows : i32,',
    getUserCode: () => `
    fn main(index : i32) {
      if (index < uniforms.size) {
        var s = 0.0;
        for (var r = 0; r < uniforms.rows; r++) {
          let i = r * uniforms.size + index;
          s += ${term};
        }
        result[index] = s;
      }
    }`,
  };
}

// customGrad's typing takes (...Array<Tensor | GradSaveFunc>); the arguments are as named here.
const fused = tf.customGrad(((x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, save: tf.GradSaveFunc) => {
  const [rows, cols] = x.shape;
  const i = (d: number) => ({ type: 'int32' as const, data: [d] });
  save([x, gamma]);
  return {
    value: runProgram(forwardProgram(rows, cols), [x, gamma, beta], [i(cols)]),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sx, sg] = saved;
      const d = dy as tf.Tensor;
      const stats = runProgram(statsProgram(rows, cols), [sx], [i(cols)]);
      const dx = runProgram(dxProgram(rows, cols), [sx, sg, d], [i(cols)]);
      const dGamma = runProgram(columnProgram(cols, true), [sx, d, stats], [i(rows)]);
      const dBeta = runProgram(columnProgram(cols, false), [d], [i(rows)]);
      return [dx, dGamma, dBeta];
    },
  };
}) as any);

/** Drop-in for layerNorm (harness/models/layers.ts) on the webgpu backend: x [N, D], γ and β [D]. */
export function fusedLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  if (x.rank !== 2) {
    const d = x.shape[x.rank - 1];
    return tf.reshape(fused(tf.reshape(x, [-1, d]), gamma, beta), x.shape);
  }
  return fused(x, gamma, beta);
}
