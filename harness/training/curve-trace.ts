import type { CurveTrace } from '../core/run-dir-types.ts';
import type { StepLog } from './optimizer.ts';

/** At most about this many points per job go into jobs.jsonl. */
export const CURVE_POINTS = 200;

const finite = (v: number | undefined, digits: number): number | null =>
  v !== undefined && Number.isFinite(v) ? +v.toFixed(digits) : null;

/**
 * A job's training history subsampled for jobs.jsonl: `curve` ([step, total], as always) and
 * `trace` at the same steps (learning rate, every loss term, global gradient norm). Terms a step
 * did not log are null there, as are non-finite values.
 */
export function sampleHistory(history: readonly StepLog[]): { curve: [number, number][]; trace: CurveTrace } {
  const every = Math.max(1, Math.ceil(history.length / CURVE_POINTS));
  const kept = history.filter((_, i) => i % every === 0);
  const curve = kept.map((h) => [h.step, +h.terms.total.toFixed(5)] as [number, number]);
  const names = [...new Set(kept.flatMap((h) => Object.keys(h.terms)))];
  const trace: CurveTrace = {
    lr: kept.map((h) => +h.lr.toPrecision(6)),
    terms: Object.fromEntries(names.map((n) => [n, kept.map((h) => finite(h.terms[n], 5))])),
    gradNorm: kept.map((h) => (Number.isFinite(h.gradNorm) ? +h.gradNorm.toPrecision(6) : null)),
  };
  return { curve, trace };
}
