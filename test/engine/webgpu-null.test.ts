import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../harness/engine/tf.ts';
import { loadWebGpu, webGpuAdapterInfo } from '../../harness/engine/webgpu.ts';
import { saveCheckpoint } from '../../harness/models/checkpoint.ts';
import { TransformerLM } from '../../harness/models/transformer.ts';
import { generate } from '../../harness/text/generate.ts';
import { teacherForced } from '../../harness/text/teacher-forced.ts';
import { BatchSampler, encodeAll, lmLoss, trainLoop } from '../../harness/training/loop.ts';
import { TrainingOptionsSchema } from '../../harness/training/optimizer.ts';
import { PAIRS, TOK, tinyConfig } from '../helpers/tiny.ts';

/**
 * The harness on tfjs-backend-webgpu, on a machine without a GPU: Dawn's null adapter accepts every
 * buffer, shader and dispatch and runs none, so the numbers are meaningless, but the control flow is
 * real. A synchronous read (it needs an OffscreenCanvas, which Node lacks) or a kernel the webgpu
 * backend lacks throws here. tfjs backends are per process: this file runs in its own fork
 * (vitest.config.ts, pool 'forks') and removes the backend when it is done.
 */
function webgpuMissing(): string | undefined {
  try {
    createRequire(import.meta.url).resolve('webgpu');
    return undefined;
  } catch {
    return "package 'webgpu' (optional dependency) is not installed";
  }
}

/** The part of a WebGPU device this test uses (the `webgpu` package's types are not a dependency of tsc here). */
interface GPUDeviceLike {
  pushErrorScope(filter: 'validation'): void;
  popErrorScope(): Promise<{ message: string } | null>;
}

const missing = webgpuMissing();
const title = (t: string) => (missing ? `${t} (skipped: ${missing})` : t);

describe("webgpu backend on Dawn's null adapter", () => {
  afterAll(async () => {
    if (missing || tf.findBackend('webgpu') === null) return;
    tf.removeBackend('webgpu');
    // Dawn keeps the process alive while navigator.gpu references it (node_modules/webgpu/README.md).
    delete (globalThis as any).navigator?.gpu;
  });

  it.skipIf(missing !== undefined)(
    title('trains the TransformerLM through trainLoop, decodes, scores and saves with async reads only'),
    async () => {
      await loadWebGpu({ dawn: ['backend=null'] });
      expect(tf.getBackend()).toBe('webgpu');
      expect(webGpuAdapterInfo()?.device).toBe('null-backend');
      // The failures this test guards against. A sync read of a result on the GPU cannot work in Node:
      const probe = tf.tidy(() => tf.matMul(tf.ones([32, 32]), tf.ones([32, 32])));
      expect(() => probe.dataSync()).toThrow(/OffscreenCanvas/);
      probe.dispose();
      // and a kernel Dawn rejects does not throw at all: it only raises a validation error on the
      // device (here tf.addN over more inputs than a shader stage may bind, see harness/engine/add-n.ts).
      const device: GPUDeviceLike = (tf.backend() as any).device;
      device.pushErrorScope('validation');
      const wide = tf.tidy(() => tf.addN(Array.from({ length: 10 }, () => tf.ones([64]))));
      await wide.data();
      wide.dispose();
      expect((await device.popErrorScope())?.message).toMatch(/storage buffers/);
      // So everything below runs inside one error scope, which must come back empty.
      device.pushErrorScope('validation');

      const model = new TransformerLM(tinyConfig(), 1);
      const sampler = new BatchSampler(encodeAll(TOK, PAIRS), 4, model.config.maxLen, 1);
      const steps: number[] = [];
      // 12 steps in windows of 5: two full windows read mid-run, the last 2 steps at the end.
      const res = await trainLoop({
        vars: model.trainableVariables(),
        training: TrainingOptionsSchema.parse({ steps: 12, warmupSteps: 2 }),
        nextBatch: () => sampler.next(),
        loss: (b) => lmLoss(model, b),
        onStep: ({ step }) => {
          steps.push(step);
        },
        readEvery: 5,
      });
      expect(steps).toEqual(Array.from({ length: 12 }, (_, i) => i));
      expect(res.history.map((h) => h.step)).toEqual(steps);
      expect(Object.keys(res.history[0].terms).sort()).toEqual(['ce', 'total']);

      const prompts = PAIRS.slice(0, 3).map((p) => p.prompt);
      const greedy = await generate(model, TOK, prompts, { maxNewTokens: 4 });
      const sampled = await generate(model, TOK, prompts, {
        maxNewTokens: 4,
        temperature: 1,
        topK: 3,
        seed: 2,
      });
      for (const g of [...greedy, ...sampled]) expect(g.ids.length).toBeGreaterThan(0);

      const pairs = PAIRS.slice(0, 3);
      const forced = await teacherForced(model, TOK, pairs, { hiddenLayer: 0 });
      expect(forced).toHaveLength(3);
      forced.forEach((f, i) => {
        expect(f.targets).toHaveLength(pairs[i].response.length + 1);
        expect(f.logProbs).toHaveLength(f.targets.length * TOK.vocabSize);
        expect(f.hidden).toHaveLength(f.targets.length * model.config.dModel);
      });

      const dir = mkdtempSync(join(tmpdir(), 'db-webgpu-null-'));
      await saveCheckpoint(dir, model, TOK);
      const params = model.parameterCount();
      expect(readFileSync(join(dir, 'weights.bin')).byteLength).toBe(4 * params);
      model.dispose();
      expect((await device.popErrorScope())?.message).toBeUndefined();
    },
    120_000,
  );
});
