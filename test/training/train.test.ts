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
  it('memorizes 20 strings and generates every one back exactly', () => {
    const { model, result } = trainTiny(1, 200);
    // Initial CE is ~ln(vocab) = ln(34) ≈ 3.5; a memorized corpus drives it near 0.
    expect(result.history[0].terms.ce).toBeGreaterThan(3);
    expect(result.final.ce).toBeLessThan(0.05);
    const out = generate(
      model,
      TOK,
      PAIRS.map((p) => p.prompt),
      { maxNewTokens: 12 },
    );
    expect(out.map((g) => g.text)).toEqual(WORDS);
    model.dispose();
  });

  it('keeps the number of live tensors constant over 50 steps', () => {
    const model = new TransformerLM(tinyConfig(), 2);
    const sampler = new BatchSampler(encodeAll(TOK, PAIRS), 8, 24, 2);
    const counts: number[] = [];
    trainLoop({
      vars: model.trainableVariables(),
      training: TrainingOptionsSchema.parse({ steps: 50 }),
      nextBatch: () => sampler.next(),
      loss: (b) => lmLoss(model, b),
      onStep: () => counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts.slice(1)).size).toBe(1);
    const before = tf.memory().numTensors;
    generate(model, TOK, ['w1', 'w22'], { maxNewTokens: 8, temperature: 1, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('stops on a NaN loss naming the step and the term', () => {
    const model = new TransformerLM(tinyConfig(), 3);
    const sampler = new BatchSampler(encodeAll(TOK, PAIRS), 8, 24, 3);
    const run = () =>
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
      });
    expect(run).toThrow(TrainingDivergedError);
    expect(run).toThrow(/step 0: loss term 'total' is NaN|step 4: loss term 'total' is NaN/);
    model.dispose();
  });
});
