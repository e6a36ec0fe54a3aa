import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../harness/engine/backend.ts';
import { tf } from '../../harness/engine/tf.ts';
import { TrainingDivergedError } from '../../harness/errors.ts';
import { TransformerLM } from '../../harness/models/transformer.ts';
import { generate } from '../../harness/text/generate.ts';
import { BatchSampler, encodeAll, lmLoss, trainLoop } from '../../harness/training/loop.ts';
import { TrainingOptionsSchema } from '../../harness/training/optimizer.ts';
import { PAIRS, TOK, tinyConfig, trainTiny, WORDS } from '../helpers/tiny.ts';

beforeAll(async () => {
  await loadBackend({ backend: 'wasm' });
});

describe('training a tiny LM', () => {
  it('memorizes 20 strings and generates every one back exactly', async () => {
    const { model, result } = await trainTiny(1, 200);
    // Initial CE is ~ln(vocab) = ln(34) ≈ 3.5; a memorized corpus drives it near 0.
    expect(result.history[0].terms.ce).toBeGreaterThan(3);
    expect(result.final.ce).toBeLessThan(0.05);
    const out = await generate(
      model,
      TOK,
      PAIRS.map((p) => p.prompt),
      { maxNewTokens: 12 },
    );
    expect(out.map((g) => g.text)).toEqual(WORDS);
    model.dispose();
  });

  it('keeps the number of live tensors constant over 50 steps but for one per unread step', async () => {
    const model = new TransformerLM(tinyConfig(), 2);
    const sampler = new BatchSampler(encodeAll(TOK, PAIRS), 8, 24, 2);
    const counts: number[] = [];
    await trainLoop({
      vars: model.trainableVariables(),
      training: TrainingOptionsSchema.parse({ steps: 50 }),
      nextBatch: () => sampler.next(),
      loss: (b) => lmLoss(model, b),
      onStep: () => {
        counts.push(tf.memory().numTensors);
      },
      readEvery: 5,
    });
    // Each step keeps one small tensor of loss terms until its window of 5 is read (after step 4, 9, ...).
    const base = counts[9];
    expect(counts.slice(5)).toEqual(counts.slice(5).map((_, j) => base + (((j % 5) + 1) % 5)));
    const before = tf.memory().numTensors;
    await generate(model, TOK, ['w1', 'w22'], { maxNewTokens: 8, temperature: 1, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('stops on a NaN loss naming the first bad step, the term and the window it was read in', async () => {
    const model = new TransformerLM(tinyConfig(), 3);
    const sampler = new BatchSampler(encodeAll(TOK, PAIRS), 8, 24, 3);
    const before = tf.memory().numTensors;
    const run = (readEvery?: number) =>
      trainLoop({
        vars: model.trainableVariables(),
        training: TrainingOptionsSchema.parse({ steps: 10 }),
        nextBatch: () => sampler.next(),
        loss: (b, step) => {
          const { total, terms } = lmLoss(model, b);
          // From step 4 on, a second term takes the log of a negative number.
          const bad = step >= 4 ? tf.log(tf.scalar(-1)) : tf.scalar(0);
          return { total: tf.add(total, bad) as tf.Scalar, terms: { ...terms, kd: bad as tf.Scalar } };
        },
        readEvery,
      });
    const caught = async (readEvery?: number) => {
      const e = await run(readEvery).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TrainingDivergedError);
      return e as TrainingDivergedError;
    };
    // Default window (10 steps): read once, at the end of step 9.
    const whole = await caught();
    expect([whole.step, whole.term, whole.value, whole.window]).toEqual([4, 'total', Number.NaN, [0, 9]]);
    expect(whole.message).toMatch(/step 4: loss term 'total' is NaN \(found reading back steps 0-9\)/);
    // Windows of 3: steps 3-5 hold the first bad one.
    expect((await caught(3)).window).toEqual([3, 5]);
    // The unread steps' tensors and the optimizer state are released on the error path too.
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("reads in windows without changing any step's logged values", async () => {
    const history = async (readEvery: number) => {
      const model = new TransformerLM(tinyConfig(), 4);
      const sampler = new BatchSampler(encodeAll(TOK, PAIRS), 8, 24, 4);
      const res = await trainLoop({
        vars: model.trainableVariables(),
        training: TrainingOptionsSchema.parse({ steps: 23 }),
        nextBatch: () => sampler.next(),
        loss: (b) => lmLoss(model, b),
        readEvery,
      });
      model.dispose();
      return res.history;
    };
    const each = await history(1);
    const windows = await history(7);
    expect(each.map((h) => h.step)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(windows).toEqual(each);
    expect(new Set(each.map((h) => h.terms.ce)).size).toBe(23);
  });
});
