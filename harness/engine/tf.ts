/**
 * The one place that imports TensorFlow.js. Everything else imports `tf` from here so that a single
 * tfjs-core instance (and so one kernel registry) is shared by every backend package we load.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export type Tensor = tf.Tensor;
export type Variable = tf.Variable;
