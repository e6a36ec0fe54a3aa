/**
 * ROUGE-N, ROUGE-L and ROUGE-Lsum as Google's `rouge-score` computes them (rouge/rouge_scorer.py),
 * argument order `(target, prediction)` like its `score(target, prediction)`. Tokens: lowercase, every
 * run of characters outside [a-z0-9] becomes a space, empty tokens dropped (tokenizers.ts).
 * No stemming: rouge-score's `use_stemmer=True` (Porter) is not implemented, and the signature says
 * `stem:no` so stemmed numbers from elsewhere are never compared with ours.
 *
 * Corpus value: the mean of per-example F1, which is what rouge-score's BootstrapAggregator reports
 * as `mid` (up to its resampling noise); the signature says `agg:mean-f1`. Precision and recall means
 * are kept in the detail.
 */
import { defineFamily } from './family.ts';
import { rougeTokens } from './tokenizers.ts';
import type { Accumulator, MetricInfo, MetricValue } from './types.ts';

export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

export type RougeType = 'rouge1' | 'rouge2' | 'rougeL' | 'rougeLsum';
export const ROUGE_TYPES: readonly RougeType[] = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];

const ZERO: RougeScore = { precision: 0, recall: 0, fmeasure: 0 };

/** rouge-score `scoring.fmeasure`: harmonic mean, 0 when both are 0. */
function score(precision: number, recall: number): RougeScore {
  return {
    precision,
    recall,
    fmeasure: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
  };
}

