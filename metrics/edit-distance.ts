/**
 * Edit-distance family: WER, MER, WIL, WIP (words), CER (characters), PER (phones), all from one
 * Levenshtein alignment per (reference, hypothesis) pair giving hits H, substitutions S, deletions D
 * and insertions I, with jiwer's conventions (docs/methodology.md#edit-distance):
 *   - corpus value = summed counts, then the formula (never a mean of per-segment rates);
 *   - WER = (S+D+I)/(H+S+D), MER = (S+D+I)/(H+S+D+I), WIP = H/N_ref · H/N_hyp, WIL = 1 - WIP;
 *   - no reference units at all (jiwer >= 4.0): WER = I as a raw count, MER = 1 and WIP = 0 when the
 *     hypothesis has units, MER = 0 and WIP = 1 when it has none (silence correctly predicted);
 *   - CER counts spaces as characters; only leading/trailing whitespace is stripped.
 *
 * Tie-breaking (signature `tie:max-hits`): among alignments of minimal edit count we take one with the
 * most hits. Since N_ref + N_hyp = 2H + S + E (E = S+D+I), that is the one with the fewest
 * substitutions. WER only depends on E, but MER/WIL/WIP depend on H, so the rule is part of the
 * definition. Which rule rapidfuzz (jiwer's backend) applies was not checked (docs/methodology.md#edit-distance).
 */
import { defineFamily } from './family.ts';
import { jiwerChars, jiwerWords, phoneUnits } from './tokenizers.ts';
import type { Accumulator, Direction, MetricInfo, MetricValue } from './types.ts';
import { WordIds } from './word-ids.ts';

export type EditUnit = 'word' | 'char' | 'phone';

export interface EditStats {
  hits: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  refUnits: number;
  hypUnits: number;
}

export interface EditInput {
  reference: string;
  hypothesis: string;
}

export const EDIT_METRICS = {
  wer: 'word',
  mer: 'word',
  wil: 'word',
  wip: 'word',
  cer: 'char',
  per: 'phone',
} as const;
export type EditMetric = keyof typeof EDIT_METRICS;

const UNIT_SIG: Record<EditUnit, string> = {
  word: 'norm:strip+collapse|tok:space',
  char: 'norm:strip|tok:char',
  phone: 'norm:strip|tok:ws',
};

export function editSignature(metric: EditMetric, agg: 'corpus' | 'segment' = 'corpus'): string {
  return `${metric}|agg:${agg}|${UNIT_SIG[EDIT_METRICS[metric]]}|tie:max-hits|v1`;
}

export const emptyEditStats = (): EditStats => ({
  hits: 0,
  substitutions: 0,
  deletions: 0,
  insertions: 0,
  refUnits: 0,
  hypUnits: 0,
});

export function mergeEditStats(a: EditStats, b: EditStats): EditStats {
  return {
    hits: a.hits + b.hits,
    substitutions: a.substitutions + b.substitutions,
    deletions: a.deletions + b.deletions,
    insertions: a.insertions + b.insertions,
    refUnits: a.refUnits + b.refUnits,
    hypUnits: a.hypUnits + b.hypUnits,
  };
}

/** All four word measures (and CER/PER, which are WER over other units) from summed counts. */
export function editRates(s: EditStats): { wer: number; mer: number; wil: number; wip: number } {
  const E = s.substitutions + s.deletions + s.insertions;
  let wer: number;
  let mer: number;
  let wip: number;
  if (s.refUnits === 0) {
    wer = s.insertions;
    mer = s.hypUnits === 0 ? 0 : 1;
    wip = s.hypUnits === 0 ? 1 : 0;
  } else {
    wer = E / s.refUnits;
    mer = E / (s.hits + E);
    wip = s.hypUnits >= 1 ? (s.hits / s.refUnits) * (s.hits / s.hypUnits) : 0;
  }
  return { wer, mer, wil: 1 - wip, wip };
}

/**
 * Reusable scorer: maps units to integer ids (words through one growing vocabulary, word-ids.ts;
 * characters by code point) and runs the DP on Int32Array rows that live as long as the scorer, so
 * scoring a corpus allocates almost nothing per pair.
 *
 * The DP minimises one integer per path: cost = W·edits - hits with W = min(n, m) + 1 > any hit
 * count, so the minimum has the fewest edits and, among those, the most hits. Both counts are read
 * back from the final cell (E = ceil(cost / W), H = E·W - cost), so no traceback is needed; S, D, I
 * follow from n = H+S+D, m = H+S+I and n + m = 2H + S + E.
 */
