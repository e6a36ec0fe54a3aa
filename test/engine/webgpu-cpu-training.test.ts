/**
 * The harness's own training loop and decoding on tfjs's webgpu backend, with the fused WGSL kernels
 * wired in (layers.ts, losses.ts, adam-update.ts), on a real WebGPU adapter that runs on the CPU
 * (harness/engine/testing/webgpu-cpu.ts: Dawn's OpenGL ES backend over Mesa llvmpipe). Unlike the null
 * adapter (webgpu-null.test.ts) it computes, so the numbers are checked: 30 steps of trainLoop must
 * give the cpu backend's losses, and the trained model the same greedy answers. Skipped, with the
 * reason, where the `webgpu` package or the Debian GL packages are missing.
 */
import { describe, expect, it } from 'vitest';
import { useCpuWebGpu } from '../../harness/engine/testing/webgpu-cpu.ts';
import { tf } from '../../harness/engine/tf.ts';
import { setWebGpuKernels } from '../../harness/engine/webgpu-kernels/index.ts';
import { TransformerLM } from '../../harness/models/transformer.ts';
import { generate } from '../../harness/text/generate.ts';
import { BatchSampler, encodeAll, lmLoss, trainLoop } from '../../harness/training/loop.ts';
import { TrainingOptionsSchema } from '../../harness/training/optimizer.ts';
import { PAIRS, TOK, tinyConfig } from '../helpers/tiny.ts';

const gpu = await useCpuWebGpu();
const reason = gpu.ok ? '' : ` (skipped: no CPU WebGPU adapter: ${gpu.reason})`;

/** Losses of 30 training steps from the same seeded init and batches, and greedy answers after them. */
async function train(): Promise<{ losses: number[]; answers: string[] }> {
  const model = new TransformerLM(tinyConfig(), 1);
  const sampler = new BatchSampler(encodeAll(TOK, PAIRS), 8, model.config.maxLen, 1);
  const res = await trainLoop({
    vars: model.trainableVariables(),
    // clipNorm low enough that clipping is active: the global norm is part of what is compared.
    training: TrainingOptionsSchema.parse({
      steps: 30,
      warmupSteps: 3,
      lr: 1e-2,
      clipNorm: 0.5,
      weightDecay: 0.01,
    }),
    nextBatch: () => sampler.next(),
    loss: (b) => lmLoss(model, b),
  });
  const answers = (
    await generate(
      model,
      TOK,
      PAIRS.slice(0, 6).map((p) => p.prompt),
      { maxNewTokens: 8 },
    )
  ).map((g) => g.text);
  model.dispose();
  return { losses: res.history.map((h) => h.terms.total), answers };
}

describe.skipIf(!gpu.ok)(`training on the CPU WebGPU adapter${reason}`, () => {
  it('30 trainLoop steps give the cpu backend losses (1e-4) and the same greedy answers', async () => {
    expect(tf.getBackend()).toBe('webgpu');
    setWebGpuKernels(true);
    const onGpu = await train();
    const pipelines = Object.keys((tf.backend() as any).pipelineCache ?? {}).join(' ');
    // The fused kernels ran (not only tfjs's own programs).
    for (const k of ['distill_adam_x', 'distill_ce_', 'distill_ln', 'distill_gelu'])
      expect(pipelines).toContain(k);
    await tf.setBackend('cpu');
    const onCpu = await train();
    await tf.setBackend('webgpu');
    // It trained: equal losses of a model that learns nothing would prove little.
    expect(onCpu.losses[29]).toBeLessThan(onCpu.losses[0] - 0.5);
    onGpu.losses.forEach((l, i) => expect(Math.abs(l - onCpu.losses[i]), `step ${i}`).toBeLessThan(1e-4));
    expect(onGpu.answers).toEqual(onCpu.answers);
  });
});
