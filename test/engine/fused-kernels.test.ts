import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend, setFusedKernels } from '../../harness/engine/backend.ts';
import { selfTestFastKernels } from '../../harness/engine/fast-kernels.ts';
import { setWasmGemm } from '../../harness/engine/fastmm.ts';
import { fusedAdamAvailable } from '../../harness/engine/fused-adam.ts';
import { fusedLayerNormAvailable } from '../../harness/engine/fused-layernorm.ts';
import { Rng } from '../../harness/engine/rng.ts';
import { tf } from '../../harness/engine/tf.ts';
import { heapGemmMode } from '../../harness/engine/wasm-gemm/heap.ts';
import { TransformerLM } from '../../harness/models/transformer.ts';
import { applyAdamUpdate } from '../../harness/training/adam-update.ts';
import { selfTestFusedLayerNorm } from '../../harness/training/fused-self-test.ts';
import { crossEntropy } from '../../harness/training/losses.ts';
import { AdamTrainer, TrainingOptionsSchema } from '../../harness/training/optimizer.ts';

beforeAll(async () => {
  const info = await loadBackend({ backend: 'wasm' });
  expect(info.fused).toBe(true);
});

/** 20 Adam steps of a small LM from a fixed init; losses per step and the final parameters. */
async function train20(): Promise<{ losses: number[]; params: Float32Array[] }> {
  const [V, B, T] = [13, 4, 8];
  const model = new TransformerLM(
    { vocabSize: V, dModel: 16, layers: 2, heads: 2, dFF: 32, maxLen: T, positions: 'learned' },
    3,
  );
  const rng = new Rng(8);
  const tokens = Int32Array.from({ length: B * T }, () => rng.int(0, V - 1));
  const targets = Int32Array.from({ length: B * T }, () => rng.int(0, V - 1));
  const input = {
    tokens,
    positions: Int32Array.from({ length: B * T }, (_, i) => i % T),
    keyMask: new Float32Array(B * T).fill(1),
    batch: B,
    length: T,
  };
  const opts = TrainingOptionsSchema.parse({
    steps: 20,
    lr: 1e-2,
    warmupSteps: 3,
    weightDecay: 0.01,
    clipNorm: 0.5,
  });
  const trainer = new AdamTrainer(model.trainableVariables(), opts);
  const losses: number[] = [];
  for (let s = 0; s < 20; s++) {
    trainer.minimize(() => ({
      total: crossEntropy(
        model.forward(input).logits,
        tf.tensor1d(targets, 'int32'),
        tf.ones([B * T]) as tf.Tensor1D,
      ),
      terms: {},
    }));
  }
  for (const log of await trainer.read()) losses.push(log.terms.total);
  const params = model.trainableVariables().map((v) => v.dataSync() as Float32Array);
  trainer.dispose();
  model.dispose();
  return { losses, params };
}

describe('fused wasm kernels', () => {
  it('agree with the stock kernels on Sum, GatherV2, Identity and Cast cases', () => {
    expect(selfTestFastKernels(123)).toBeLessThan(1e-6);
  });

  it('fused layer norm matches the op-based one, forward and gradients', () => {
    expect(selfTestFusedLayerNorm(4)).toBeLessThan(1e-5);
  });

  it('one clipped AdamW step on a 3-element variable matches the hand-computed values', () => {
    // x = [1, -2, 0.5], g = [0.3, -0.4, 0]; y = [2] has no gradient (counts as zeros).
    // ‖g‖ = 0.5, clip 0.25 → s = 0.25 / (0.5 + 1e-6) = 0.499999…, g' = s·g ≈ [0.15, -0.2, 0].
    // t = 1, b1 = 0.9, b2 = 0.99: m = 0.1·g' ≈ [0.015, -0.02, 0], v = 0.01·g'² ≈ [2.25e-4, 4e-4, 0].
    // lr = 0.1: lrT = 0.1·√(1 − 0.99)/(1 − 0.9) = 0.1; lrT·m/(√v + 1e-8) ≈ [0.1, -0.1, 0].
    // Weight decay 0.5: + lr·0.5·x = [0.05, -0.1, 0.025] → x' = [0.85, -1.8, 0.475]; y' = 2 − 0.05·2 = 1.9.
    for (const fused of [true, false]) {
      const x = tf.variable(tf.tensor1d([1, -2, 0.5]), false);
      const y = tf.variable(tf.tensor1d([2]), false);
      const m = [tf.variable(tf.zeros([3]), false), tf.variable(tf.zeros([1]), false)];
      const v = [tf.variable(tf.zeros([3]), false), tf.variable(tf.zeros([1]), false)];
      tf.tidy(() => {
        const opts = { beta1: 0.9, beta2: 0.99, eps: 1e-8, clipNorm: 0.25, weightDecay: 0.5 };
        const lrT = (0.1 * Math.sqrt(1 - 0.99)) / (1 - 0.9);
        applyAdamUpdate([x, y], { [x.name]: tf.tensor1d([0.3, -0.4, 0]) }, m, v, opts, 0.1, lrT, fused);
      });
      const close = (t: tf.Tensor, want: number[], digits: number) =>
        Array.from(t.dataSync()).forEach((got, i) => expect(got).toBeCloseTo(want[i], digits));
      close(x, [0.85, -1.8, 0.475], 6);
      close(y, [1.9], 6);
      const s = 0.25 / (0.5 + 1e-6);
      close(m[0], [0.1 * s * 0.3, 0.1 * s * -0.4, 0], 8);
      close(v[0], [0.01 * (s * 0.3) ** 2, 0.01 * (s * 0.4) ** 2, 0], 10);
      close(m[1], [0], 9);
      tf.dispose([x, y, ...m, ...v]);
    }
  });

  it('20 training steps give the same losses (1e-5) and parameters as the stock kernels, op-based Adam and layer norm', async () => {
    setFusedKernels(true);
    expect(fusedAdamAvailable()).toBe(true);
    const fused = await train20();
    setFusedKernels(false);
    expect(fusedAdamAvailable() || fusedLayerNormAvailable()).toBe(false);
    const stock = await train20();
    setFusedKernels(true);
    fused.losses.forEach((l, i) => expect(Math.abs(l - stock.losses[i])).toBeLessThan(1e-5));
    // The run must actually train, or equal losses would prove nothing.
    expect(fused.losses[19]).toBeLessThan(fused.losses[0] - 0.1);
    let worst = 0;
    fused.params.forEach((p, k) => {
      p.forEach((x, j) => {
        worst = Math.max(worst, Math.abs(x - stock.params[k][j]));
      });
    });
    expect(worst).toBeLessThan(1e-4);
  });

  it("20 training steps on the generated GEMM give the XNNPACK path's losses (1e-5)", async () => {
    expect(heapGemmMode(tf.backend())).toBeDefined();
    const gemm = await train20();
    setWasmGemm(false);
    const xnn = await train20();
    setWasmGemm(true);
    gemm.losses.forEach((l, i) => expect(Math.abs(l - xnn.losses[i])).toBeLessThan(1e-5));
    expect(gemm.losses[19]).toBeLessThan(gemm.losses[0] - 0.1);
  });
});
