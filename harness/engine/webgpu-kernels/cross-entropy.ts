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
 * Fused masked-mean softmax cross-entropy for tfjs's webgpu backend, with the values and gradient of
 * crossEntropy in harness/training/losses.ts:
 *   loss = Σ_i mask_i · (lse_i − logit_i[t_i]) / max(Σ mask, 1)
 *   dlogits_i = dy · mask_i / max(Σ mask, 1) · (softmax_i − onehot(t_i))
 * A target outside [0, V) gives a zero one-hot row there (tf.oneHot), so its row adds 0 to the loss
 * and gets a zero gradient; the fused kernels do the same. Forward is 2 dispatches (per-row stats,
 * one-workgroup total), backward 2 (dy/max(Σmask,1), then dlogits); every kernel binds at most 4
 * storage buffers (WebGPU compatibility mode). Targets and mask are treated as constants: their
 * gradients are zeros.
 */

/** Per row [lse, mask, target (−1 when outside [0, V)), mask·(lse − logit[target])]. */
function rowStatsProgram(rows: number, cols: number): WgslProgram {
  const wg = rowWorkgroup(cols);
  return {
    variableNames: ['Logits', 'Targets', 'Mask'],
    shaderKey: 'distill_ce_rows',
    ...rowLayout([rows, 4], rows, wg),
    uniforms: 'rows : i32, cols : i32,',
    getUserCode: () => `
    ${reductionArrays(wg, 'rowMax', 'rowSum')}
    fn main(index : i32) {
      let row = index / ${wg};
      let lane = index % ${wg};
      let base = row * uniforms.cols;
      var mx = -3.402823e+38;
      for (var c = lane; c < uniforms.cols; c += ${wg}) { mx = max(mx, Logits[base + c]); }
      ${reduceSnippet('rowMax', 'mx', wg, 'max')}
      var se = 0.0;
      for (var c = lane; c < uniforms.cols; c += ${wg}) { se += exp(Logits[base + c] - rowMax); }
      ${reduceSnippet('rowSum', 'se', wg)}
      if (lane == 0) {
        let lse = rowMax + log(rowSum);
        let t = Targets[row];
        let m = Mask[row];
        var picked = 0.0;
        var tv = -1.0;
        if (t >= 0 && t < uniforms.cols) {
          picked = m * (lse - Logits[base + t]);
          tv = f32(t);
        }
        result[row * 4] = lse;
        result[row * 4 + 1] = m;
        result[row * 4 + 2] = tv;
        result[row * 4 + 3] = picked;
      }
    }`,
  };
}

const TOTAL_WG = 256;

/**
 * Over the per-row stats, in one workgroup: Σ picked / max(Σ mask, 1) (the loss), or for the
 * backward Dy / max(Σ mask, 1) (the factor every row's gradient shares).
 */
function totalProgram(backward: boolean): WgslProgram {
  return {
    variableNames: backward ? ['Stats', 'Dy'] : ['Stats'],
    shaderKey: backward ? 'distill_ce_dyscale' : 'distill_ce_total',
    outputShape: [],
    dispatchLayout: { x: [] },
    dispatch: [1, 1, 1],
    workgroupSize: [TOTAL_WG, 1, 1],
    uniforms: 'rows : i32,',
    getUserCode: () => `
    ${reductionArrays(TOTAL_WG, 'maskSum', 'lossSum')}
    fn main(index : i32) {
      let lane = index % ${TOTAL_WG};
      var ms = 0.0;
      var ls = 0.0;
      for (var r = lane; r < uniforms.rows; r += ${TOTAL_WG}) {
        ms += Stats[r * 4 + 1];
        ls += Stats[r * 4 + 3];
      }
      ${reduceSnippet('maskSum', 'ms', TOTAL_WG)}
      ${backward ? '' : reduceSnippet('lossSum', 'ls', TOTAL_WG)}
      if (lane == 0) {
        result[0] = ${backward ? 'Dy[0]' : 'lossSum'} / max(maskSum, 1.0);
      }
    }`,
  };
}

/** dlogits[r, c] = scale · mask_r · (exp(logit − lse_r) − [c == t_r]), one thread per element. */
function gradProgram(rows: number, cols: number): WgslProgram {
  return {
    variableNames: ['Logits', 'Stats', 'Scale'],
    shaderKey: 'distill_ce_grad',
    ...flatLayout([rows, cols]),
    size: true,
    uniforms: 'cols : i32,',
    getUserCode: () => `
    fn main(index : i32) {
      if (index < uniforms.size) {
        let r = index / uniforms.cols;
        let c = index % uniforms.cols;
        let t = Stats[r * 4 + 2];
        if (t < 0.0) {
          result[index] = 0.0;
        } else {
          var g = exp(Logits[index] - Stats[r * 4]);
          if (c == i32(t)) { g = g - 1.0; }
          result[index] = Scale[0] * Stats[r * 4 + 1] * g;
        }
      }
    }`,
  };
}

// customGrad's typing takes (...Array<Tensor | GradSaveFunc>); the arguments are as named here.
const fused = tf.customGrad(((
  logits: tf.Tensor,
  targets: tf.Tensor,
  mask: tf.Tensor,
  save: tf.GradSaveFunc,
) => {
  const [rows, cols] = logits.shape;
  const i = (d: number) => ({ type: 'int32' as const, data: [d] });
  const stats = runProgram(rowStatsProgram(rows, cols), [logits, targets, mask], [i(rows), i(cols)]);
  const value = runProgram(totalProgram(false), [stats], [i(rows)]);
  save([logits, stats]);
  return {
    value,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [lg, st] = saved;
      const scale = runProgram(totalProgram(true), [st, dy as tf.Tensor], [i(rows)]);
      const dLogits = runProgram(gradProgram(rows, cols), [lg, st, scale], [i(cols)]);
      // Host-side zeros: no dispatch unless something reads them (nothing differentiates the mask).
      const zeros = () => tf.tensor1d(new Float32Array(rows));
      return [dLogits, zeros(), zeros()];
    },
  };
}) as any);

/**
 * Drop-in for crossEntropy (harness/training/losses.ts) on the webgpu backend: logits [N, V] float32,
 * targets [N] int32, mask [N] float32 → masked-mean cross-entropy scalar, with a fused gradient.
 */
export function fusedCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  return fused(logits, tf.cast(targets, 'int32'), mask) as tf.Scalar;
}
