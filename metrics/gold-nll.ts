/**
 * Gold NLL: the teacher-forced negative log-likelihood a model gives the gold response, in nats per
 * response token (the final EOS counts as a token: it is predicted and trained like the others).
 * Continuous, so differences far below one exact-match item are measurable with few seeds
 * (docs/statistics.md). Corpus-level: summed NLL over summed tokens, the same mean as the training
 * loss (harness/training/loop.ts lmLoss) over the same examples. Per-example means are kept too, so
 * reports can resample examples.
 */
import { defineFamily } from './family.ts';
import type { Accumulator, MetricInfo, MetricValue } from './types.ts';

export interface GoldNllStats {
  /** Σ −log p(gold token) over every scored token, nats. */
  nll: number;
  tokens: number;
  examples: number;
}

export const GOLD_NLL_SIGNATURE = 'gold-nll|forced:gold|unit:nats/token|agg:corpus|eos:yes|v1';

/**
 * The log-probability of each target under row-major log-prob rows [targets.length × vocab], as
 * harness/text/teacher-forced.ts returns them.
 */
export function targetLogProbs(
  logProbs: ArrayLike<number>,
  targets: readonly number[],
  vocab: number,
): number[] {
  if (logProbs.length !== targets.length * vocab)
    throw new RangeError(
      `targetLogProbs: ${logProbs.length} log-probs for ${targets.length} targets × vocab ${vocab}`,
    );
  return targets.map((t, j) => {
    if (!(t >= 0 && t < vocab)) throw new RangeError(`targetLogProbs: target ${t} outside vocab ${vocab}`);
    return logProbs[j * vocab + t];
  });
}

/** One example's NLL: −Σ log p over its tokens, and how many there are. */
export function exampleNll(tokenLogProbs: readonly number[]): { nll: number; tokens: number } {
  if (tokenLogProbs.length === 0) throw new RangeError('exampleNll: an example has no response token');
  let nll = 0;
  for (const lp of tokenLogProbs) {
    // float32 log-softmax can round the top token a hair above 0; anything more is not a log-prob.
    if (!(lp <= 1e-4)) throw new RangeError(`exampleNll: log-probability ${lp} is not <= 0`);
    nll -= Math.min(lp, 0);
  }
  return { nll, tokens: tokenLogProbs.length };
}

export function goldNllAccumulator(): Accumulator<GoldNllStats, readonly number[]> {
  return {
    empty: () => ({ nll: 0, tokens: 0, examples: 0 }),
    update: (s, lps) => {
      const e = exampleNll(lps);
      return { nll: s.nll + e.nll, tokens: s.tokens + e.tokens, examples: s.examples + 1 };
    },
    merge: (a, b) => ({ nll: a.nll + b.nll, tokens: a.tokens + b.tokens, examples: a.examples + b.examples }),
    compute: (s) => [
      {
        metric: 'gold-nll',
        value: s.tokens ? s.nll / s.tokens : Number.NaN,
        signature: GOLD_NLL_SIGNATURE,
        detail: { nll: s.nll, tokens: s.tokens, examples: s.examples },
      },
    ],
  };
}

/**
 * Gold NLL of a set of examples from each one's per-token log-probs of its gold tokens: the corpus
 * value and each example's own mean (nats/token) with its token count.
 */
export function goldNll(perExample: readonly (readonly number[])[]): {
  value: MetricValue;
  examples: { nll: number; tokens: number }[];
} {
  const acc = goldNllAccumulator();
  const value = acc.compute(perExample.reduce(acc.update, acc.empty()))[0];
  const examples = perExample.map((lps) => {
    const e = exampleNll(lps);
    return { nll: e.nll / e.tokens, tokens: e.tokens };
  });
  return { value, examples };
}

export const info: MetricInfo[] = [
  {
    id: 'gold-nll',
    family: 'gold-nll',
    direction: 'lower',
    description:
      'Teacher-forced negative log-likelihood of the gold response, nats per response token (EOS included), summed over examples.',
    signature: GOLD_NLL_SIGNATURE,
    tolerance: 0.05,
    range: [0, Number.POSITIVE_INFINITY],
  },
];

/** This file's metric family: what it needs and its signature fields (metrics/family.ts). */
export const family = defineFamily(info, {
  needs: ['gold'],
  signatureFields: ['forced', 'unit', 'agg', 'eos'],
});
