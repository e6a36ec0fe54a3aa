import { tf } from './tf.ts';

/**
 * Inputs one tfjs-webgpu AddN may take: its kernel binds every input and the output as storage
 * buffers, the device keeps WebGPU's default of 8 per shader stage, and tfjs-backend-webgpu 4.22
 * splits concat at that limit but not AddN, so a longer AddN builds an invalid pipeline and
 * silently yields garbage (seen on Dawn's null adapter, test/engine/webgpu-null.test.ts).
 */
const MAX_INPUTS = 7;

/**
 * tf.addN in chunks the webgpu backend can run. Each chunk continues the running sum left to right,
 * exactly the order in which addN adds, so on cpu and wasm the result is bit-identical to one addN.
 */
export function addNInOrder<T extends tf.Tensor>(xs: T[]): T {
  if (xs.length === 0) throw new Error('addNInOrder: no tensors to add');
  let acc = tf.addN(xs.slice(0, MAX_INPUTS));
  for (let i = MAX_INPUTS; i < xs.length; i += MAX_INPUTS - 1)
    acc = tf.addN([acc, ...xs.slice(i, i + MAX_INPUTS - 1)]);
  return acc as T;
}
