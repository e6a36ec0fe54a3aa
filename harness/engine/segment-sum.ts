import { tf } from './tf.ts';

/**
 * tfjs-backend-wasm 4.22 has no UnsortedSegmentSum, which is the gradient of tf.gather: without it
 * an embedding lookup cannot be trained on wasm. A plain JS kernel is enough here: it runs once per
 * step on [tokens, d_model] and matches the cpu backend exactly (same summation order).
 */
export function registerUnsortedSegmentSum(): void {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const { numSegments } = attrs as unknown as { numSegments: number };
      const be = backend as any;
      const xs = be.readSync(x.dataId) as Float32Array;
      const ids = be.readSync(segmentIds.dataId) as Int32Array;
      const inner = x.shape.slice(segmentIds.shape.length).reduce((a, b) => a * b, 1);
      const out = new Float32Array(numSegments * inner);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (id < 0 || id >= numSegments) continue;
        const src = i * inner;
        const dst = id * inner;
        for (let j = 0; j < inner; j++) out[dst + j] += xs[src + j];
      }
      return be.makeOutput(
        [numSegments, ...x.shape.slice(segmentIds.shape.length)],
        'float32',
        undefined,
        out,
      );
    },
  });
}
