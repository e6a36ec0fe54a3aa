/**
 * Types of the regression gate (`distill-bench gate`). A "side" is one set of per-seed values
 * (the candidate run, or the baseline: run dir, baseline.json or per-seed CSV); the gate pairs the
 * two sides' series by key and classifies each difference candidate − baseline.
 */
import type { Direction } from '../../metrics/types.ts';

/** What identifies one gated comparison. */
export interface SeriesKey {
  technique: string;
  student: string;
  task: string;
  split: string;
  metric: string;
}

/** Per-seed values of one key on one side. */
export interface Series extends SeriesKey {
  direction: Direction;
  /** seed → metric signature (every seed with a row, numeric value or not). */
  signatures: Record<string, string>;
  /** seed → value; only finite numbers (others are listed in `dropped`). */
  values: Record<string, number>;
  /** Seeds whose value was not a finite number (a diverged job writes null): excluded, reported. */
  dropped: string[];
  /** Per-prompt values of a single-seed cell (a score run's units.jsonl), when the side has them. */
  units?: UnitValues;
  /** The side's units file, when it has one (with or without rows for this key). */
  unitsFile?: string;
}

/** One cell's units on one side: stratum (dataset) → prompt id → value. */
export interface UnitValues {
  seed: string;
  signature: string;
  strata: Record<string, Record<string, number>>;
}

/** The manifest facts the environment check compares (a run's manifest minus its job list). */
export interface EnvironmentInfo {
  harnessVersion?: string;
  gitSha?: string | null;
  backend?: string;
  environment?: Record<string, unknown>;
  metricSignatures?: Record<string, string>;
  suite?: { name: string; hash: string; file?: string };
  seeds?: number[];
}

export interface GateSide {
  /** Path as given on the command line. */
  source: string;
  kind: 'run-dir' | 'baseline-json' | 'csv';
  /** Absent for a CSV with no manifest.json beside it. */
  env?: EnvironmentInfo;
  series: Series[];
}

/**
 * pass: the CI's bad end is not strictly beyond the tolerance (a regression larger than the
 *       tolerance is ruled out); improved: a pass whose whole CI is strictly beyond the tolerance in
 *       the good direction; regression: the whole CI is strictly beyond the tolerance in the bad
 *       direction; inconclusive: neither (the CI straddles the bad-side tolerance, or there is no
 *       CI); refused: metric signatures differ, the numbers are not comparable.
 */
export type Outcome = 'pass' | 'improved' | 'regression' | 'inconclusive' | 'refused';

export type ToleranceSource = 'registry' | 'default' | 'config' | 'cli';

export interface Comparison extends SeriesKey {
  direction: Direction;
  outcome: Outcome;
  /** Why this outcome, in one sentence with the numbers. */
  reason: string;
  /** `signature`: the side's distinct signatures, comma-joined (one, unless it varies by seed). */
  baseline: { mean: number; n: number; signature: string };
  candidate: { mean: number; n: number; signature: string };
  /** candidate − baseline (mean over seeds, or mean of paired differences). */
  diff: number;
  ci: { lo: number | null; hi: number | null; level: number };
  method: 'paired-t' | 'welch' | 'paired-bootstrap-prompts' | 'none';
  /** Two-sided p of the t test on the difference (null without a CI). */
  p: number | null;
  tolerance: number;
  toleranceSource: ToleranceSource;
  /** Seeds present on one side only, values that were not numbers, direction disagreements. */
  notes: string[];
  /** With method 'paired-bootstrap-prompts': what was resampled. */
  bootstrap?: {
    /** Prompt ids present on both sides (over all strata), the units that were paired. */
    shared: number;
    onlyCandidate: number;
    onlyBaseline: number;
    strata: number;
    resamples: number;
    seed: string;
  };
  /** Why a comparison was refused: the signatures differ, or units.jsonl does not match the results. */
  refusedFor?: 'signature' | 'units';
}

export interface MissingRow extends SeriesKey {
  /** 'candidate' = the baseline has it and the candidate does not. */
  missingIn: 'candidate' | 'baseline';
}

export interface EnvDifference {
  field: string;
  baseline: string;
  candidate: string;
}

export interface GateResult {
  schemaVersion: 1;
  candidate: string;
  baseline: string;
  level: number;
  verdict: { exitCode: 0 | 1 | 2; headline: string };
  counts: Record<Outcome, number> & { missing: number };
  comparisons: Comparison[];
  missing: MissingRow[];
  /** Whether missing rows fail the gate (--fail-on-missing / failOnMissing in gate.yaml). */
  failOnMissing: boolean;
  environment: { compared: boolean; differences: EnvDifference[]; strict: boolean };
  /** Human-readable warnings (environment differences, unknown metrics, skipped checks). */
  warnings: string[];
  /** Messages for exit 2 (refused comparisons, --strict-env). */
  errors: string[];
}
