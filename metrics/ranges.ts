/**
 * The range each metric's values can take, so displayed intervals never claim an accuracy above 1
 * or a negative WER (a t interval is symmetric and ignores the bounds). Each range is part of its
 * registry entry (metrics/types.ts); ids without one are not clamped.
 */
import { metricRegistry } from './index.ts';

export type MetricRange = readonly [number, number];

/** A registered metric's range (metrics/types.ts `range`); undefined for ids nothing registers. */
function rangeOf(metric: string): MetricRange | undefined {
  return metricRegistry.has(metric) ? metricRegistry.get(metric).range : undefined;
}

/** [lo, hi] clamped into the metric's range; nulls pass through. */
export function clampToRange(
  metric: string,
  lo: number | null,
  hi: number | null,
): { lo: number | null; hi: number | null; clamped: boolean } {
  const r = rangeOf(metric);
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
  const r = rangeOf(metric);
  if (!r) return { lo, hi };
  const span = r[1] - r[0];
  const c = (x: number | null) => (x === null ? null : Math.min(span, Math.max(-span, x)));
  return { lo: c(lo), hi: c(hi) };
}
