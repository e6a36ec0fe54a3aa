/**
 * Homogenization (docs/methodology.md#homogenization-and-cka): do distilled students converge on their teacher and on each other,
 * and do they lose diversity? Representation level: linear CKA against the teacher (cka.ts, re-exported
 * here). Response level: mean pairwise similarity among students of different techniques on the
 * same prompts, distinct-n (Li et al. 2016) and self-BLEU (Zhu et al. 2018, Texygen), and distinct-n
 * relative to the `none` student.
 */

import { sentenceBleu } from './bleu.ts';
import { chrf, chrfSignature } from './chrf.ts';
import { defineFamily } from './family.ts';
import { rougeL, rougeSignature } from './rouge.ts';
import type { Accumulator, MetricInfo, MetricValue } from './types.ts';

export { ckaValues, debiasedLinearCka, linearCka, rowsFromFlat } from './cka.ts';

import { ckaSignature } from './cka.ts';

export type SimilarityName = 'rougeL' | 'chrf';

/**
 * Symmetric similarity in [0, 1]. ROUGE-L F1 is symmetric already; chrF (β = 2) weighs recall over
 * precision, so both directions are averaged, otherwise the pair order would change the number.
 */
export function responseSimilarity(a: string, b: string, sim: SimilarityName = 'rougeL'): number {
  if (sim === 'rougeL') return rougeL(a, b).fmeasure;
  return (chrf(a, [b]) + chrf(b, [a])) / 200;
}

export interface PairwiseStats {
  techniques: string[];
  /** Row-major upper triangle used (i < j): summed similarity and prompt counts. */
  sums: number[];
  counts: number[];
}

export const pairwiseSignature = (sim: SimilarityName = 'rougeL') =>
  `homogenization|pairwise:${sim === 'rougeL' ? 'rougeL-f1' : 'chrf-sym'}|mean:pairs|v1|${sim === 'rougeL' ? rougeSignature('rougeL') : chrfSignature(1)}`;

/**
 * Mean pairwise similarity among students of different techniques. Each update is one prompt:
 * technique -> response; techniques missing for a prompt are skipped for their pairs.
 */
export function pairwiseAccumulator(
  techniques: readonly string[],
  sim: SimilarityName = 'rougeL',
): Accumulator<PairwiseStats, Readonly<Record<string, string>>> {
  const T = techniques.length;
  const signature = pairwiseSignature(sim);
  return {
    empty: () => ({
      techniques: [...techniques],
      sums: new Array(T * T).fill(0),
      counts: new Array(T * T).fill(0),
    }),
    update(s, byTechnique) {
      const sums = [...s.sums];
      const counts = [...s.counts];
      for (let i = 0; i < T; i++) {
        for (let j = i + 1; j < T; j++) {
          const a = byTechnique[techniques[i]];
          const b = byTechnique[techniques[j]];
          if (a === undefined || b === undefined) continue;
          sums[i * T + j] += responseSimilarity(a, b, sim);
          counts[i * T + j]++;
        }
      }
      return { techniques: s.techniques, sums, counts };
    },
    merge: (a, b) => ({
      techniques: a.techniques,
      sums: a.sums.map((x, k) => x + b.sums[k]),
      counts: a.counts.map((x, k) => x + b.counts[k]),
    }),
    compute(s): MetricValue[] {
      // Mean over technique pairs of each pair's mean over prompts: every pair weighs the same even
      // when some technique lacks a few prompts.
      const means = pairwiseMatrix(s)
        .flatMap((row, i) => row.slice(i + 1))
        .filter((v) => !Number.isNaN(v));
      const value = means.length ? means.reduce((x, y) => x + y, 0) / means.length : Number.NaN;
      return [{ metric: 'homogenization-pairwise', value, signature, detail: { pairs: means.length } }];
    },
  };
}

/** Technique × technique mean similarity (symmetric; 1 on the diagonal; NaN for pairs never compared). */
export function pairwiseMatrix(s: PairwiseStats): number[][] {
  const T = s.techniques.length;
  return s.techniques.map((_, i) =>
    s.techniques.map((_, j) => {
      if (i === j) return 1;
      const k = i < j ? i * T + j : j * T + i;
      return s.counts[k] ? s.sums[k] / s.counts[k] : Number.NaN;
    }),
  );
}

const tokens = (s: string) => s.split(/\s+/).filter(Boolean);

export interface DistinctStats {
  unique: number;
  total: number;
  value: number;
}

/**
 * distinct-n: unique n-grams / total n-grams over a set of responses, whitespace tokens, case kept,
 * n-grams not crossing response boundaries. 0 when there are no n-grams at all. Unique counts need
 * the whole set, so this is computed over the pooled responses rather than merged.
 */
