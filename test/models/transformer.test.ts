import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../harness/engine/backend.ts';
import { tf } from '../../harness/engine/tf.ts';
import { UsageError } from '../../harness/errors.ts';
import { MODEL_PRESETS, parameterCount, validateModelConfig } from '../../harness/models/config.ts';
import { TransformerLM } from '../../harness/models/transformer.ts';
import { leftPad } from '../../harness/text/batch.ts';

beforeAll(async () => {
  await loadBackend({ backend: 'wasm' });
});

describe('model config', () => {
  it('counts 421,440 parameters for the small benchmark config (BENCHMARKS.md#model-presets)', () => {
    const cfg = { vocabSize: 64, maxLen: 64, positions: 'learned' as const, ...MODEL_PRESETS.small };
    expect(parameterCount(cfg)).toBe(421_440);
    const m = new TransformerLM(cfg, 0);
    expect([...m.weights.values()].reduce((n, v) => n + v.size, 0)).toBe(421_440);
    m.dispose();
  });

  it('counts the tiny (112,448) and med (3,208,768) configs too', () => {
    expect(parameterCount({ vocabSize: 64, maxLen: 64, positions: 'learned', ...MODEL_PRESETS.tiny })).toBe(
      112_448,
    );
    expect(parameterCount({ vocabSize: 64, maxLen: 64, positions: 'learned', ...MODEL_PRESETS.med })).toBe(
      3_208_768,
    );
  });

  it('rejects dModel not divisible by heads, naming the field and the fix', () => {
    const bad = { vocabSize: 10, dModel: 30, layers: 1, heads: 4, dFF: 8, maxLen: 8 };
    expect(() => validateModelConfig(bad, 'students[0]')).toThrow(UsageError);
    expect(() => validateModelConfig(bad, 'students[0]')).toThrow(
      /students\[0\]\.dModel \(30\) is not divisible by students\[0\]\.heads \(4\).*choose heads among 1, 2, 3, 5, 6/,
    );
  });
});

describe('forward', () => {
  it('gives the same logits for a sequence whatever padding sits to its left', () => {
    const m = new TransformerLM(
      { vocabSize: 12, dModel: 16, layers: 2, heads: 2, dFF: 32, maxLen: 16, positions: 'learned' },
      5,
    );
    const seq = [1, 5, 6, 7, 2, 8, 9];
    const alone = leftPad([seq], [4], 16);
    const padded = leftPad([seq, [1, 5, 6, 7, 2, 8, 9, 10, 11, 3]], [4, 4], 16);
    const a = tf.tidy(() => m.forward(alone).logits.arraySync()) as number[][];
    const b = tf.tidy(() => m.forward(padded).logits.arraySync()) as number[][];
    const shift = padded.length - alone.length; // row 0 of `padded` is left-padded by this much
    for (let i = 0; i < alone.length; i++) {
      for (let v = 0; v < 12; v++) expect(b[shift + i][v]).toBeCloseTo(a[i][v], 4);
    }
    m.dispose();
  });

  it('returns one hidden state per layer with shape [tokens, dModel]', () => {
    const m = new TransformerLM(
      { vocabSize: 12, dModel: 16, layers: 3, heads: 2, dFF: 32, maxLen: 16, positions: 'sinusoidal' },
      5,
    );
    const shapes = tf.tidy(() =>
      m.forward(leftPad([[1, 4, 5, 2, 6, 3]], [3], 16)).hidden.map((h) => h.shape),
    );
    expect(shapes).toEqual([
      [5, 16],
      [5, 16],
      [5, 16],
    ]);
    m.dispose();
  });
});
