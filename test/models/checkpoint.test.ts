import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../harness/engine/backend.ts';
import { tf } from '../../harness/engine/tf.ts';
import { UsageError } from '../../harness/errors.ts';
import { loadCheckpoint, saveCheckpoint } from '../../harness/models/checkpoint.ts';
import { leftPad } from '../../harness/text/batch.ts';
import { generate } from '../../harness/text/generate.ts';
import { assertSameVocabulary, CharTokenizer } from '../../harness/text/tokenizer.ts';
import { PAIRS, TOK, trainTiny } from '../helpers/tiny.ts';

beforeAll(async () => {
  await loadBackend({ backend: 'wasm' });
});

describe('checkpoints', () => {
  it('save then load reproduces logits exactly and keeps the vocabulary', async () => {
    const { model } = await trainTiny(4, 20);
    const dir = join(mkdtempSync(join(tmpdir(), 'db-ckpt-')), 'm');
    await saveCheckpoint(dir, model, TOK, { note: 'x' });
    const loaded = loadCheckpoint(dir);
    const batch = leftPad(
      [
        [1, 5, 6, 2, 7, 8],
        [1, 9, 2, 10],
      ],
      [3, 3],
      24,
    );
    const a = tf.tidy(() => model.forward(batch).logits.dataSync());
    const b = tf.tidy(() => loaded.model.forward(batch).logits.dataSync());
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(loaded.tokenizer.equals(TOK)).toBe(true);
    expect(loaded.extra).toEqual({ note: 'x' });
    model.dispose();
    loaded.model.dispose();
  });
});

describe('generation', () => {
  it('with the KV cache equals greedy decoding by full recomputation', async () => {
    const { model } = await trainTiny(6, 30);
    const cached = await generate(
      model,
      TOK,
      PAIRS.slice(0, 5).map((p) => p.prompt),
      { maxNewTokens: 6 },
    );
    for (const [i, p] of PAIRS.slice(0, 5).entries()) {
      const seq = [...TOK.encodePair(p.prompt, '').prompt];
      const out: number[] = [];
      for (let s = 0; s < 6; s++) {
        const batch = leftPad([[...seq, 0]], [0], 24);
        const row = tf.tidy(() => {
          const logits = model.forward(batch).logits;
          return Array.from(logits.slice([batch.length - 1, 0], [1, -1]).dataSync());
        });
        const next = row.indexOf(Math.max(...row));
        out.push(next);
        if (next === 3) break;
        seq.push(next);
      }
      expect(cached[i].ids).toEqual(out);
    }
    model.dispose();
  });
});

describe('vocabulary', () => {
  it('a mismatch names both models and the differing characters', () => {
    const a = CharTokenizer.fromTexts(['abc']);
    const b = CharTokenizer.fromTexts(['abd']);
    expect(() => assertSameVocabulary(a, b, ['teacher', 'student'])).toThrow(UsageError);
    expect(() => assertSameVocabulary(a, b, ['teacher', 'student'])).toThrow(
      /only in teacher: "c", only in student: "d"/,
    );
  });
});
