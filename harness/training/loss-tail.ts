/**
 * Has training converged? The least-squares slope of the training loss over the last 10% of a
 * job's curve, and the rule that calls it still falling fast (docs/statistics.md, "Budgets that
 * converge"): the tail's drop, extrapolated over the whole run, would exceed 10% of the final loss.
 * A relative rule, because a drop of 0.05 per run is noise at loss 3 and most of the loss at 0.1;
 * with an absolute floor (MIN_DROP), because a student memorizing a small pool creeps towards 0 at a
 * rate that is large relative to its loss but changes no comparison the report makes.
 */

/** The share of the curve's step span the slope is fitted on. */
export const TAIL_FRACTION = 0.1;
/** A run whose tail slope × its steps exceeds this share of the final loss is still falling fast. */
export const FAST_FRACTION = 0.1;
/** ... and exceeds this many loss units (nats per token) outright. */
export const MIN_DROP = 0.05;

export interface LossTail {
  /** Least-squares slope over the tail, loss units per 100 steps (negative = still falling). */
  slopePer100: number;
  /** The fitted loss at the last step (less noisy than the last point). */
  finalLoss: number;
  /** First and last step of the tail, and how many points it has. */
  fromStep: number;
  toStep: number;
  points: number;
  /** −slope × last step > max(FAST_FRACTION × final loss, MIN_DROP). */
  fallingFast: boolean;
}

/** Least-squares slope and intercept of y on x (x not all equal). */
export function leastSquares(
  xs: readonly number[],
  ys: readonly number[],
): { slope: number; intercept: number } {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/**
 * The tail of `curve` ([step, loss] points, as JobRecord.curve): points whose step lies in the last
 * TAIL_FRACTION of the step span. Undefined when fewer than 2 distinct steps fall there (a run too
 * short or too coarsely sampled to say) or a loss is not finite.
 */
export function lossTail(curve: readonly (readonly [number, number | null])[]): LossTail | undefined {
  const pts = curve.filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]));
  if (pts.length < 2 || pts.length !== curve.length) return undefined;
  const first = pts[0][0];
  const last = pts.at(-1)![0];
  const cut = last - TAIL_FRACTION * (last - first);
  const tail = pts.filter(([s]) => s >= cut);
  if (new Set(tail.map(([s]) => s)).size < 2) return undefined;
  const fit = leastSquares(
    tail.map(([s]) => s),
    tail.map(([, l]) => l),
  );
  const finalLoss = fit.intercept + fit.slope * last;
  return {
    slopePer100: fit.slope * 100,
    finalLoss,
    fromStep: tail[0][0],
    toStep: last,
    points: tail.length,
    fallingFast: -fit.slope * last > Math.max(FAST_FRACTION * Math.max(finalLoss, 0), MIN_DROP),
  };
}

/** How the warning starts: the runner prints the job warnings that start so. */
export const LOSS_TAIL_WARNING = 'training loss still falling at the end';

/** The warning the runner prints and records for a tail still falling fast. */
export function lossTailWarning(t: LossTail): string {
  const drop = (-t.slopePer100 / 100) * t.toStep;
  return (
    `${LOSS_TAIL_WARNING}: slope ${t.slopePer100.toFixed(4)} per 100 steps over steps ` +
    `${t.fromStep}-${t.toStep}, which over the whole run would be ${drop.toFixed(3)} ` +
    `(${((100 * drop) / Math.max(t.finalLoss, Number.EPSILON)).toFixed(0)}% of the final loss ${t.finalLoss.toFixed(3)}). ` +
    'Fix: raise training.steps (or the learning rate) until the curve flattens.'
  );
}
