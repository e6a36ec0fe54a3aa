/**
 * The gate's decision rule (documented in reports/gate/README.md). For each key present on both
 * sides, d = candidate − baseline with a confidence interval [lo, hi]:
 *
 *   - paired t interval over seeds when both sides have exactly the same seed set (n ≥ 2),
 *   - Welch interval over all values otherwise (needs ≥ 2 values on each side),
 *   - with one seed on each side, a paired bootstrap over prompts when both run dirs hold the
 *     cell's per-prompt values (units.ts, a score run's units.jsonl),
 *   - no interval otherwise when n = 1 on a side → "inconclusive" (never a failure).
 *   - a seed-level regression or improvement with fewer than 3 seeds, or with every seed agreeing
 *     exactly (zero variance), is "inconclusive" too (weakEvidence; docs/statistics.md).
 *
 * With tolerance t ≥ 0 and the CI mirrored so that negative is worse (lower-is-better metrics
 * are negated): regression ⇔ hi < −t; pass ⇔ lo ≥ −t (improved ⇔ lo > t); inconclusive otherwise.
 * "Beyond" is strict: a CI end exactly at the tolerance is not beyond it, so a CI whose better
 * end equals −t is inconclusive, not a regression, and one whose worse end equals −t passes.
 */
import { inconclusiveReason, MIN_PAIRED_SEEDS } from '../../metrics/significance.ts';
import { pairedDifference, welchDifference } from '../../metrics/stats.ts';
import type { Direction } from '../../metrics/types.ts';
import { compareKeys, distinctSignatures, keyOf, sortedSeeds } from './series.ts';
import type { Comparison, MissingRow, Outcome, Series, ToleranceSource } from './types.ts';
import { compareUnits } from './units.ts';

export interface CompareOptions {
  level: number;
  /** Direction from the metric registry; undefined for metrics it does not know. */
  directionOf: (metric: string) => Direction | undefined;
  toleranceOf: (metric: string) => { tolerance: number; source: ToleranceSource };
  /** false for metrics the config excludes from gating. */
  isGated: (metric: string) => boolean;
}

/** Classifies the CI of candidate − baseline; exported so the boundary rule is tested on its own. */
export function classify(
  direction: Direction,
  lo: number,
  hi: number,
  tolerance: number,
): Exclude<Outcome, 'refused'> {
  // Mirror lower-is-better metrics so that, below, negative always means worse.
  const [l, h] = direction === 'higher' ? [lo, hi] : [-hi, -lo];
  if (h < -tolerance) return 'regression';
  if (l > tolerance) return 'improved';
  if (l >= -tolerance) return 'pass';
  return 'inconclusive';
}

/**
 * Why seed-level values cannot support a regression or improvement call, or null: the report's
 * rules (metrics/significance.ts) on the paired differences, and for unpaired sides fewer than 3
 * values on a side or both sides constant.
 */
export function weakEvidence(cv: readonly number[], bv: readonly number[], paired: boolean): string | null {
  if (paired) return inconclusiveReason(cv.map((x, i) => x - bv[i]));
  const n = Math.min(cv.length, bv.length);
  if (n < MIN_PAIRED_SEEDS) return `${n} seed(s) on one side, at least ${MIN_PAIRED_SEEDS} needed`;
  const constant = (xs: readonly number[]) => xs.every((x) => x === xs[0]);
  if (constant(cv) && constant(bv))
    return 'every seed gives exactly the same value on both sides (zero variance)';
  return null;
}

/** Six significant digits with a real minus sign, for reasons. */
const fmt = (x: number) => (x < 0 ? `−${Number((-x).toPrecision(6))}` : String(Number(x.toPrecision(6))));

function meanOf(xs: number[]): number {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN;
}

