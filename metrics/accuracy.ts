/**
 * Exact-match accuracy of the extracted answer. The task supplies the extractor (its
 * `extractAnswer`, e.g. the text after "answer:"); the gold answer is already an answer and is only
 * trimmed, so an extractor written for full responses cannot mangle it.
 */
import { defineFamily } from './family.ts';
import type { Accumulator, MetricInfo, MetricValue } from './types.ts';

export type Extractor = (response: string) => string;

export interface AccuracyOptions {
  extract?: Extractor;
  /** Names the extractor in the signature; results under different extractors are not comparable. */
  extractName?: string;
}

export interface AccuracyStats {
  correct: number;
  total: number;
}

export interface AccuracyInput {
  prediction: string;
  gold: string;
}

const trim: Extractor = (s) => s.trim();

export function accuracySignature(opts: AccuracyOptions = {}): string {
  return `accuracy|match:exact|extract:${opts.extractName ?? (opts.extract ? 'custom' : 'trim')}|v1`;
}

export function isExactMatch(prediction: string, gold: string, extract: Extractor = trim): boolean {
  return extract(prediction).trim() === gold.trim();
}

export function accuracyAccumulator(opts: AccuracyOptions = {}): Accumulator<AccuracyStats, AccuracyInput> {
  const extract = opts.extract ?? trim;
  const signature = accuracySignature(opts);
  return {
    empty: () => ({ correct: 0, total: 0 }),
    update: (s, x) => ({
      correct: s.correct + (isExactMatch(x.prediction, x.gold, extract) ? 1 : 0),
      total: s.total + 1,
    }),
    merge: (a, b) => ({ correct: a.correct + b.correct, total: a.total + b.total }),
    compute: (s) => [accuracyValue('accuracy', s, signature)],
  };
}

/** Accuracy as a fraction in [0, 1]; NaN on an empty set (there is nothing to be right about). */
export function accuracyValue(metric: string, s: AccuracyStats, signature: string): MetricValue {
  return {
    metric,
    value: s.total ? s.correct / s.total : Number.NaN,
    signature,
    detail: { correct: s.correct, total: s.total },
  };
}

/** Counts over the examples where `include[i]` is true (e.g. the conflicted test examples). */
export function accuracyOnSubset(
  predictions: readonly string[],
  golds: readonly string[],
  include: readonly boolean[],
  extract: Extractor = trim,
): AccuracyStats {
  if (predictions.length !== golds.length || golds.length !== include.length) {
    throw new RangeError(
      `accuracyOnSubset: ${predictions.length} predictions, ${golds.length} golds, ${include.length} flags; they must match`,
    );
  }
  let correct = 0;
  let total = 0;
  for (let i = 0; i < golds.length; i++) {
    if (!include[i]) continue;
    total++;
    if (isExactMatch(predictions[i], golds[i], extract)) correct++;
  }
  return { correct, total };
}

export const info: MetricInfo[] = [
  {
    id: 'accuracy',
    family: 'accuracy',
    direction: 'higher',
    description: 'Exact match of the extracted answer with the gold answer (fraction of examples).',
    signature: accuracySignature(),
    tolerance: 0.02,
    range: [0, 1],
  },
];

/** This file's metric family: what it needs and its signature fields (metrics/family.ts). */
export const family = defineFamily(info, {
  needs: ['gold'],
  signatureFields: ['match', 'extract'],
});
