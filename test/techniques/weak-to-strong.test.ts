import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../harness/engine/tf.ts';
import { UsageError } from '../../harness/errors.ts';
import { makeContext } from '../../harness/techniques/context.ts';
import { obtainStrongPrior } from '../../harness/techniques/strong-prior.ts';
import type { TechniqueContext } from '../../harness/techniques/types.ts';
import { weakToStrong } from '../../harness/techniques/weak-to-strong.ts';
import { alphaAt, confidenceLoss } from '../../harness/techniques/weak-to-strong-loss.ts';
import { TrainingOptionsSchema } from '../../harness/training/optimizer.ts';
import { gapRecovered } from '../../metrics/gap-recovered.ts';
import { STUDENT, TOY_DATA, TOY_TOK, toyTask } from '../helpers/toy-context.ts';

// A strong student four times the toy student's width, so the `nano` weak preset is smaller.
const STRONG = { ...STUDENT, dModel: 64, layers: 2, heads: 4, dFF: 128 };

function ctxWith(
  seed: number,
  cacheDir: string,
  logs: string[] = [],
  labelled = TOY_DATA.splits.train.slice(0, 160),
): TechniqueContext {
  return makeContext({
    task: toyTask,
    taskOptions: {},
    data: TOY_DATA,
    tokenizer: TOY_TOK,
    teachers: [],
    studentConfig: STRONG,
    training: TrainingOptionsSchema.parse({ steps: 24, lr: 1e-2, batchSize: 16 }),
    seed,
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(m) },
    cacheDir,
    labelled,
  });
}

const opts = (o: Record<string, unknown> = {}) =>
  weakToStrong.options.parse({ maxNewTokens: 4, evalEvery: 10, ...o });

describe('PGR on a hand-made example', () => {
  it('is (mean w2s − mean weak) / (mean ceiling − mean weak)', () => {
    // Means: w2s 0.7, weak 0.5, ceiling 0.9 → (0.7 − 0.5) / (0.9 − 0.5) = 0.5.
    const r = gapRecovered([0.6, 0.7, 0.8], [0.4, 0.5, 0.6], [0.8, 0.9, 1.0]);
    expect(r.value).toBeCloseTo(0.5, 12);
  });
});

describe('confidence loss', () => {
  it('equals (1 − a)·CE(f, y_weak) + a·CE(f, argmax f) on a fixed tensor', () => {
    // Row 1: softmax(0, ln 3) = (1/4, 3/4), weak label one-hot class 0, own argmax class 1.
    // Row 2: softmax(1, 1) = (1/2, 1/2), weak soft (1/2, 1/2), own argmax class 0 (first of a tie).
    // Row 3 is masked out and must not count.
    const logits = tf.tensor2d([
      [0, Math.log(3)],
      [1, 1],
      [5, -5],
    ]);
    const weak = tf.tensor2d([
      [1, 0],
      [0.5, 0.5],
      [0, 1],
    ]);
    const mask = tf.tensor1d([1, 1, 0]);
    const a = 0.3;
    const ceWeak = (Math.log(4) + Math.log(2)) / 2;
    const ceSelf = (-Math.log(3 / 4) + Math.log(2)) / 2;
    const r = confidenceLoss(logits, weak, mask, a);
    expect(r.weak.dataSync()[0]).toBeCloseTo(ceWeak, 5);
    expect(r.self.dataSync()[0]).toBeCloseTo(ceSelf, 5);
    expect(r.total.dataSync()[0]).toBeCloseTo((1 - a) * ceWeak + a * ceSelf, 5);
  });

  it('ramps a linearly from 0 to alphaMax over the ramp share, then holds it', () => {
    expect(alphaAt(0, 100, 0.5, 0.2)).toBe(0);
    expect(alphaAt(10, 100, 0.5, 0.2)).toBeCloseTo(0.25, 12);
    expect(alphaAt(20, 100, 0.5, 0.2)).toBe(0.5);
    expect(alphaAt(90, 100, 0.5, 0.2)).toBe(0.5);
  });
});

describe('strong prior', () => {
  it('is cached by content and reused across seeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-w2s-prior-'));
    const args = {
      texts: ['abc', 'fed', 'cab'],
      config: STRONG,
      training: TrainingOptionsSchema.parse({ steps: 5, lr: 1e-2, batchSize: 4 }),
      tokenizer: TOY_TOK,
      cacheDir: dir,
      log: { info: () => {}, warn: () => {} },
    };
    const first = await obtainStrongPrior(args);
    // Same corpus in another order: the same prior.
    const second = await obtainStrongPrior({ ...args, texts: ['cab', 'abc', 'fed'] });
    expect(first.fromCache).toBe(false);
    expect(second.fromCache).toBe(true);
    expect(second.key).toBe(first.key);
    const w1 = first.model.trainableVariables()[0].dataSync();
    const w2 = second.model.trainableVariables()[0].dataSync();
    expect(Array.from(w2)).toEqual(Array.from(w1));

    // Through the technique: seed 4 reuses the prior that seed 3 trained.
    const logs3: string[] = [];
    const logs4: string[] = [];
    const r3 = await weakToStrong.train(ctxWith(3, dir, logs3), opts());
    const r4 = await weakToStrong.train(ctxWith(4, dir, logs4), opts());
    expect(logs3.some((m) => m.startsWith('strong prior: pretraining'))).toBe(true);
    expect(logs4.filter((m) => m.startsWith('strong prior: cache hit')).length).toBe(2); // w2s and ceiling
    expect(logs4.some((m) => m.startsWith('strong prior: pretraining'))).toBe(false);
    expect(r3.references?.map((r) => r.role)).toEqual(['weak', 'strong-ceiling']);
    for (const r of [r3, r4]) {
      r.student.dispose();
      for (const ref of r.references ?? []) ref.student.dispose();
    }
  }, 180_000);
});

describe('prior ablation', () => {
  it('without the prior the strong student agrees more with the weak labels on the transfer pool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-w2s-ablate-'));
    const withPrior = await weakToStrong.train(ctxWith(5, dir), opts({ prior: true, alphaMax: 0.5 }));
    const noPrior = await weakToStrong.train(ctxWith(5, dir), opts({ prior: false, alphaMax: 0.5 }));
    const agree = (r: typeof withPrior) => r.cost.extra?.agreementWithWeakOnTransfer as number;
    expect(agree(noPrior)).toBeGreaterThan(agree(withPrior));
  }, 180_000);
});

describe('bad input exits 2 naming the field and the fix', () => {
  const models = { student: STRONG, teachers: [] };
  it('alphaMax outside [0, 1]', () => {
    for (const alphaMax of [-0.1, 1.5]) {
      let err: unknown;
      try {
        weakToStrong.checkModels?.(opts({ alphaMax }), models);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).exitCode).toBe(2);
      expect((err as UsageError).message).toMatch(/alphaMax.*Fix: set alphaMax between 0 and 1/);
    }
  });
  it('a weak preset not smaller than the strong student', () => {
    expect(() => weakToStrong.checkModels?.(opts({ weakPreset: 'small' }), models)).toThrow(
      /weakPreset 'small' has \d+ parameters, not fewer than the strong student's \d+\. Fix: choose a smaller weakPreset/,
    );
  });
  it('an empty labelled pool', async () => {
    const ctx = ctxWith(3, mkdtempSync(join(tmpdir(), 'db-w2s-empty-')), [], []);
    await expect(weakToStrong.train(ctx, opts())).rejects.toThrow(
      /labelled pool is empty.*Fix: give the task a labelled pool/,
    );
  });
});
