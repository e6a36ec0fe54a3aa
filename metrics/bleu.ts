/**
 * BLEU (Papineni et al. 2002) as sacreBLEU 2.x computes it (`metrics/bleu.py`), 0-100 scale:
 *   - 13a tokenizer by default (tokenizers.ts), lowercasing optional, hypotheses and references
 *     right-stripped before tokenizing;
 *   - clipped n-gram matches against the per-n-gram maximum count over the segment's references;
 *   - brevity penalty with the closest reference length, ties going to the shorter reference;
 *   - no matching n-gram at all => 0 whatever the smoothing (sacreBLEU #141);
 *   - smoothing exp (default, mteval-v13a), floor (0.1), add-k (1) or none (Chen & Cherry 2014);
 *   - corpus BLEU from summed statistics; sentence BLEU uses the effective order.
 * The refs input of `corpusBleu` is a list of reference STREAMS, each aligned with the hypotheses.
 *
 * One deliberate difference: sacreBLEU raises when every reference of a segment is empty; here such a
 * segment counts as having one empty reference (length 0, no n-grams), so an empty teacher response
 * scores 0 instead of aborting a run. Non-empty references are used as sacreBLEU uses them (empty ones
 * among them are skipped).
 */
import { defineFamily } from './family.ts';
import { BLEU_TOKENIZERS, type BleuTokenizerName, pyRstrip, pySplit } from './tokenizers.ts';
import type { Accumulator, MetricInfo, MetricValue } from './types.ts';

export type BleuSmooth = 'exp' | 'floor' | 'add-k' | 'none';

export interface BleuOptions {
  tokenize?: BleuTokenizerName;
  lowercase?: boolean;
  smooth?: BleuSmooth;
  /** For floor (default 0.1) and add-k (default 1). */
  smoothValue?: number;
  /** Stop at the highest order the hypothesis has n-grams of (sentence level). */
  effectiveOrder?: boolean;
  maxOrder?: number;
}

export interface BleuStats {
  /** Clipped matches and hypothesis n-gram totals, index n-1 for order n. */
  matches: number[];
  totals: number[];
  sysLen: number;
  refLen: number;
}

export interface BleuInput {
  hypothesis: string;
  /** This segment's references (one per reference stream). */
  references: readonly string[];
}

const SMOOTH_DEFAULTS: Record<BleuSmooth, number | null> = { none: null, floor: 0.1, 'add-k': 1, exp: null };

export function bleuSignature(nrefs: number, opts: BleuOptions = {}): string {
  const smooth = opts.smooth ?? 'exp';
  const def = SMOOTH_DEFAULTS[smooth];
  const sm = def === null ? smooth : `${smooth}[${(opts.smoothValue ?? def).toFixed(2)}]`;
  const order = (opts.maxOrder ?? 4) === 4 ? '' : `|order:${opts.maxOrder}`;
  return (
    `bleu|nrefs:${nrefs}|case:${opts.lowercase ? 'lc' : 'mixed'}|eff:${opts.effectiveOrder ? 'yes' : 'no'}` +
    `|tok:${opts.tokenize ?? '13a'}|smooth:${sm}${order}|v1`
  );
}

function preprocess(s: string, opts: BleuOptions): string {
  return BLEU_TOKENIZERS[opts.tokenize ?? '13a'](pyRstrip(opts.lowercase ? s.toLowerCase() : s));
}

