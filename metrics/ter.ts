/**
 * TER, translation edit rate (Snover et al. 2006), as sacreBLEU 2.x computes it (`metrics/ter.py`,
 * `lib_ter.py`, itself a port of Tercom): the fewest word insertions, deletions, substitutions and
 * block shifts that turn the hypothesis into the reference, over the reference length, 0-100+
 * (lower is better; it can pass 100 when the hypothesis is much longer than the reference).
 *
 * Shifts follow Tercom's greedy search: repeatedly apply the shift of at most 10 words, moved at most
 * 50 positions, that lowers the edit distance the most (ties: longest, then earliest source, then
 * earliest target), until none helps or 1,000 candidates were tried. The edit distance is a beam
 * (width 25) around the length-scaled diagonal with Tercom's operation preferences, so results match
 * sacreBLEU's on every input, including its beam's corner cases. sacreBLEU also caches matrix rows of
 * hypothesis prefixes; the cache only saves time (every shifted hypothesis has the same length, so
 * cached rows equal recomputed ones) and is left out.
 *
 * Defaults are sacreBLEU's: lowercase, whitespace tokens, no normalization, punctuation kept. With
 * several references, a segment takes the fewest edits and the mean reference length.
 */
import { defineFamily } from './family.ts';
import { pyRstrip, pySplit } from './tokenizers.ts';
import type { Accumulator, MetricInfo, MetricValue } from './types.ts';

export interface TerOptions {
  caseSensitive?: boolean;
}

const MAX_SHIFT_SIZE = 10;
const MAX_SHIFT_DIST = 50;
const BEAM_WIDTH = 25;
const MAX_SHIFT_CANDIDATES = 1000;

type Op = ' ' | 's' | 'i' | 'd' | 'x';

export function terSignature(nrefs: number, opts: TerOptions = {}): string {
  const cs = opts.caseSensitive ? 'mixed' : 'lc';
  return `ter|nrefs:${nrefs}|case:${cs}|tok:tercom|norm:no|punct:yes|asian:no|v1`;
}

/** sacreBLEU's TercomTokenizer with its defaults, applied after `rstrip`. */
export function terWords(sentence: string, opts: TerOptions = {}): string[] {
  const s = pyRstrip(sentence);
  return pySplit(opts.caseSensitive ? s : s.toLowerCase());
}

/** Beam edit distance from hypothesis to reference, and its trace of operations. */
function editDistance(hyp: readonly string[], ref: readonly string[]): { cost: number; trace: Op[] } {
  const n = hyp.length;
  const m = ref.length;
  const cost: number[][] = [Array.from({ length: m + 1 }, (_, j) => j)];
  const ops: Op[][] = [Array.from({ length: m + 1 }, () => 'i' as Op)];
  const ratio = n > 0 ? m / n : 1;
  const beam = BEAM_WIDTH < ratio / 2 ? Math.ceil(ratio / 2 + BEAM_WIDTH) : BEAM_WIDTH;
  for (let i = 1; i <= n; i++) {
    const c = new Array<number>(m + 1).fill(Number.POSITIVE_INFINITY);
    const o = new Array<Op>(m + 1).fill('x');
    const diag = Math.floor(i * ratio);
    const lo = Math.max(0, diag - beam);
    const hi = i === n ? m + 1 : Math.min(m + 1, diag + beam);
    for (let j = lo; j < hi; j++) {
      if (j === 0) {
        c[0] = cost[i - 1][0] + 1;
        o[0] = 'd';
        continue;
      }
      const same = hyp[i - 1] === ref[j - 1];
      // Tercom prefers match/substitution, then (because the trace is flipped later) deletion, then insertion.
      const options: [number, Op][] = [
        [cost[i - 1][j - 1] + (same ? 0 : 1), same ? ' ' : 's'],
        [cost[i - 1][j] + 1, 'd'],
        [c[j - 1] + 1, 'i'],
      ];
      for (const [k, op] of options) {
        if (c[j] > k) {
          c[j] = k;
          o[j] = op;
        }
      }
    }
    cost.push(c);
    ops.push(o);
  }
  const trace: Op[] = [];
  for (let i = n, j = m; i > 0 || j > 0; ) {
    const op = ops[i][j];
    trace.push(op);
    if (op === ' ' || op === 's') {
      i--;
      j--;
    } else if (op === 'i') j--;
    else if (op === 'd') i--;
    else throw new Error(`TER: the edit-distance beam missed cell (${i}, ${j})`);
  }
  return { cost: cost[n][m], trace: trace.reverse() };
}

