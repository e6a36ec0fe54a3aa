/**
 * Per-prompt units (units.jsonl of a score run) in the gate. A score run has one value per cell,
 * so the seed-based intervals have n = 1; for the metrics that are means over prompts the run dir
 * also holds each prompt's value, and the gate compares the two sides paired by prompt id with a
 * bootstrap over prompts (bootstrap.ts). Before resampling, each side's units must average to the
 * value in its results.jsonl: otherwise the units belong to other numbers and the CI would be about
 * something the gate does not report, so the comparison is refused (exit 2).
 */
import { UsageError } from '../../harness/errors.ts';
import { type UnitRow, unitsMatchValue, unitsMean } from '../../harness/runner/run-dir.ts';
import { BOOTSTRAP_RESAMPLES, pairedBootstrap } from './bootstrap.ts';
import { keyOf, labelOf } from './series.ts';
import type { Comparison, Series, UnitValues } from './types.ts';

export const UNITS_METHOD = 'paired-bootstrap-prompts';
/** Fewer shared prompts than this in a dataset and the bootstrap's percentiles are too coarse to trust. */
export const MIN_SHARED_UNITS = 10;

/**
 * Attaches each single-seed series its units (rows whose key and seed match), and to every series
 * the file name, so a comparison can tell "no units file" from "no units for this metric". Units of
 * keys the results lack are ignored: there is no value to compare them with.
 */
export function attachUnits(series: Series[], rows: readonly UnitRow[], file: string): void {
  const byKey = new Map<string, UnitValues>();
  for (const r of rows) {
    const k = JSON.stringify([keyOf(r), String(r.seed)]);
    let u = byKey.get(k);
    if (!u) {
      u = { seed: String(r.seed), signature: r.signature, strata: {} };
      byKey.set(k, u);
    }
    if (u.signature !== r.signature || typeof r.value !== 'number' || !Number.isFinite(r.value)) {
      throw new UsageError(
        `${file}: ${labelOf(r)} unit '${r.unit}': ${u.signature !== r.signature ? `signature '${r.signature}' differs from '${u.signature}' of the cell's other units` : `value ${r.value} is not a finite number`}. ` +
          'Fix: rescore with `distill-bench score` instead of editing units.jsonl.',
        { file },
      );
    }
    const name = r.stratum ?? r.task;
    u.strata[name] ??= {};
    const stratum = u.strata[name];
    if (r.unit in stratum && stratum[r.unit] !== r.value) {
      throw new UsageError(
        `${file}: ${labelOf(r)} unit '${r.unit}' of '${r.stratum}' has two values (${stratum[r.unit]} and ${r.value}). ` +
          'Fix: rescore with `distill-bench score` instead of concatenating files.',
        { file },
      );
    }
    stratum[r.unit] = r.value;
  }
  for (const s of series) {
    s.unitsFile = file;
    const seeds = Object.keys(s.values);
    if (seeds.length === 1) {
      const u = byKey.get(JSON.stringify([keyOf(s), seeds[0]]));
      if (u) s.units = u;
    }
  }
}

export type UnitsOutcome =
  | { kind: 'ci'; lo: number; hi: number; diff: number; notes: string[]; bootstrap: Comparison['bootstrap'] }
  | { kind: 'inconclusive'; reason: string }
  | { kind: 'refused'; reason: string };

const flatten = (u: UnitValues) =>
  Object.entries(u.strata).flatMap(([stratum, m]) => Object.values(m).map((value) => ({ stratum, value })));

/** A side's units disagree with its own results (signature or mean): the refusal reason, or undefined. */
function mismatch(s: Series, role: string): string | undefined {
  const u = s.units!;
  const value = s.values[u.seed];
  const file = s.unitsFile ?? 'units.jsonl';
  if (value === undefined)
    return `the ${role}'s ${file} has units for seed ${u.seed}, its results for seed ${Object.keys(s.values).join(', ')}`;
  if (u.signature !== s.signatures[u.seed])
    return `the ${role}'s ${file} has signature '${u.signature}', its results '${s.signatures[u.seed]}'`;
  const mean = unitsMean(flatten(u));
  if (!unitsMatchValue(mean, value))
    return `the ${role}'s per-prompt values in ${file} average to ${mean}, but its results say ${value}: they do not belong to these results (rescore instead of editing either file)`;
  return undefined;
}

/**
 * The units comparison of one single-seed cell, or undefined when neither side has a units file
 * (a training run: the seed-based message applies unchanged).
 */
export function compareUnits(cand: Series, base: Series, level: number): UnitsOutcome | undefined {
  if (!cand.unitsFile && !base.unitsFile) return undefined;
  for (const [s, role] of [
    [base, 'baseline'],
    [cand, 'candidate'],
  ] as const) {
    if (!s.unitsFile)
      return {
        kind: 'inconclusive',
        reason: `the ${role} has no per-prompt units (a CSV, a training run, or a score run or baseline.json from before units were written), so no prompts can be paired; pass score run directories, or baselines saved from them, on both sides`,
      };
  }
  if (!cand.units || !base.units) {
    const side = !cand.units && !base.units ? 'either side' : !cand.units ? 'the candidate' : 'the baseline';
    return {
      kind: 'inconclusive',
      reason: `'${cand.metric}' has no per-prompt values on ${side}: only metrics that are means over prompts (RSE, accuracy, ICE, judge scores) have them; corpus-level ones (WER, distinct-n, homogenization) do not, so one run gives them no CI`,
    };
  }
  const bad = mismatch(base, 'baseline') ?? mismatch(cand, 'candidate');
  if (bad) return { kind: 'refused', reason: bad };

  const strata = [...new Set([...Object.keys(cand.units.strata), ...Object.keys(base.units.strata)])].sort();
  const diffs: number[][] = [];
  let shared = 0;
  let onlyCandidate = 0;
  let onlyBaseline = 0;
  const thin: string[] = [];
  for (const st of strata) {
    const c = cand.units.strata[st] ?? {};
    const b = base.units.strata[st] ?? {};
    // Sorted ids: the resampling order, and so the CI, must not depend on the files' row order.
    const ids = Object.keys(c)
      .filter((id) => id in b)
      .sort();
    onlyCandidate += Object.keys(c).length - ids.length;
    onlyBaseline += Object.keys(b).length - ids.length;
    shared += ids.length;
    if (ids.length < MIN_SHARED_UNITS) thin.push(`'${st}' ${ids.length}`);
    diffs.push(ids.map((id) => c[id] - b[id]));
  }
  if (thin.length) {
    return {
      kind: 'inconclusive',
      reason: `too few prompt ids shared by both sides to pair (${thin.join(', ')}; a paired CI needs ${MIN_SHARED_UNITS} or more per dataset): were both runs scored on the same prompts?`,
    };
  }
  const seed = `${UNITS_METHOD}|${keyOf(cand)}`;
  const r = pairedBootstrap(diffs, { level, seed, resamples: BOOTSTRAP_RESAMPLES });
  const notes: string[] = [];
  if (onlyCandidate || onlyBaseline)
    notes.push(
      `paired over the ${shared} shared prompt ids; ${onlyCandidate} only in the candidate and ${onlyBaseline} only in the baseline are excluded from Δ and its CI`,
    );
  return {
    kind: 'ci',
    lo: r.lo,
    hi: r.hi,
    diff: r.estimate,
    notes,
    bootstrap: { shared, onlyCandidate, onlyBaseline, strata: strata.length, resamples: r.resamples, seed },
  };
}
