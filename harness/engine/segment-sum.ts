import { heapF32, heapI32 } from './kernel-override.ts';
import { tf } from './tf.ts';

/**
 * tfjs-backend-wasm 4.22 has no UnsortedSegmentSum, which is the gradient of tf.gather: without it
 * an embedding lookup cannot be trained on wasm. A JS loop over zero-copy heap views is enough: it runs twice
 * per step on [tokens, d_model] (token and position embeddings) and matches the cpu backend exactly (same
 * summation order). Reading through readSync and writing through makeOutput's values would copy both
 * buffers, which cost most of the call (BENCHMARKS.md#unsortedsegmentsum-on-heap-views).
 */
export function registerUnsortedSegmentSum(): void {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const { numSegments } = attrs as unknown as { numSegments: number };
      if (x.dtype !== 'float32' || segmentIds.dtype !== 'int32')
        throw new Error(
          `UnsortedSegmentSum on wasm takes float32 values and int32 ids, not ${x.dtype}/${segmentIds.dtype}`,
        );
      const innerShape = x.shape.slice(segmentIds.shape.length);
      const inner = innerShape.reduce((a, b) => a * b, 1);
      const outInfo = (backend as any).makeOutput([numSegments, ...innerShape], 'float32');
      // Views only after makeOutput: a heap growth detaches earlier ones.
      const [xs, ids, out] = [heapF32(backend, x), heapI32(backend, segmentIds), heapF32(backend, outInfo)];
      out.fill(0);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (id < 0 || id >= numSegments) continue;
        const src = i * inner;
        const dst = id * inner;
        for (let j = 0; j < inner; j++) out[dst + j] += xs[src + j];
      }
      return outInfo;
    },
  });
}