function reasonFor(
  outcome: Outcome,
  direction: Direction,
  lo: number,
  hi: number,
  t: number,
  level: number,
  more = 'more seeds',
): string {
  const ci = `${Math.round(level * 100)}% CI [${fmt(lo)}, ${fmt(hi)}]`;
  const bad = t === 0 ? '0' : direction === 'higher' ? `−${fmt(t)}` : `+${fmt(t)}`;
  const good = t === 0 ? '0' : direction === 'higher' ? `+${fmt(t)}` : `−${fmt(t)}`;
  const worse = direction === 'higher' ? 'below' : 'above';
  const better = direction === 'higher' ? 'above' : 'below';
  switch (outcome) {
    case 'regression':
      return `whole ${ci} lies ${worse} ${bad}: worse than the baseline by more than the tolerance ${fmt(t)}`;
    case 'improved':
      return `whole ${ci} lies ${better} ${good}: better than the baseline by more than the tolerance ${fmt(t)}`;
    case 'pass':
      return `${ci} does not reach ${worse} ${bad}: a regression beyond the tolerance ${fmt(t)} is ruled out`;
    default:
      return `${ci} contains ${bad} (or ends on it): cannot tell whether it is worse by more than the tolerance ${fmt(t)}; ${more} narrow the CI`;
  }
}

/**
 * Signatures must agree seed by seed on the seeds both sides have (a signature may legitimately vary
 * by seed, e.g. when it records a data-dependent count); with no seed in common, the sets of distinct
 * signatures must be equal. Returns the mismatch, naming both signatures, or undefined.
 */
export function signatureMismatch(cand: Series, base: Series): string | undefined {
  const common = sortedSeeds(cand.signatures).filter((s) => s in base.signatures);
  const bad = common.filter((s) => cand.signatures[s] !== base.signatures[s]);
  if (bad.length) {
    const on = common.length > 1 ? ` on seed ${bad.join(', ')}` : '';
    return `signature differs (baseline '${base.signatures[bad[0]]}', candidate '${cand.signatures[bad[0]]}')${on}`;
  }
  if (common.length === 0) {
    const [b, c] = [distinctSignatures(base), distinctSignatures(cand)];
    if (b.join('\n') !== c.join('\n'))
      return `signature differs (baseline '${b.join("', '")}', candidate '${c.join("', '")}')`;
  }
  return undefined;
}