/** Where each reference word sits in the hypothesis, and which words of each side are in error. */
function alignment(trace: readonly Op[]): { align: Map<number, number>; refErr: number[]; hypErr: number[] } {
  let h = -1;
  let r = -1;
  const align = new Map<number, number>();
  const refErr: number[] = [];
  const hypErr: number[] = [];
  // The trace rewrites the hypothesis into the reference; flipped (insertions <-> deletions) it
  // rewrites the reference into the hypothesis, which is what the alignment walks.
  for (const raw of trace) {
    const op = raw === 'i' ? 'd' : raw === 'd' ? 'i' : raw;
    if (op === ' ' || op === 's') {
      align.set(++r, ++h);
      hypErr.push(op === 's' ? 1 : 0);
      refErr.push(op === 's' ? 1 : 0);
    } else if (op === 'i') {
      h++;
      hypErr.push(1);
    } else {
      align.set(++r, h);
      refErr.push(1);
    }
  }
  return { align, refErr, hypErr };
}

function performShift(words: readonly string[], start: number, length: number, target: number): string[] {
  const block = words.slice(start, start + length);
  if (target < start)
    return [
      ...words.slice(0, target),
      ...block,
      ...words.slice(target, start),
      ...words.slice(start + length),
    ];
  if (target > start + length)
    return [
      ...words.slice(0, start),
      ...words.slice(start + length, target),
      ...block,
      ...words.slice(target),
    ];
  return [
    ...words.slice(0, start),
    ...words.slice(start + length, length + target),
    ...block,
    ...words.slice(length + target),
  ];
}

