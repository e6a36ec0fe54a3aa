/**
 * The one place that imports TensorFlow.js. Everything else imports `tf` from here so that a single
 * tfjs-core instance (and so one kernel registry) is shared by every backend package we load.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };

let nextVariableId = 0;
/** tfjs variable names are global per process: a suffix keeps two models' (or adapters') variables apart. */
export function uniqueVariableName(base: string): string {
  return `${base}#${nextVariableId++}`;
}
export type Tensor = tf.Tensor;
export type Variable = tf.Variable;
