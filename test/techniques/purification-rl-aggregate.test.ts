import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../harness/engine/backend.ts';
import { Rng } from '../../harness/engine/rng.ts';
import { tf } from '../../harness/engine/tf.ts';
import type { TransformerLM } from '../../harness/models/transformer.ts';
import {
  aggregateGreedy,
  argmaxCombined,
  combineLogProbs,
} from '../../harness/techniques/purification/aggregate-decode.ts';
import { BernoulliPolicy } from '../../harness/techniques/purification/policy.ts';
import { CharTokenizer, EOS, SEP } from '../../harness/text/tokenizer.ts';

beforeAll(async () => {
  await loadBackend({ backend: 'wasm' });
});

describe('RL teacher-selection policy (REINFORCE)', () => {
  it('one update moves the selected teacher the hand-computed amount', () => {
    const p = new BernoulliPolicy(2, 1, 0.1, 0.9);
    const s = [[1], [1]];
    // First episode only sets the baseline (b = 0): no step.
    expect(p.update(s, [1, 0], 0)).toBe(0);
    expect(p.prob(0, [1])).toBe(0.5);
    // Second: advantage 1 − 0 = 1; teacher 0 selected (a − p = +0.5), teacher 1 skipped (−0.5):
    // w0 = b0 = 0.1·1·0.5 = 0.05 → p0 = σ(0.05·1 + 0.05) = σ(0.1) = 0.524979; p1 = σ(−0.1) = 0.475021.
    expect(p.update(s, [1, 0], 1)).toBe(1);
    expect(p.prob(0, [1])).toBeCloseTo(0.524979, 6);
    expect(p.prob(1, [1])).toBeCloseTo(0.475021, 6);
    // Baseline moved to 0.9·0 + 0.1·1.
    expect(p.baseline).toBeCloseTo(0.1, 12);
  });

  it('rewarding teacher i raises its selection probability and leaves the other near 0.5', () => {
    const p = new BernoulliPolicy(2, 2, 0.1, 0.9);
    const rng = new Rng('rl-sign');
    const s = [
      [1, 0],
      [0, 1],
    ];
    for (let ep = 0; ep < 2000; ep++) {
      const { actions } = p.sample(s, [rng.next(), rng.next()]);
      p.update(s, actions, actions[0] === 1 ? 1 : 0);
    }
    expect(p.prob(0, s[0])).toBeGreaterThan(0.9);
    expect(Math.abs(p.prob(1, s[1]) - 0.5)).toBeLessThan(0.2);
    // Negative reward for selecting teacher 1 lowers its probability.
    const q = new BernoulliPolicy(2, 2, 0.1, 0.9);
    for (let ep = 0; ep < 2000; ep++) {
      const { actions } = q.sample(s, [rng.next(), rng.next()]);
      q.update(s, actions, actions[1] === 1 ? -1 : 0);
    }
    expect(q.prob(1, s[1])).toBeLessThan(0.1);
  });
});

describe('aggregation decode', () => {
  const ln = Math.log;
  // Two teachers over tokens (x, y, z): A = (0.9, 0.1, 0), B = (0.02, 0.48, 0.5).
  //   mean of probabilities:  (0.46, 0.29, 0.25)                        → x
  //   mean of log-probs:      x: (ln .9 + ln .02)/2 = (−0.1054 − 3.9120)/2 = −2.0087
  //                           y: (ln .1 + ln .48)/2 = (−2.3026 − 0.7340)/2 = −1.5183
  //                           z: −∞ (A rules it out)                    → y
  const A = [ln(0.9), ln(0.1), -Infinity];
  const B = [ln(0.02), ln(0.48), ln(0.5)];

  it('combines hand-built distributions by mean and by product of experts', () => {
    const mean = combineLogProbs([A, B], 'mean');
    expect(Math.exp(mean[0])).toBeCloseTo(0.46, 6);
    expect(Math.exp(mean[1])).toBeCloseTo(0.29, 6);
    expect(Math.exp(mean[2])).toBeCloseTo(0.25, 6);
    const prod = combineLogProbs([A, B], 'product');
    expect(prod[0]).toBeCloseTo(-2.0087, 4);
    expect(prod[1]).toBeCloseTo(-1.5183, 4);
    expect(prod[2]).toBe(-Infinity);
    expect(argmaxCombined([A, B], 'mean')).toBe(0);
    expect(argmaxCombined([A, B], 'product')).toBe(1);
  });

  it('decodes whole responses from stub teachers with those distributions', async () => {
    const tok = CharTokenizer.fromTexts(['xyz']);
    const V = tok.vocabSize;
    const [x, y] = tok.encode('xy');
    // After SEP a stub emits the row above over (x, y, EOS); after any other token it emits EOS.
    const stub = (first: Record<number, number>) =>
      ({
        config: { maxLen: 16, vocabSize: V },
        forward: (input: { tokens: Int32Array; batch: number; length: number }) => {
          const rows = Array.from(input.tokens, (t) => {
            const p = t === SEP ? first : { [EOS]: 1 };
            return Array.from({ length: V }, (_, v) => (p[v] ? ln(p[v]) : -40));
          });
          return { logits: tf.tensor2d(rows) };
        },
      }) as unknown as TransformerLM;
    const models = [stub({ [x]: 0.9, [y]: 0.1 }), stub({ [x]: 0.02, [y]: 0.48, [EOS]: 0.5 })];
    const mean = await aggregateGreedy(models, tok, ['z', 'zz'], { maxNewTokens: 5, combine: 'mean' });
    const prod = await aggregateGreedy(models, tok, ['z', 'zz'], { maxNewTokens: 5, combine: 'product' });
    expect(mean.texts).toEqual(['x', 'x']);
    expect(prod.texts).toEqual(['y', 'y']);
    // Two decode steps (token, EOS) × 2 models over prefixes of lengths (3, 4) then (4, 5): 2·(7 + 9).
    expect(mean.forwardTokens).toBe(32);
  });
});