export class EditScorer {
  private readonly ids = new WordIds();
  private ref = new Int32Array(256);
  private hyp = new Int32Array(256);
  private rowA = new Int32Array(257);
  private rowB = new Int32Array(257);

  constructor(readonly unit: EditUnit) {}

  /** Adds the counts of one pair into `into` (mutated, for allocation-free corpus loops). */
  addPair(into: EditStats, reference: string, hypothesis: string): EditStats {
    const n = this.encode(reference, true);
    const m = this.encode(hypothesis, false);
    const counts = this.countEncoded(n, m);
    into.hits += counts[0];
    into.substitutions += counts[1];
    into.deletions += n - counts[0] - counts[1];
    into.insertions += m - counts[0] - counts[1];
    into.refUnits += n;
    into.hypUnits += m;
    return into;
  }

  pair(reference: string, hypothesis: string): EditStats {
    return this.addPair(emptyEditStats(), reference, hypothesis);
  }

  units(s: string): string[] {
    if (this.unit === 'word') return jiwerWords(s);
    if (this.unit === 'phone') return phoneUnits(s);
    return Array.from(jiwerChars(s));
  }

  /** Writes ids into the ref or hyp buffer; returns the length. */
  private encode(s: string, isRef: boolean): number {
    if (this.unit === 'char') {
      const t = jiwerChars(s);
      const buf = this.ensure(isRef, t.length);
      let k = 0;
      for (const ch of t) buf[k++] = ch.codePointAt(0)!;
      return k;
    }
    // Ids only need to agree within one pair, so a huge vocabulary may be dropped between pairs.
    if (isRef && this.ids.size > 1 << 22) this.ids.clear();
    return this.ids.encode(s, this.unit === 'word' ? 'jiwer' : 'ws', this.ensure(isRef, s.length));
  }

  private ensure(isRef: boolean, len: number): Int32Array {
    const cur = isRef ? this.ref : this.hyp;
    if (cur.length >= len) return cur;
    const grown = new Int32Array(Math.max(len, cur.length * 2));
    if (isRef) this.ref = grown;
    else this.hyp = grown;
    return grown;
  }

  /** [hits, substitutions] of the max-hits minimal alignment of ref[0..n) and hyp[0..m). */
  private countEncoded(n: number, m: number): [number, number] {
    const a = this.ref;
    const b = this.hyp;
    // A common prefix or suffix is matched in some optimal max-hits alignment (exchange argument:
    // matching a[0] = b[0] never costs more edits nor loses a hit), so only the middle needs the DP.
    let lo = 0;
    while (lo < n && lo < m && a[lo] === b[lo]) lo++;
    let n2 = n;
    let m2 = m;
    while (n2 > lo && m2 > lo && a[n2 - 1] === b[m2 - 1]) {
      n2--;
      m2--;
    }
    const trimmed = lo + (n - n2);
    const rn = n2 - lo;
    const rm = m2 - lo;
    if (rn === 0 || rm === 0) return [trimmed, 0];
    const W = Math.min(rn, rm) + 1;
    let prev: Int32Array | Float64Array;
    let cur: Int32Array | Float64Array;
    if ((rn + rm) * W > 0x7fffffff) {
      // W·(n+m) would overflow int32 (very long character strings): same DP in float64.
      prev = new Float64Array(rm + 1);
      cur = new Float64Array(rm + 1);
    } else {
      if (this.rowA.length <= rm) {
        this.rowA = new Int32Array(rm + 1);
        this.rowB = new Int32Array(rm + 1);
      }
      prev = this.rowA;
      cur = this.rowB;
    }
    for (let j = 0; j <= rm; j++) prev[j] = j * W;
    for (let i = 1; i <= rn; i++) {
      const ai = a[lo + i - 1];
      cur[0] = i * W;
      for (let j = 1; j <= rm; j++) {
        let best = prev[j - 1] + (ai === b[lo + j - 1] ? -1 : W);
        const del = prev[j] + W;
        if (del < best) best = del;
        const ins = cur[j - 1] + W;
        if (ins < best) best = ins;
        cur[j] = best;
      }
      const t = prev;
      prev = cur;
      cur = t;
    }
    return decode(prev[rm], W, rn, rm, trimmed);
  }
}

