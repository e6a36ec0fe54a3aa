/**
 * chrF (Popović 2015) and chrF++ (word_order > 0, Popović 2017) as sacreBLEU 2.x computes them
 * (`metrics/chrf.py`), 0-100 scale. Defaults: char_order 6, word_order 0, beta 2, whitespace removed
 * before character n-grams, eps_smoothing off.
 *
 * Averaging (docs/methodology.md#chrf): without eps smoothing, precision and recall are each averaged over the
 * orders where both hypothesis and reference have n-grams, and F_beta is taken of those averages
 * (sacreBLEU < 2.0 "effective order"). With eps smoothing, F_beta is taken per order (1e-16 standing
 * in for undefined values) and averaged over all orders (chrF++.py, NLTK, Moses).
 *
 * Statistics are [hyp, ref, match] counts per order; with several references the segment keeps the
 * statistics of the reference with the best sentence F score (first one on ties). Corpus chrF sums
 * the statistics. As in bleu.ts, a segment whose references are all empty is scored against one empty
 * reference (sacreBLEU raises); empty references among non-empty ones are skipped, as sacreBLEU does.
 */
import { defineFamily } from './family.ts';
import { pyRemoveWhitespace, pySplit } from './tokenizers.ts';
import type { Accumulator, MetricInfo, MetricValue } from './types.ts';

export interface ChrfOptions {
  charOrder?: number;
  wordOrder?: number;
  beta?: number;
  lowercase?: boolean;
  /** Keep whitespace inside character n-grams. */
  whitespace?: boolean;
  epsSmoothing?: boolean;
}

/** Flat [hyp, ref, match] triples, char orders 1..charOrder then word orders 1..wordOrder. */
export type ChrfStats = number[];

export interface ChrfInput {
  hypothesis: string;
  references: readonly string[];
}

const defaults = (o: ChrfOptions) => ({
  charOrder: o.charOrder ?? 6,
  wordOrder: o.wordOrder ?? 0,
  beta: o.beta ?? 2,
  lowercase: o.lowercase ?? false,
  whitespace: o.whitespace ?? false,
  epsSmoothing: o.epsSmoothing ?? false,
});

/** `chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|v1`, sacreBLEU's fields in sacreBLEU's order. */
export function chrfSignature(nrefs: number, opts: ChrfOptions = {}): string {
  const o = defaults(opts);
  return (
    `chrF${o.beta}${'+'.repeat(o.wordOrder)}|nrefs:${nrefs}|case:${o.lowercase ? 'lc' : 'mixed'}` +
    `|eff:${o.epsSmoothing ? 'no' : 'yes'}|nc:${o.charOrder}|nw:${o.wordOrder}|space:${o.whitespace ? 'yes' : 'no'}|v1`
  );
}

const PUNCTS = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/** sacreBLEU `_remove_punctuation`: one leading OR trailing ASCII punctuation mark split off a word. */
function chrfWords(sent: string): string[] {
  const out: string[] = [];
  for (const w of pySplit(sent)) {
    if (w.length === 1) out.push(w);
    else if (PUNCTS.has(w[w.length - 1])) out.push(w.slice(0, -1), w[w.length - 1]);
    else if (PUNCTS.has(w[0])) out.push(w[0], w.slice(1));
    else out.push(w);
  }
  return out;
}

function count(keys: Iterable<string>): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/** Character n-grams over code points (Python slices), orders 1..maxOrder. */
function charNgrams(line: string, maxOrder: number, whitespace: boolean): Map<string, number>[] {
  const s = whitespace ? line : pyRemoveWhitespace(line);
  const chars = /[\uD800-\uDFFF]/.test(s) ? Array.from(s) : null;
  const len = chars ? chars.length : s.length;
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const keys: string[] = [];
    for (let i = 0; i + n <= len; i++) keys.push(chars ? chars.slice(i, i + n).join('') : s.slice(i, i + n));
    out.push(count(keys));
  }
  return out;
}

function wordNgrams(words: string[], n: number): Map<string, number> {
  const keys: string[] = [];
  for (let i = 0; i + n <= words.length; i++) keys.push(words.slice(i, i + n).join(' '));
  return count(keys);
}

function allNgrams(s: string, o: ReturnType<typeof defaults>): Map<string, number>[] {
  const line = o.lowercase ? s.toLowerCase() : s;
  const grams = charNgrams(line, o.charOrder, o.whitespace);
  if (o.wordOrder > 0) {
    const words = chrfWords(line);
    for (let n = 1; n <= o.wordOrder; n++) grams.push(wordNgrams(words, n));
  }
  return grams;
}