/** n-gram counts of orders 1..maxOrder, keyed by the tokens joined with ' ' (tokens hold no spaces). */
function ngramCounts(tokens: string[], maxOrder: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = n === 1 ? tokens[i] : tokens.slice(i, i + n).join(' ');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** sacreBLEU `_get_closest_ref_len`: smallest |hyp - ref|, ties to the shorter reference. */
export function closestRefLength(hypLen: number, refLens: readonly number[]): number {
  let bestDiff = -1;
  let best = -1;
  for (const r of refLens) {
    const d = Math.abs(hypLen - r);
    if (bestDiff === -1 || d < bestDiff || (d === bestDiff && r < best)) {
      bestDiff = d;
      best = r;
    }
  }
  return best;
}

export function emptyBleuStats(maxOrder = 4): BleuStats {
  return { matches: new Array(maxOrder).fill(0), totals: new Array(maxOrder).fill(0), sysLen: 0, refLen: 0 };
}

/** Sufficient statistics of one segment. */
export function segmentBleuStats(
  hypothesis: string,
  references: readonly string[],
  opts: BleuOptions = {},
): BleuStats {
  const maxOrder = opts.maxOrder ?? 4;
  const used = references.filter((r) => r !== '');
  const refNgrams = new Map<string, number>();
  const refLens: number[] = [];
  for (const ref of used.length ? used : ['']) {
    const toks = pySplit(preprocess(ref, opts));
    refLens.push(toks.length);
    for (const [k, c] of ngramCounts(toks, maxOrder)) {
      if (c > (refNgrams.get(k) ?? 0)) refNgrams.set(k, c);
    }
  }
  const hypToks = pySplit(preprocess(hypothesis, opts));
  const s = emptyBleuStats(maxOrder);
  for (const [k, c] of ngramCounts(hypToks, maxOrder)) {
    let n = 0;
    for (let i = 0; i < k.length; i++) if (k.charCodeAt(i) === 32) n++;
    s.totals[n] += c;
    const r = refNgrams.get(k);
    if (r !== undefined) s.matches[n] += Math.min(c, r);
  }
  s.sysLen = hypToks.length;
  s.refLen = closestRefLength(hypToks.length, refLens);
  return s;
}

export function mergeBleuStats(a: BleuStats, b: BleuStats): BleuStats {
  return {
    matches: a.matches.map((x, i) => x + b.matches[i]),
    totals: a.totals.map((x, i) => x + b.totals[i]),
    sysLen: a.sysLen + b.sysLen,
    refLen: a.refLen + b.refLen,
  };
}

/** sacreBLEU `my_log`: log of 0 is a huge negative number, so exp() of the mean gives 0. */
const myLog = (x: number) => (x > 0 ? Math.log(x) : -9999999999);

/** sacreBLEU `compute_bleu`, statement for statement. */
export function bleuFromStats(
  stats: BleuStats,
  opts: BleuOptions = {},
): { score: number; bp: number; precisions: number[] } {
  const smooth = opts.smooth ?? 'exp';
  const smoothValue = opts.smoothValue ?? SMOOTH_DEFAULTS[smooth] ?? 0;
  const maxOrder = stats.matches.length;
  const correct = [...stats.matches];
  const total = [...stats.totals];
  const { sysLen, refLen } = stats;
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(maxOrder).fill(0);
  if (!correct.some((c) => c !== 0)) return { score: 0, bp, precisions };
  let smoothMteval = 1;
  let effOrder = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    if (smooth === 'add-k' && n > 1) {
      correct[n - 1] += smoothValue;
      total[n - 1] += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (opts.effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (smooth === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total[n - 1]);
      } else if (smooth === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / total[n - 1];
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]) / total[n - 1];
    }
  }
  let sum = 0;
  for (let i = 0; i < effOrder; i++) sum += myLog(precisions[i]);
  return { score: bp * Math.exp(sum / effOrder), bp, precisions };
}

function bleuValue(stats: BleuStats, nrefs: number, opts: BleuOptions): MetricValue {
  const { score, bp, precisions } = bleuFromStats(stats, opts);
  const detail: Record<string, number> = { bp, sysLen: stats.sysLen, refLen: stats.refLen };
  precisions.forEach((p, i) => {
    detail[`p${i + 1}`] = p;
    detail[`matches${i + 1}`] = stats.matches[i];
    detail[`totals${i + 1}`] = stats.totals[i];
  });
  return { metric: 'bleu', value: score, signature: bleuSignature(nrefs, opts), detail };
}

/** Corpus accumulator: per-order matches/totals and lengths add up across segments and shards. */
export function bleuAccumulator(nrefs: number, opts: BleuOptions = {}): Accumulator<BleuStats, BleuInput> {
  return {
    empty: () => emptyBleuStats(opts.maxOrder ?? 4),
    update: (s, x) => mergeBleuStats(s, segmentBleuStats(x.hypothesis, x.references, opts)),
    merge: mergeBleuStats,
    compute: (s) => [bleuValue(s, nrefs, opts)],
  };
}

/** Transposes reference streams into per-segment reference lists, checking their lengths. */
export function segmentsFromStreams(nHyps: number, refStreams: readonly (readonly string[])[]): string[][] {
  if (refStreams.length === 0) throw new RangeError('at least one reference stream is needed');
  refStreams.forEach((s, k) => {
    if (s.length !== nHyps) {
      throw new RangeError(
        `reference stream ${k + 1} has ${s.length} segments but there are ${nHyps} hypotheses`,
      );
    }
  });
  return Array.from({ length: nHyps }, (_, i) => refStreams.map((s) => s[i]));
}

/** sacreBLEU `corpus_bleu(hyps, refStreams)`; effective order off unless asked for. */
export function corpusBleu(
  hyps: readonly string[],
  refStreams: readonly (readonly string[])[],
  opts: BleuOptions = {},
): MetricValue {
  const refs = segmentsFromStreams(hyps.length, refStreams);
  let s = emptyBleuStats(opts.maxOrder ?? 4);
  for (let i = 0; i < hyps.length; i++) s = mergeBleuStats(s, segmentBleuStats(hyps[i], refs[i], opts));
  return bleuValue(s, refStreams.length, opts);
}

/** sacreBLEU `sentence_bleu(hyp, refs)`: exp smoothing and effective order by default; 0-100. */
export function sentenceBleu(hyp: string, refs: readonly string[], opts: BleuOptions = {}): number {
  const o = { effectiveOrder: true, ...opts };
  return bleuFromStats(segmentBleuStats(hyp, refs, o), o).score;
}

export const info: MetricInfo[] = [
  {
    id: 'bleu',
    family: 'bleu',
    direction: 'higher',
    description: 'sacreBLEU-compatible corpus BLEU (0-100): 13a tokens, exp smoothing, closest ref length.',
    signature: bleuSignature(1),
    tolerance: 1.0,
    range: [0, 100],
  },
];

/** This file's metric family: what it needs and its signature fields (metrics/family.ts). */
export const family = defineFamily(info, {
  needs: ['gold'],
  signatureFields: ['nrefs', 'case', 'eff', 'tok', 'smooth'],
  againstGold: (hyps, refs) => [corpusBleu(hyps, [refs])],
});