function ngrams(tokens: string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const k = tokens.slice(i, i + n).join(' ');
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** rouge-score `_score_ngrams` (denominators floored at 1, so empty inputs give 0, not NaN). */
export function rougeN(target: string, prediction: string, n: number): RougeScore {
  const t = ngrams(rougeTokens(target), n);
  const p = ngrams(rougeTokens(prediction), n);
  let overlap = 0;
  for (const [k, c] of t) overlap += Math.min(c, p.get(k) ?? 0);
  let tCount = 0;
  for (const c of t.values()) tCount += c;
  let pCount = 0;
  for (const c of p.values()) pCount += c;
  return score(overlap / Math.max(pCount, 1), overlap / Math.max(tCount, 1));
}

export const rouge1 = (target: string, prediction: string) => rougeN(target, prediction, 1);
export const rouge2 = (target: string, prediction: string) => rougeN(target, prediction, 2);

/** Full LCS length table, row-major (rows = ref tokens + 1). */
function lcsTable(ref: string[], can: string[]): Int32Array {
  const cols = can.length + 1;
  const t = new Int32Array((ref.length + 1) * cols);
  for (let i = 1; i <= ref.length; i++) {
    for (let j = 1; j <= can.length; j++) {
      t[i * cols + j] =
        ref[i - 1] === can[j - 1]
          ? t[(i - 1) * cols + j - 1] + 1
          : Math.max(t[(i - 1) * cols + j], t[i * cols + j - 1]);
    }
  }
  return t;
}

/** LCS length with two rows (what ROUGE-L needs; no traceback). */
function lcsLength(ref: string[], can: string[]): number {
  let prev = new Int32Array(can.length + 1);
  let cur = new Int32Array(can.length + 1);
  for (let i = 1; i <= ref.length; i++) {
    for (let j = 1; j <= can.length; j++) {
      cur[j] = ref[i - 1] === can[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[can.length];
}

/** rouge-score `_score_lcs`. */
export function rougeL(target: string, prediction: string): RougeScore {
  const t = rougeTokens(target);
  const p = rougeTokens(prediction);
  if (t.length === 0 || p.length === 0) return { ...ZERO };
  const lcs = lcsLength(t, p);
  return score(lcs / p.length, lcs / t.length);
}

/** rouge-score `_backtrack_norec`: indices into `ref` of one LCS; its tie order decides the union. */
function lcsIndices(ref: string[], can: string[]): number[] {
  const t = lcsTable(ref, can);
  const cols = can.length + 1;
  const out: number[] = [];
  let i = ref.length;
  let j = can.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      out.push(i - 1);
      i--;
      j--;
    } else if (t[i * cols + j - 1] > t[(i - 1) * cols + j]) j--;
    else i--;
  }
  return out.reverse();
}

/** rouge-score `get_sents` for rougeLsum: split on '\n', drop empty lines, tokenize each. */
function sentences(text: string): string[][] {
  return text
    .split('\n')
    .filter((s) => s.length > 0)
    .map(rougeTokens);
}

/** rouge-score `_summary_level_lcs` (union LCS per reference sentence, hits clipped by token counts). */
export function rougeLsum(target: string, prediction: string): RougeScore {
  const refSents = sentences(target);
  const canSents = sentences(prediction);
  if (refSents.length === 0 || canSents.length === 0) return { ...ZERO };
  const m = refSents.reduce((a, s) => a + s.length, 0);
  const n = canSents.reduce((a, s) => a + s.length, 0);
  if (m === 0 || n === 0) return { ...ZERO };
  const cntR = new Map<string, number>();
  const cntC = new Map<string, number>();
  for (const s of refSents) for (const tok of s) cntR.set(tok, (cntR.get(tok) ?? 0) + 1);
  for (const s of canSents) for (const tok of s) cntC.set(tok, (cntC.get(tok) ?? 0) + 1);
  let hits = 0;
  for (const r of refSents) {
    const union = new Set<number>();
    for (const c of canSents) for (const idx of lcsIndices(r, c)) union.add(idx);
    for (const idx of [...union].sort((a, b) => a - b)) {
      const tok = r[idx];
      if ((cntC.get(tok) ?? 0) > 0 && (cntR.get(tok) ?? 0) > 0) {
        hits++;
        cntC.set(tok, cntC.get(tok)! - 1);
        cntR.set(tok, cntR.get(tok)! - 1);
      }
    }
  }
  return score(hits / n, hits / m);
}

const SCORERS: Record<RougeType, (target: string, prediction: string) => RougeScore> = {
  rouge1,
  rouge2,
  rougeL,
  rougeLsum,
};

export function rougeScore(type: RougeType, target: string, prediction: string): RougeScore {
  return SCORERS[type](target, prediction);
}

export function rougeSignature(type: RougeType): string {
  return `${type}|tok:rouge-score|stem:no${type === 'rougeLsum' ? '|split:newline' : ''}|agg:mean-f1|v1`;
}

export interface RougeStats {
  sumPrecision: number;
  sumRecall: number;
  sumF: number;
  count: number;
}

export interface RougeInput {
  target: string;
  prediction: string;
}

export function rougeValue(type: RougeType, s: RougeStats): MetricValue {
  const mean = (x: number) => (s.count ? x / s.count : Number.NaN);
  return {
    metric: type,
    value: mean(s.sumF),
    signature: rougeSignature(type),
    detail: { precision: mean(s.sumPrecision), recall: mean(s.sumRecall), examples: s.count },
  };
}

/** Sums of per-example scores; merging adds them, so the mean over shards equals the whole's. */
export function rougeAccumulator(type: RougeType): Accumulator<RougeStats, RougeInput> {
  return {
    empty: () => ({ sumPrecision: 0, sumRecall: 0, sumF: 0, count: 0 }),
    update: (s, x) => {
      const r = SCORERS[type](x.target, x.prediction);
      return {
        sumPrecision: s.sumPrecision + r.precision,
        sumRecall: s.sumRecall + r.recall,
        sumF: s.sumF + r.fmeasure,
        count: s.count + 1,
      };
    },
    merge: (a, b) => ({
      sumPrecision: a.sumPrecision + b.sumPrecision,
      sumRecall: a.sumRecall + b.sumRecall,
      sumF: a.sumF + b.sumF,
      count: a.count + b.count,
    }),
    compute: (s) => [rougeValue(type, s)],
  };
}

/** Corpus value (mean per-example F1) over aligned targets and predictions. */
export function corpusRouge(
  type: RougeType,
  targets: readonly string[],
  predictions: readonly string[],
): MetricValue {
  if (targets.length !== predictions.length) {
    throw new RangeError(
      `${targets.length} targets but ${predictions.length} predictions; they must be aligned`,
    );
  }
  const acc = rougeAccumulator(type);
  let s = acc.empty();
  for (let i = 0; i < targets.length; i++)
    s = acc.update(s, { target: targets[i], prediction: predictions[i] });
  return acc.compute(s)[0];
}

const DESCRIPTIONS: Record<RougeType, string> = {
  rouge1: 'ROUGE-1 F1 (unigram overlap), rouge-score tokens, no stemming; mean over examples.',
  rouge2: 'ROUGE-2 F1 (bigram overlap), rouge-score tokens, no stemming; mean over examples.',
  rougeL: 'ROUGE-L F1 (longest common subsequence), rouge-score tokens; mean over examples.',
  rougeLsum:
    'ROUGE-Lsum F1 (union LCS over newline-split sentences), rouge-score tokens; mean over examples.',
};

export const info: MetricInfo[] = ROUGE_TYPES.map((id) => ({
  id,
  family: 'rouge',
  direction: 'higher' as const,
  description: DESCRIPTIONS[id],
  signature: rougeSignature(id),
  tolerance: 0.01,
}));

/** This file's metric family: what it needs and its signature fields (metrics/family.ts). */
export const family = defineFamily(info, {
  needs: ['gold'],
  signatureFields: ['tok', 'stem', 'agg'],
  againstGold: (hyps, refs) => ROUGE_TYPES.map((type) => corpusRouge(type, refs, hyps)),
});