/** sacreBLEU `_get_match_statistics`: hypothesis n-grams only count where the reference has some. */
function matchStats(hyp: Map<string, number>, ref: Map<string, number>): [number, number, number] {
  let hypCount = 0;
  let match = 0;
  for (const [k, c] of hyp) {
    hypCount += c;
    const r = ref.get(k);
    if (r !== undefined) match += Math.min(c, r);
  }
  let refCount = 0;
  for (const c of ref.values()) refCount += c;
  return [ref.size ? hypCount : 0, refCount, match];
}

/** sacreBLEU `_compute_f_score`, 0-100. */
export function chrfFromStats(stats: ChrfStats, opts: ChrfOptions = {}): number {
  const o = defaults(opts);
  const eps = 1e-16;
  const factor = o.beta ** 2;
  const orders = stats.length / 3;
  let score = 0;
  let eff = 0;
  let avgPrec = 0;
  let avgRec = 0;
  for (let i = 0; i < orders; i++) {
    const [nHyp, nRef, nMatch] = [stats[3 * i], stats[3 * i + 1], stats[3 * i + 2]];
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      eff++;
    }
  }
  if (o.epsSmoothing) return (100 * score) / orders;
  if (eff === 0) return 0;
  avgPrec /= eff;
  avgRec /= eff;
  if (avgPrec + avgRec === 0) return 0;
  return (100 * ((1 + factor) * avgPrec * avgRec)) / (factor * avgPrec + avgRec);
}

/** Statistics of one segment: those of its best-scoring reference. */
export function segmentChrfStats(
  hypothesis: string,
  references: readonly string[],
  opts: ChrfOptions = {},
): ChrfStats {
  const o = defaults(opts);
  const hyp = allNgrams(hypothesis, o);
  const used = references.filter((r) => r !== '');
  let best: ChrfStats = [];
  let bestF = -1;
  for (const ref of used.length ? used : ['']) {
    const refGrams = allNgrams(ref, o);
    const stats = hyp.flatMap((h, i) => matchStats(h, refGrams[i]));
    const f = chrfFromStats(stats, o);
    if (f > bestF) {
      bestF = f;
      best = stats;
    }
  }
  return best;
}

const sumStats = (a: ChrfStats, b: ChrfStats): ChrfStats => a.map((x, i) => x + b[i]);

export function chrfAccumulator(nrefs: number, opts: ChrfOptions = {}): Accumulator<ChrfStats, ChrfInput> {
  const o = defaults(opts);
  const signature = chrfSignature(nrefs, o);
  return {
    empty: () => new Array(3 * (o.charOrder + o.wordOrder)).fill(0),
    update: (s, x) => sumStats(s, segmentChrfStats(x.hypothesis, x.references, o)),
    merge: sumStats,
    compute: (s) => [{ metric: 'chrf', value: chrfFromStats(s, o), signature }],
  };
}

/** Sentence-level chrF (0-100) of one hypothesis against its references. */
export function chrf(hyp: string, refs: readonly string[], opts: ChrfOptions = {}): number {
  return chrfFromStats(segmentChrfStats(hyp, refs, opts), opts);
}

/** Corpus chrF from summed statistics; `refStreams` as in sacreBLEU (one stream per reference set). */
export function corpusChrf(
  hyps: readonly string[],
  refStreams: readonly (readonly string[])[],
  opts: ChrfOptions = {},
): MetricValue {
  for (const [k, s] of refStreams.entries()) {
    if (s.length !== hyps.length) {
      throw new RangeError(
        `reference stream ${k + 1} has ${s.length} segments but there are ${hyps.length} hypotheses`,
      );
    }
  }
  if (refStreams.length === 0) throw new RangeError('at least one reference stream is needed');
  const acc = chrfAccumulator(refStreams.length, opts);
  let s = acc.empty();
  for (let i = 0; i < hyps.length; i++)
    s = acc.update(s, { hypothesis: hyps[i], references: refStreams.map((r) => r[i]) });
  return acc.compute(s)[0];
}

export const info: MetricInfo[] = [
  {
    id: 'chrf',
    family: 'chrf',
    direction: 'higher',
    description:
      'sacreBLEU-compatible corpus chrF (0-100): char 6-grams, beta 2, whitespace removed, effective order.',
    signature: chrfSignature(1),
    tolerance: 1.0,
    range: [0, 100],
  },
];

/** This file's metric family: what it needs and its signature fields (metrics/family.ts). */
export const family = defineFamily(info, {
  needs: ['gold'],
  signatureFields: ['nrefs', 'case', 'eff', 'nc', 'nw', 'space'],
  againstGold: (hyps, refs) => [corpusChrf(hyps, [refs])],
});
