/**
 * The range each metric's values can take, so displayed intervals never claim an accuracy above 1
 * or a negative WER (a t interval is symmetric and ignores the bounds). Metrics not listed are not
 * clamped. Keyed by metric id; a Map, since ids can come from run dirs.
 */
export type MetricRange = readonly [number, number];

const UNIT: MetricRange = [0, 1];
const PERCENT: MetricRange = [0, 100];
const NON_NEGATIVE: MetricRange = [0, Number.POSITIVE_INFINITY];

export const metricRanges: ReadonlyMap<string, MetricRange> = new Map<string, MetricRange>([
  ['accuracy', UNIT],
  ['wer', NON_NEGATIVE],
  ['cer', NON_NEGATIVE],
  ['gold-nll', NON_NEGATIVE],
  ['bleu', PERCENT],
  ['chrf', PERCENT],
  ['cka', UNIT],
  ['distinct-1', UNIT],
  ['distinct-2', UNIT],
]);

/** [lo, hi] clamped into the metric's range; nulls pass through. */
export function clampToRange(
  metric: string,
  lo: number | null,
  hi: number | null,
): { lo: number | null; hi: number | null; clamped: boolean } {
  const r = metricRanges.get(metric);
  if (!r) return { lo, hi, clamped: false };
  const c = (x: number | null) => (x === null ? null : Math.min(r[1], Math.max(r[0], x)));
  const out = { lo: c(lo), hi: c(hi) };
  return { ...out, clamped: out.lo !== lo || out.hi !== hi };
}

/**
 * The range of a difference of two values of the metric: [min − max, max − min], so a gain of an
 * accuracy is clamped to [−1, 1].
 */
export function clampDifference(
  metric: string,
  lo: number | null,
  hi: number | null,
): { lo: number | null; hi: number | null } {
  const r = metricRanges.get(metric);
  if (!r) return { lo, hi };
  const span = r[1] - r[0];
  const c = (x: number | null) => (x === null ? null : Math.min(span, Math.max(-span, x)));
  return { lo: c(lo), hi: c(hi) };
}