/** One comparison of two series with the same key. */
export function compareSeries(cand: Series, base: Series, opts: CompareOptions): Comparison {
  const registryDirection = opts.directionOf(cand.metric);
  const direction = registryDirection ?? cand.direction;
  const { tolerance, source: toleranceSource } = opts.toleranceOf(cand.metric);
  const notes: string[] = [];
  if (!registryDirection && cand.direction !== base.direction) {
    notes.push(
      `direction differs (candidate '${cand.direction}', baseline '${base.direction}'); using the candidate's`,
    );
  }
  const cSeeds = sortedSeeds(cand.values);
  const bSeeds = sortedSeeds(base.values);
  const onlyC = cSeeds.filter((s) => !(s in base.values));
  const onlyB = bSeeds.filter((s) => !(s in cand.values));
  if (onlyC.length) notes.push(`seeds only in the candidate: ${onlyC.join(', ')}`);
  if (onlyB.length) notes.push(`seeds only in the baseline: ${onlyB.join(', ')}`);
  if (cand.dropped.length)
    notes.push(`candidate seeds with no numeric value (excluded): ${cand.dropped.join(', ')}`);
  if (base.dropped.length)
    notes.push(`baseline seeds with no numeric value (excluded): ${base.dropped.join(', ')}`);

  const cv = cSeeds.map((s) => cand.values[s]);
  const bv = bSeeds.map((s) => base.values[s]);
  const common = {
    technique: cand.technique,
    student: cand.student,
    task: cand.task,
    split: cand.split,
    metric: cand.metric,
    direction,
    baseline: { mean: meanOf(bv), n: bv.length, signature: distinctSignatures(base).join(', ') },
    candidate: { mean: meanOf(cv), n: cv.length, signature: distinctSignatures(cand).join(', ') },
    diff: meanOf(cv) - meanOf(bv),
    tolerance,
    toleranceSource,
    notes,
  };

  const mismatch = signatureMismatch(cand, base);
  if (mismatch) {
    return {
      ...common,
      outcome: 'refused',
      reason: `${mismatch}; the numbers are not comparable`,
      ci: { lo: null, hi: null, level: opts.level },
      method: 'none',
      p: null,
      refusedFor: 'signature',
    };
  }

  const units = cv.length === 1 && bv.length === 1 ? compareUnits(cand, base, opts.level) : undefined;
  if (units?.kind === 'ci') {
    const outcome = classify(direction, units.lo, units.hi, tolerance);
    return {
      ...common,
      diff: units.diff,
      notes: [...notes, ...units.notes],
      outcome,
      reason: reasonFor(outcome, direction, units.lo, units.hi, tolerance, opts.level, 'more prompts'),
      ci: { lo: units.lo, hi: units.hi, level: opts.level },
      method: 'paired-bootstrap-prompts',
      p: null,
      bootstrap: units.bootstrap,
    };
  }
  if (units) {
    const refused = units.kind === 'refused';
    return {
      ...common,
      outcome: refused ? 'refused' : 'inconclusive',
      reason: refused ? units.reason : `${units.reason}: inconclusive, not a failure`,
      ci: { lo: null, hi: null, level: opts.level },
      method: 'none',
      p: null,
      ...(refused ? { refusedFor: 'units' as const } : {}),
    };
  }

  const paired = onlyC.length === 0 && onlyB.length === 0 && cv.length >= 2;
  let lo: number | null = null;
  let hi: number | null = null;
  let p: number | null = null;
  let method: Comparison['method'] = 'none';
  if (paired) {
    const d = pairedDifference(cv, bv, { level: opts.level });
    ({ lo, hi } = d.ci);
    p = d.pT;
    method = 'paired-t';
  } else if (cv.length >= 2 && bv.length >= 2) {
    const w = welchDifference(cv, bv, opts.level);
    ({ lo, hi, p } = w);
    method = 'welch';
  }
  if (lo === null || hi === null) {
    const why =
      cv.length === 0 || bv.length === 0
        ? `no numeric values on the ${cv.length === 0 ? 'candidate' : 'baseline'} side`
        : `no confidence interval with ${bv.length} baseline and ${cv.length} candidate value(s) (a CI needs 2 or more seeds)`;
    return {
      ...common,
      outcome: 'inconclusive',
      reason: `${why}: inconclusive, not a failure`,
      ci: { lo: null, hi: null, level: opts.level },
      method: 'none',
      p: null,
    };
  }
  const classified = classify(direction, lo, hi, tolerance);
  // A regression or improvement needs an interval that reflects seed noise (docs/statistics.md):
  // below 3 seeds, or with every seed agreeing exactly, it is inconclusive. A pass is kept: it only
  // says a regression beyond the tolerance is ruled out by the interval, and fails nothing.
  const weak = classified === 'regression' || classified === 'improved' ? weakEvidence(cv, bv, paired) : null;
  const outcome = weak ? 'inconclusive' : classified;
  return {
    ...common,
    outcome,
    reason: weak
      ? `${reasonFor(classified, direction, lo, hi, tolerance, opts.level)}, but ${weak}: inconclusive, not a ${classified === 'regression' ? 'failure' : 'significant improvement'}`
      : reasonFor(outcome, direction, lo, hi, tolerance, opts.level),
    ci: { lo, hi, level: opts.level },
    method,
    p,
  };
}

/** Every gated key on both sides compared; keys on one side only listed as missing. */
export function compareSides(
  candidate: readonly Series[],
  baseline: readonly Series[],
  opts: CompareOptions,
): { comparisons: Comparison[]; missing: MissingRow[]; notGated: string[] } {
  const notGated = new Set<string>();
  const gated = (s: Series) => {
    if (opts.isGated(s.metric)) return true;
    notGated.add(s.metric);
    return false;
  };
  const cand = new Map(candidate.filter(gated).map((s) => [keyOf(s), s]));
  const base = new Map(baseline.filter(gated).map((s) => [keyOf(s), s]));
  const comparisons: Comparison[] = [];
  const missing: MissingRow[] = [];
  const strip = (s: Series) => ({
    technique: s.technique,
    student: s.student,
    task: s.task,
    split: s.split,
    metric: s.metric,
  });
  for (const [k, c] of cand) {
    const b = base.get(k);
    if (b) comparisons.push(compareSeries(c, b, opts));
    else missing.push({ ...strip(c), missingIn: 'baseline' });
  }
  for (const [k, b] of base) if (!cand.has(k)) missing.push({ ...strip(b), missingIn: 'candidate' });
  comparisons.sort(compareKeys);
  missing.sort((a, b) => compareKeys(a, b) || a.missingIn.localeCompare(b.missingIn));
  return { comparisons, missing, notGated: [...notGated].sort() };
}
