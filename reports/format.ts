/**
 * Number and wording formats shared by report.html and summary.md, so both say the same thing in
 * the same digits. No toLocaleString: output must not depend on the machine's locale.
 */
import type { GapRecovered } from '../metrics/gap-recovered.ts';
import type { Cell, Gain, Significance } from './model.ts';

const DIGITS = 3;

export function num(x: number | null | undefined, digits = DIGITS): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const s = x.toFixed(digits);
  return s === `-${(0).toFixed(digits)}` ? s.slice(1) : s; // no "-0.000"
}

export function signed(x: number | null | undefined, digits = DIGITS): string {
  const s = num(x, digits);
  return x !== null && x !== undefined && Number.isFinite(x) && x > 0 && s !== (0).toFixed(digits)
    ? `+${s}`
    : s;
}

/**
 * "0.812 ± 0.023" (the t interval is symmetric, so ± its half-width), or just the mean without a CI.
 * An interval clamped to the metric's range is no longer symmetric: then "0.990 [0.962, 1.000]".
 */
export function meanPm(c: Pick<Cell, 'mean' | 'ciLow' | 'ciHigh'>): string {
  if (c.ciLow === null || c.ciHigh === null) return num(c.mean);
  const below = c.mean - c.ciLow;
  const above = c.ciHigh - c.mean;
  if (Math.abs(below - above) > 1e-9 * Math.max(1, Math.abs(c.mean)))
    return `${num(c.mean)} ${interval(c.ciLow, c.ciHigh)}`;
  return `${num(c.mean)} ± ${num((c.ciHigh - c.ciLow) / 2)}`;
}

export function interval(lo: number | null, hi: number | null): string {
  return lo === null || hi === null ? '[no CI]' : `[${num(lo)}, ${num(hi)}]`;
}

export function pValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return 'p n/a';
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

const WORDING: Record<Significance, string> = {
  significant: 'significant',
  'not significant': 'not significant',
  inconclusive: 'inconclusive',
};

export function significanceText(s: Significance): string {
  return WORDING[s];
}

/** "Holm-adjusted over 3 comparisons, p = 0.030" or the reason a difference is inconclusive. */
export function holmText(g: Gain): string {
  if (g.significance === 'inconclusive') return g.inconclusiveReason ?? 'inconclusive';
  if (g.pHolm === null) return 'p n/a';
  return `Holm-adjusted over ${g.holmK} comparison${g.holmK === 1 ? '' : 's'}, ${pValue(g.pHolm)}`;
}

/**
 * "+0.031 [0.010, 0.052], significant (Holm-adjusted over 3 comparisons, p = 0.030)" — the same
 * phrase in the HTML and in summary.md.
 */
export function gainText(g: Gain): string {
  return `${signed(g.diff)} ${gainInterval(g)}, ${significanceText(g.significance)} (${holmText(g)})`;
}

/**
 * The gain's interval as displayed: in a family of several comparisons, the CI at Holm's level for
 * this comparison (so "excludes 0" matches the adjusted decision); otherwise the plain 95% t CI.
 */
export function gainInterval(g: Gain): string {
  if (g.holmCi && g.holmK > 1) return `${interval(g.holmCi.lo, g.holmCi.hi)} Holm-level`;
  return interval(g.ciLow, g.ciHigh);
}

/** "0.54 [0.50, 0.60]" or "0.54, inconclusive (reason)" for a gap recovered. */
export function gapText(g: GapRecovered): string {
  const ci = g.ci ? ` ${interval(g.ci[0], g.ci[1])}` : '';
  return `${num(g.value, 2)}${ci}${g.inconclusive ? `, inconclusive (${g.reason ?? 'no reason'})` : ''}`;
}

/** Integers with thin grouping (12 345 678), decimals for small values; for cost columns. */
export function count(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (Math.abs(x) < 100 && !Number.isInteger(x)) return x.toFixed(2);
  const s = Math.round(Math.abs(x))
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return x < 0 ? `-${s}` : s;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/**
 * Trainable parameters as a share of the teacher's. Above 100% the student is the larger model (a
 * smaller teacher, docs/weak-to-strong.md), and a percentage would read as an efficiency figure.
 */
export function pctOfTeacher(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return x > 100 ? 'student larger than teacher' : `${num(x, 2)}%`;
}

export const arrow = (direction: 'higher' | 'lower'): string => (direction === 'higher' ? '↑' : '↓');
