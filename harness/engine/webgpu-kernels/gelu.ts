import { GELU_SCALE } from '../gelu-scale.ts';
import { tf } from '../tf.ts';
import { flatLayout, runProgram, type WgslProgram } from './program.ts';

/**
 * Fused sigmoid GELU for tfjs's webgpu backend, the formula of gelu in harness/models/layers.ts:
 *   y = x·σ(1.702x),  dy/dx = σ(1.702x) + 1.702x·σ(1.702x)·(1 − σ(1.702x))
 * One dispatch forward and one backward (the stock ops take 3 and about 8).
 */

const SIG = `let s = 1.0 / (1.0 + exp(-${GELU_SCALE} * x));`;

function forwardProgram(shape: number[]): WgslProgram {
  return {
    variableNames: ['X'],
    shaderKey: 'distill_gelu',
    ...flatLayout(shape),
    size: true,
    getUserCode: () => `
    fn main(index : i32) {
      if (index < uniforms.size) {
        let x = X[index];
        ${SIG}
        result[index] = x * s;
      }
    }`,
  };
}

function backwardProgram(shape: number[]): WgslProgram {
  return {
    variableNames: ['X', 'Dy'],
    shaderKey: 'distill_gelu_grad',
    ...flatLayout(shape),
    size: true,
    getUserCode: () => `
    fn main(index : i32) {
      if (index < uniforms.size) {
        let x = X[index];
        ${SIG}
        result[index] = Dy[index] * (s + ${GELU_SCALE} * x * s * (1.0 - s));
      }
    }`,
  };
}

// customGrad's typing takes (...Array<Tensor | GradSaveFunc>); the arguments are as named here.
const fused = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: runProgram(forwardProgram(x.shape), [x]),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [
      runProgram(backwardProgram(saved[0].shape), [saved[0], dy as tf.Tensor]),
    ],
  };
}) as any);

/** Drop-in for gelu (harness/models/layers.ts) on the webgpu backend, float32 of any shape. */
export function fusedGelu(x: tf.Tensor): tf.Tensor {
  return fused(x);
}
