/**
 * Sort orders shared by every report, so tables, charts, CSV and markdown list things identically.
 * Plain code-unit comparison, not localeCompare: the order must not depend on the machine's locale.
 */
export const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The `none` baseline first (gains are read against it), then alphabetical. */
export function byTechnique(a: string, b: string): number {
  return Number(b === 'none') - Number(a === 'none') || byName(a, b);
}

const SPLIT_ORDER = ['test', 'ood', 'probes'];

/** In-domain test first, then out-of-domain, then identity probes, then anything else. */
export function bySplit(a: string, b: string): number {
  const rank = (s: string) => (SPLIT_ORDER.includes(s) ? SPLIT_ORDER.indexOf(s) : SPLIT_ORDER.length);
  return rank(a) - rank(b) || byName(a, b);
}

/** Oldest first by an ISO start time (manifest.startedAt); unparseable times after parseable ones. */
export function byTime(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return Number(Number.isNaN(ta)) - Number(Number.isNaN(tb));
  return ta - tb;
}
