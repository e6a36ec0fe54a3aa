/**
 * When a difference may be called significant, and Holm's correction over a family of comparisons.
 * The rules are explained in docs/statistics.md; reports/aggregate.ts and reports/gate/compare.ts
 * both apply them, so a report and a gate never disagree about the same difference.
 */

/** Fewer paired seeds than this cannot separate an effect from seed noise. */
export const MIN_PAIRED_SEEDS = 3;

/**
 * Why paired differences (one per seed) cannot support a significance call, or null when they can.
 * Identical differences on every seed give a zero-width t interval that excludes 0 whenever the
 * difference is not 0: that says the harness is deterministic, not that the effect generalises.
 */
export function inconclusiveReason(diffs: readonly number[]): string | null {
  const n = diffs.length;
  if (n < MIN_PAIRED_SEEDS)
    return `${n} paired seed${n === 1 ? '' : 's'}, at least ${MIN_PAIRED_SEEDS} needed`;
  if (diffs.every((d) => d === diffs[0]))
    return 'every seed gives exactly the same difference (zero variance)';
  return null;
}

/**
 * Holm's step-down adjustment (Holm 1979). Sort the k p-values ascending, p(1) ≤ … ≤ p(k);
 * adjusted p(i) = max over j ≤ i of min(1, (k − j + 1) · p(j)), which keeps the adjusted values in
 * the same order as the raw ones. Nulls (untestable comparisons) are not counted in k and stay null.
 * Returned in the input order.
 */
export function holmAdjust(ps: readonly (number | null)[]): (number | null)[] {
  const idx = ps
    .map((p, i) => ({ p, i }))
    .filter((x): x is { p: number; i: number } => x.p !== null && Number.isFinite(x.p))
    .sort((a, b) => a.p - b.p || a.i - b.i);
  const k = idx.length;
  const out: (number | null)[] = ps.map(() => null);
  let running = 0;
  idx.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (k - rank) * p));
    out[i] = running;
  });
  return out;
}