export function distinctN(responses: readonly string[], n: number): DistinctStats {
  const seen = new Set<string>();
  let total = 0;
  for (const r of responses) {
    const t = tokens(r);
    for (let i = 0; i + n <= t.length; i++) {
      seen.add(t.slice(i, i + n).join('\u0000'));
      total++;
    }
  }
  return { unique: seen.size, total, value: total ? seen.size / total : 0 };
}

/**
 * Self-BLEU: each response scored by sentence BLEU (0-100) against all the other responses as its
 * references, then averaged. NaN with fewer than 2 responses. Cost is quadratic in the set size.
 */
export function selfBleu(responses: readonly string[]): number {
  if (responses.length < 2) return Number.NaN;
  let s = 0;
  for (let i = 0; i < responses.length; i++) {
    s += sentenceBleu(
      responses[i],
      responses.filter((_, j) => j !== i),
    );
  }
  return s / responses.length;
}

/** A technique's distinct-n divided by the `none` student's (1 = as diverse as no distillation). */
export function diversityRatio(technique: DistinctStats, baseline: DistinctStats): number {
  return baseline.value > 0 ? technique.value / baseline.value : Number.NaN;
}

export const DIVERSITY_SIGNATURES = {
  distinct: (n: number) => `distinct-${n}|tok:whitespace|case:kept|pool:responses|v1`,
  selfBleu: 'self-bleu|refs:all-others|mean|bleu:sentence|tok:13a|smooth:exp|eff:yes|v1',
};

/** distinct-1, distinct-2 and self-BLEU of one technique's responses. */
export function diversityValues(responses: readonly string[]): MetricValue[] {
  const d1 = distinctN(responses, 1);
  const d2 = distinctN(responses, 2);
  return [
    {
      metric: 'distinct-1',
      value: d1.value,
      signature: DIVERSITY_SIGNATURES.distinct(1),
      detail: { unique: d1.unique, total: d1.total },
    },
    {
      metric: 'distinct-2',
      value: d2.value,
      signature: DIVERSITY_SIGNATURES.distinct(2),
      detail: { unique: d2.unique, total: d2.total },
    },
    {
      metric: 'self-bleu',
      value: selfBleu(responses),
      signature: DIVERSITY_SIGNATURES.selfBleu,
      detail: { responses: responses.length },
    },
  ];
}

export const info: MetricInfo[] = [
  {
    id: 'cka',
    family: 'homogenization',
    // Representational fidelity to the teacher is what distillation aims at.
    direction: 'higher',
    description: 'Linear CKA between student and teacher hidden states at the same positions (0-1).',
    signature: ckaSignature(false),
    range: [0, 1],
    tolerance: 0.05,
  },
  {
    id: 'cka-debiased',
    family: 'homogenization',
    direction: 'higher',
    description: 'Debiased linear CKA (unbiased HSIC), less inflated when dimensions exceed positions.',
    signature: ckaSignature(true),
    tolerance: 0.05,
  },
  {
    id: 'homogenization-pairwise',
    family: 'homogenization',
    // Students of different techniques converging on the same responses is the homogenization risk.
    direction: 'lower',
    description:
      'Mean pairwise response similarity among students of different techniques on the same prompts.',
    signature: pairwiseSignature(),
    tolerance: 0.02,
  },
  {
    id: 'distinct-1',
    family: 'homogenization',
    direction: 'higher',
    description: 'Unique unigrams / total unigrams over a technique\u2019s responses.',
    signature: DIVERSITY_SIGNATURES.distinct(1),
    tolerance: 0.02,
    range: [0, 1],
  },
  {
    id: 'distinct-2',
    family: 'homogenization',
    direction: 'higher',
    description: 'Unique bigrams / total bigrams over a technique\u2019s responses.',
    signature: DIVERSITY_SIGNATURES.distinct(2),
    tolerance: 0.02,
    range: [0, 1],
  },
  {
    id: 'self-bleu',
    family: 'homogenization',
    direction: 'lower',
    description:
      'Mean sentence BLEU (0-100) of each response against the other responses of the same technique.',
    signature: DIVERSITY_SIGNATURES.selfBleu,
    tolerance: 2,
  },
];

/** This file's metric family: what it needs and its signature fields (metrics/family.ts). */
export const family = defineFamily(info, {
  needs: [],
  idNeeds: { cka: ['gold', 'teacher'], 'cka-debiased': ['gold', 'teacher'] },
  signatureFields: [],
});
