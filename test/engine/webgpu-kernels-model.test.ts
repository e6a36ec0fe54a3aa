/**
 * The fused WGSL kernels as training uses them on webgpu (layerNorm and gelu in
 * harness/models/layers.ts, crossEntropy in harness/training/losses.ts, applyAdamUpdate in
 * harness/training/adam-update.ts): the loss and every variable's gradient of a real TransformerLM,
 * then one clipped Adam step, must match the stock ops (the same functions with setWebGpuKernels(false))
 * on the CPU WebGPU adapter (harness/engine/testing/webgpu-cpu.ts).
 */
import { describe, expect, it } from 'vitest';
import { useCpuWebGpu } from '../../harness/engine/testing/webgpu-cpu.ts';
import { tf } from '../../harness/engine/tf.ts';
import { fusedSumSquares, setWebGpuKernels } from '../../harness/engine/webgpu-kernels/index.ts';
import { TransformerLM } from '../../harness/models/transformer.ts';
import { applyAdamUpdate } from '../../harness/training/adam-update.ts';
import { crossEntropy } from '../../harness/training/losses.ts';

const gpu = await useCpuWebGpu();
const reason = gpu.ok ? '' : `no CPU WebGPU adapter: ${gpu.reason}`;
if (!gpu.ok) console.warn(`webgpu-kernels-model test skipped: ${reason}`);

describe.skipIf(!gpu.ok)(`fused kernels inside TransformerLM on the CPU WebGPU adapter ${reason}`, () => {
  it('loss, all gradients and one clipped Adam step match the stock ops', async () => {
    const B = 3;
    const T = 10;
    const model = new TransformerLM(
      { vocabSize: 37, dModel: 32, layers: 2, heads: 2, dFF: 64, maxLen: 16, positions: 'learned' as const },
      1,
    );
    const vars = model.trainableVariables();
    const input = {
      batch: B,
      length: T,
      tokens: Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % 37),
      positions: Int32Array.from({ length: B * T }, (_, i) => i % T),
      keyMask: Float32Array.from({ length: B * T }, (_, i) => (i >= 2 * T + 7 ? 0 : 1)),
    };
    const targets = tf.tensor1d(
      Array.from({ length: B * T }, (_, i) => (i * 5 + 1) % 37),
      'int32',
    );
    const mask = tf.tensor1d(input.keyMask);
    const run = (fused: boolean) => {
      setWebGpuKernels(fused);
      const { value, grads } = tf.variableGrads(() => {
        const { logits } = model.forward(input);
        return crossEntropy(logits, targets, mask);
      }, vars);
      setWebGpuKernels(true);
      return { value, grads: vars.map((v) => grads[v.name]) };
    };
    const stock = run(false);
    const fused = run(true);
    // The fused side really went through the wired kernels (else this would compare the ops to themselves).
    const keys = Object.keys((tf.backend() as any).pipelineCache ?? {}).join(' ');
    for (const k of ['distill_ce_', 'distill_gelu', 'distill_ln']) expect(keys, k).toContain(k);
    /** max |a − b| over max(max |b|, floor): gradients that are zero up to rounding (the key bias's,
     * which softmax cancels) are measured against the largest gradient instead of their own noise. */
    const rel = async (a: tf.Tensor, b: tf.Tensor, floor = 1e-30) => {
      const [x, y] = await Promise.all([a.data(), b.data()]);
      let e = 0;
      let s = floor;
      for (let i = 0; i < y.length; i++) {
        e = Math.max(e, Math.abs(x[i] - y[i]));
        s = Math.max(s, Math.abs(y[i]));
      }
      return e / s;
    };
    const gradMax = Math.max(
      ...(await Promise.all(stock.grads.map(async (g) => (await tf.max(tf.abs(g)).data())[0]))),
    );
    expect(await rel(fused.value, stock.value)).toBeLessThan(1e-5);
    for (let i = 0; i < vars.length; i++) {
      expect(await rel(fused.grads[i], stock.grads[i], gradMax), vars[i].name).toBeLessThan(1e-5);
    }

    // One clipped Adam step from the fused gradients, against AdamTrainer.minimize's ops on the stock
    // ones (its Σ over variables written as tf.sum(tf.stack(...)): tf.addN over 38 tensors is invalid
    // on tfjs-webgpu, see docs/webgpu-kernels.md).
    const p = { beta1: 0.9, beta2: 0.99, eps: 1e-8, clipNorm: 0.5, lrT: 3e-3, lrWd: 0 };
    const copy = () => vars.map((v) => tf.variable(v.clone()));
    const zeros = () => vars.map((v) => tf.variable(tf.zerosLike(v)));
    const [xa, ma, va, xb, mb, vb] = [copy(), zeros(), zeros(), copy(), zeros(), zeros()];
    tf.tidy(() => {
      const gs = stock.grads;
      const sq = tf.sum(tf.stack(gs.map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(1, tf.div(p.clipNorm, tf.add(tf.sqrt(sq), 1e-6)));
      xa.forEach((x, i) => {
        const g = tf.mul(gs[i], scale);
        ma[i].assign(tf.add(tf.mul(ma[i], p.beta1), tf.mul(g, 1 - p.beta1)));
        va[i].assign(tf.add(tf.mul(va[i], p.beta2), tf.mul(tf.square(g), 1 - p.beta2)));
        x.assign(tf.sub(x, tf.mul(tf.div(ma[i], tf.add(tf.sqrt(va[i]), p.eps)), p.lrT)));
      });
      // The fused side through applyAdamUpdate, as AdamTrainer runs it on webgpu.
      const named = Object.fromEntries(xb.map((x, i) => [x.name, fused.grads[i]]));
      applyAdamUpdate(xb, named, mb, vb, { ...p, weightDecay: 0 }, p.lrT, p.lrT);
    });
    expect(Object.keys((tf.backend() as any).pipelineCache ?? {}).join(' ')).toContain('distill_adam_x');
    // The gradients are large enough here that clipping is active, so the scale matters.
    expect((await fusedSumSquares(stock.grads).data())[0]).toBeGreaterThan(p.clipNorm ** 2);
    // Against the largest parameter too: the key bias's gradient is rounding noise (about 1e-11, which
    // softmax cancels), so its Adam update differs between any two summation orders.
    const paramMax = Math.max(
      ...(await Promise.all(xa.map(async (x) => (await tf.max(tf.abs(x)).data())[0]))),
    );
    for (let i = 0; i < vars.length; i++) {
      expect(await rel(xb[i], xa[i], paramMax), vars[i].name).toBeLessThan(1e-5);
    }
  });
});