/** Matching runs (hypStart, refStart, length) of up to MAX_SHIFT_SIZE words, as Tercom enumerates them. */
function* matchingRuns(hyp: readonly string[], ref: readonly string[]): Generator<[number, number, number]> {
  for (let sh = 0; sh < hyp.length; sh++) {
    for (let sr = 0; sr < ref.length; sr++) {
      if (Math.abs(sr - sh) > MAX_SHIFT_DIST) continue;
      for (let len = 0; hyp[sh + len] === ref[sr + len] && len < MAX_SHIFT_SIZE; ) {
        len++;
        yield [sh, sr, len];
        if (sh + len === hyp.length || sr + len === ref.length) break;
      }
    }
  }
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Python's tuple order on (gain, length, -start, -target, words): is `a` ranked above `b`? */
function ranksAbove(a: (number | string[])[], b: (number | string[])[]): boolean {
  for (let k = 0; k < 4; k++) if (a[k] !== b[k]) return (a[k] as number) > (b[k] as number);
  const wa = a[4] as string[];
  const wb = b[4] as string[];
  for (let k = 0; k < Math.min(wa.length, wb.length); k++) if (wa[k] !== wb[k]) return wa[k] > wb[k];
  return wa.length > wb.length;
}

/** The best shift of one round: its gain in edit distance, the shifted words, candidates tried so far. */
function bestShift(hyp: string[], ref: readonly string[], tried: number): [number, string[], number] {
  const { cost: before, trace } = editDistance(hyp, ref);
  const { align, refErr, hypErr } = alignment(trace);
  let best: (number | string[])[] | undefined;
  for (const [sh, sr, len] of matchingRuns(hyp, ref)) {
    // Only move words that are wrong where they are, to a place where the reference is not matched.
    if (sum(hypErr.slice(sh, sh + len)) === 0 || sum(refErr.slice(sr, sr + len)) === 0) continue;
    const at = align.get(sr)!;
    if (sh <= at && at < sh + len) continue;
    let prev = -1;
    for (let offset = -1; offset < len; offset++) {
      let idx: number;
      if (sr + offset === -1) idx = 0;
      else if (align.has(sr + offset)) idx = align.get(sr + offset)! + 1;
      else break;
      if (idx === prev) continue;
      prev = idx;
      const shifted = performShift(hyp, sh, len, idx);
      const candidate = [before - editDistance(shifted, ref).cost, len, -sh, -idx, shifted];
      tried++;
      if (!best || ranksAbove(candidate, best)) best = candidate;
    }
    if (tried >= MAX_SHIFT_CANDIDATES) break;
  }
  return best ? [best[0] as number, best[4] as string[], tried] : [0, hyp, tried];
}

/** Edits (shifts + edit distance) and reference length of one hypothesis against one reference. */
export function terEdits(
  hyp: readonly string[],
  ref: readonly string[],
): { edits: number; refLength: number } {
  if (ref.length === 0) return { edits: hyp.length, refLength: 0 };
  let words = [...hyp];
  let shifts = 0;
  let tried = 0;
  for (;;) {
    const [gain, shifted, t] = bestShift(words, ref, tried);
    tried = t;
    if (tried >= MAX_SHIFT_CANDIDATES || gain <= 0) break;
    shifts++;
    words = shifted;
  }
  return { edits: shifts + editDistance(words, ref).cost, refLength: ref.length };
}

/** Summed edits and (mean-over-references) reference lengths: they merge by addition. */
export interface TerStats {
  edits: number;
  refLength: number;
}

export interface TerInput {
  hypothesis: string;
  references: readonly string[];
}

export function terAccumulator(nrefs = 1, opts: TerOptions = {}): Accumulator<TerStats, TerInput> {
  return {
    empty: () => ({ edits: 0, refLength: 0 }),
    update: (s, x) => {
      const hyp = terWords(x.hypothesis, opts);
      const per = x.references.map((r) => terEdits(hyp, terWords(r, opts)));
      const edits = Math.min(...per.map((p) => p.edits));
      return {
        edits: s.edits + edits,
        refLength: s.refLength + sum(per.map((p) => p.refLength)) / per.length,
      };
    },
    merge: (a, b) => ({ edits: a.edits + b.edits, refLength: a.refLength + b.refLength }),
    compute: (s) => {
      const rate = s.refLength > 0 ? s.edits / s.refLength : s.edits > 0 ? 1 : 0;
      return [
        {
          metric: 'ter',
          value: 100 * rate,
          signature: terSignature(nrefs, opts),
          detail: { edits: s.edits, refLength: s.refLength },
        },
      ];
    },
  };
}

/** Corpus TER of aligned hypotheses and (one stream of) references. */
export function corpusTer(
  hyps: readonly string[],
  refs: readonly string[],
  opts: TerOptions = {},
): MetricValue {
  if (hyps.length !== refs.length)
    throw new RangeError(`${refs.length} references but ${hyps.length} hypotheses; they must be aligned`);
  const acc = terAccumulator(1, opts);
  let s = acc.empty();
  for (let i = 0; i < hyps.length; i++) s = acc.update(s, { hypothesis: hyps[i], references: [refs[i]] });
  return acc.compute(s)[0];
}

export const info: MetricInfo[] = [
  {
    id: 'ter',
    family: 'ter',
    direction: 'lower',
    description: 'sacreBLEU-compatible TER (0-100+): word edits plus block shifts over reference length.',
    signature: terSignature(1),
    tolerance: 1.0,
    range: [0, Number.POSITIVE_INFINITY],
  },
];

/** This file's metric family: gold responses in, one corpus value out; runs and `metric` bind it. */
export const family = defineFamily(info, {
  needs: ['gold'],
  signatureFields: ['nrefs', 'case', 'tok'],
  againstGold: (hyps, refs) => [corpusTer(hyps, refs)],
});
