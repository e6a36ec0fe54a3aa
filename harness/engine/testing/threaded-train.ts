/**
 * Child-process half of test/engine/wasm-threads.test.ts (one wasm binary per process):
 * `node bin/run-ts.mjs harness/engine/testing/threaded-train.ts <threads>` prints one JSON line with
 * the thread counts the backend and the GEMM report, a product checked against float64 loops, and 6 training losses.
 */

import { TransformerLM } from '../../models/transformer.ts';
import { crossEntropy } from '../../training/losses.ts';
import { AdamTrainer, TrainingOptionsSchema } from '../../training/optimizer.ts';
import { loadBackend } from '../backend.ts';
import { Rng } from '../rng.ts';
import { tf } from '../tf.ts';
import { heapGemmThreads } from '../wasm-gemm/heap.ts';

const threads = Number(process.argv[2]);
const info = await loadBackend({ backend: 'wasm', wasmThreads: threads });
const rng = new Rng(5);

// 2.7M multiply-adds: above gemm-pool.ts's threshold, so split into row bands once the pool's threads run.
const [M, K, N] = [300, 70, 130];
const a = Float32Array.from({ length: M * K }, () => rng.normal());
const b = Float32Array.from({ length: K * N }, () => rng.normal());
const c = await tf.matMul(tf.tensor2d(a, [M, K]), tf.tensor2d(b, [K, N])).data();
let worst = 0;
for (let i = 0; i < M; i++) {
  for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += a[i * K + k] * b[k * N + j];
    worst = Math.max(worst, Math.abs(c[i * N + j] - s) / Math.max(1, Math.abs(s)));
  }
}

const [V, B, T] = [17, 8, 32];
const model = new TransformerLM(
  { vocabSize: V, dModel: 32, layers: 2, heads: 2, dFF: 64, maxLen: T, positions: 'learned' },
  3,
);
const tokens = Int32Array.from({ length: B * T }, () => rng.int(0, V - 1));
const input = {
  tokens,
  positions: Int32Array.from({ length: B * T }, (_, i) => i % T),
  keyMask: new Float32Array(B * T).fill(1),
  batch: B,
  length: T,
};
const targets = tf.tensor1d(
  tokens.map((t) => (t + 1) % V),
  'int32',
);
const opts = TrainingOptionsSchema.parse({ steps: 6, lr: 1e-2, warmupSteps: 1, clipNorm: 1 });
const trainer = new AdamTrainer(model.trainableVariables(), opts);
for (let s = 0; s < 6; s++) {
  trainer.minimize(() => ({
    total: crossEntropy(model.forward(input).logits, targets, tf.ones([B * T]) as tf.Tensor1D),
    terms: {},
  }));
}
const losses = (await trainer.read()).map((l) => l.terms.total);
console.log(
  JSON.stringify({
    threads: info.wasmThreads,
    gemmThreads: heapGemmThreads(tf.backend()),
    matmulMaxRelError: worst,
    losses,
  }),
);