function decode(cost: number, W: number, n: number, m: number, trimmedHits: number): [number, number] {
  const edits = Math.ceil(cost / W);
  const hits = edits * W - cost;
  return [hits + trimmedHits, n + m - 2 * hits - edits];
}

/** Summed counts over a corpus of aligned (reference, hypothesis) lines. */
export function corpusEditStats(refs: readonly string[], hyps: readonly string[], unit: EditUnit): EditStats {
  if (refs.length !== hyps.length) {
    throw new RangeError(
      `${refs.length} references but ${hyps.length} hypotheses; they must be aligned line by line`,
    );
  }
  const scorer = new EditScorer(unit);
  const s = emptyEditStats();
  for (let i = 0; i < refs.length; i++) scorer.addPair(s, refs[i], hyps[i]);
  return s;
}

export function editValue(
  metric: EditMetric,
  s: EditStats,
  agg: 'corpus' | 'segment' = 'corpus',
): MetricValue {
  const rates = editRates(s);
  const value = metric === 'cer' || metric === 'per' ? rates.wer : rates[metric];
  return { metric, value, signature: editSignature(metric, agg), detail: { ...s } };
}

/** One corpus-level value (e.g. `editMetric('wer', refs, hyps)`). */
export function editMetric(
  metric: EditMetric,
  refs: readonly string[],
  hyps: readonly string[],
): MetricValue {
  return editValue(metric, corpusEditStats(refs, hyps, EDIT_METRICS[metric]));
}

/** Per-segment values, each from that pair's own counts (jiwer's conventions apply per line). */
export function editPerSegment(
  metric: EditMetric,
  refs: readonly string[],
  hyps: readonly string[],
): MetricValue[] {
  if (refs.length !== hyps.length)
    throw new RangeError(`${refs.length} references but ${hyps.length} hypotheses`);
  const scorer = new EditScorer(EDIT_METRICS[metric]);
  return refs.map((r, i) => editValue(metric, scorer.pair(r, hyps[i]), 'segment'));
}

/** Mergeable sufficient statistics; `compute` returns every metric defined on this unit. */
export function editAccumulator(unit: EditUnit): Accumulator<EditStats, EditInput> {
  const scorer = new EditScorer(unit);
  const metrics = (Object.keys(EDIT_METRICS) as EditMetric[]).filter((k) => EDIT_METRICS[k] === unit);
  return {
    empty: emptyEditStats,
    update: (s, x) => scorer.addPair({ ...s }, x.reference, x.hypothesis),
    merge: mergeEditStats,
    compute: (s) => metrics.map((m) => editValue(m, s)),
  };
}

const SUMMED = 'corpus-level from summed hits/substitutions/deletions/insertions (jiwer)';
const INFO: [EditMetric, Direction, number, string][] = [
  ['wer', 'lower', 0.01, `Word error rate (S+D+I)/N_ref, ${SUMMED}; can exceed 1.`],
  ['mer', 'lower', 0.01, `Match error rate (S+D+I)/(H+S+D+I), ${SUMMED}.`],
  ['wil', 'lower', 0.01, `Word information lost 1 - WIP, ${SUMMED}.`],
  ['wip', 'higher', 0.01, `Word information preserved H/N_ref · H/N_hyp, ${SUMMED}.`],
  ['cer', 'lower', 0.005, `Character error rate, spaces included, ${SUMMED}.`],
  ['per', 'lower', 0.01, `Phone error rate over whitespace-separated phones, ${SUMMED}.`],
];

export const info: MetricInfo[] = INFO.map(([id, direction, tolerance, description]) => ({
  id,
  family: 'edit-distance',
  direction,
  description,
  signature: editSignature(id),
  tolerance,
  // WER and CER count insertions against the reference length, so they can pass 1 but not go below 0.
  ...(id === 'wer' || id === 'cer' ? { range: [0, Number.POSITIVE_INFINITY] as const } : {}),
}));

/** This file's metric family: what it needs and its signature fields (metrics/family.ts). */
export const family = defineFamily(info, {
  needs: ['gold'],
  signatureFields: ['agg', 'norm', 'tok', 'tie'],
});
