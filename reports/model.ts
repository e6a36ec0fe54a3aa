/**
 * The table model every report renders (HTML, summary.md, results.csv). It is built once by
 * `aggregate()` from a run directory, so the three outputs can never disagree about a number.
 */
import type { GapRecovered } from '../metrics/gap-recovered.ts';
import type { Direction } from '../metrics/types.ts';
import type { CurveDetail } from './curve-bands.ts';

/** A report of `distill-bench score` (reports/score-mode.ts detects one). */
export interface ScoreMode {
  /** `--reference-model`: the row marked as reference. */
  referenceModel: string;
}

/**
 * "significant" when the Holm-adjusted p of the paired difference is below 1 − level (equivalently
 * its Holm-level CI excludes 0); "inconclusive" below 3 paired seeds or when every seed gives the
 * same difference (docs/statistics.md).
 */
export type Significance = 'significant' | 'not significant' | 'inconclusive';

export interface Gain {
  /** The technique every gain is measured against. */
  vs: string;
  /** mean(technique − baseline) over the seeds both have; raw units, so negative is better for WER. */
  diff: number;
  ciLow: number | null;
  ciHigh: number | null;
  /** Two-sided p of the paired t test (null below 2 shared seeds). */
  p: number | null;
  /** Shared seeds the difference is paired over. */
  n: number;
  significance: Significance;
  /** Why the difference is inconclusive (set exactly when significance is 'inconclusive'). */
  inconclusiveReason?: string;
  /** Holm-adjusted p over the table's technique-vs-baseline family for this metric (null when untested). */
  pHolm: number | null;
  /** Comparisons in that family (tested ones: k of Holm's correction). */
  holmK: number;
  /** The CI at the level Holm's step for this comparison uses, 1 − α/(k − rank); null when untested. */
  holmCi: { lo: number; hi: number; level: number } | null;
  /** Paired cluster bootstrap (seeds, then examples) where per-example scores exist (accuracy). */
  bootstrap: { lo: number; hi: number; signature: string } | null;
  /** True when the difference goes the metric's good way (higher for accuracy, lower for WER). */
  better: boolean;
  method: string;
}

export interface Cell {
  metric: string;
  mean: number;
  ciLow: number | null;
  ciHigh: number | null;
  /** Seeds with a finite value. */
  n: number;
  /** seed → value (finite values only), for charts and paired differences. */
  values: Record<string, number>;
  /** Seeds whose value was not a finite number (diverged jobs write null). */
  dropped: number[];
  /** The distinct signatures of this cell's values joined by ' ; ' (one unless a convention changed mid-run). */
  signature: string;
  /** Best mean in its table (task × split) for the metric's direction; ties are all best. */
  best: boolean;
  gain?: Gain;
  /** (technique − baseline) / (oracle − baseline) over seeds all three have, when the run has oracle rows. */
  gapRecovered?: GapRecovered;
  /** Performance gap recovered of a weak-to-strong row against its own weak and strong-ceiling references (reports/pgr.ts). */
  pgr?: GapRecovered;
  /** Score runs: ciLow/ciHigh come from a bootstrap over this many prompts, not from seeds (reports/score-mode.ts). */
  promptCi?: { prompts: number; strata: number; method: string };
}

/** Means over seeds of the job cost records (harness/techniques/types.ts CostRecord). */
export interface CostSummary {
  optimizerSteps: number | null;
  teacherForwardTokens: number | null;
  /** Teacher generations (prompts a teacher decoded): routers' savings show here. */
  teacherGenerations: number | null;
  trainableParameters: number | null;
  trainablePctOfTeacher: number | null;
  wallTimeMs: number | null;
  peakRssMB: number | null;
  /** Training-loss slope over the last 10% of the curve, per 100 steps (harness/training/loss-tail.ts). */
  lossTailSlope: number | null;
  /** Jobs the means are over. */
  n: number;
}

export const COST_FIELDS = [
  'optimizerSteps',
  'teacherForwardTokens',
  'teacherGenerations',
  'trainableParameters',
  'trainablePctOfTeacher',
  'wallTimeMs',
  'peakRssMB',
  'lossTailSlope',
] as const;
export type CostField = (typeof COST_FIELDS)[number];

export interface Row {
  technique: string;
  student: string;
  /** Reference rows (teacher, oracle; docs/data-pools.md): no gain, never marked best. Absent: a student. */
  role?: string;
  task: string;
  split: string;
  /** metric id → cell; a metric the row lacks is absent. */
  cells: Record<string, Cell>;
  cost: CostSummary;
}

export interface MetricColumn {
  id: string;
  direction: Direction;
  /** 'registry' when metrics/registry.ts knows the id; 'row' when taken from the results rows. */
  directionSource: 'registry' | 'row';
  description: string;
  family: string;
}

/** One leaderboard table: the rows of one task × split, with the metrics any of them has. */
export interface Table {
  task: string;
  split: string;
  metrics: MetricColumn[];
  rows: Row[];
  /** The metric key findings and cost charts use: gold-nll, else accuracy, else WER, else the first column. */
  primary: string | null;
}

export interface JobNote {
  label: string;
  error: string;
}

export interface ReportHeader {
  suite: string;
  suiteHash: string;
  synthetic: boolean;
  tasks: string[];
  startedAt: string;
  endedAt: string | null;
  backend: string;
  harnessVersion: string;
  gitSha: string | null;
  seeds: number[];
  warnings: string[];
  failedJobs: JobNote[];
}

/** Mean training loss per step over a technique's seeds (from jobs.jsonl `curve`). */
export interface CurveSeries {
  task: string;
  student: string;
  technique: string;
  points: [number, number][];
  seeds: number;
  /** Per loss term, learning rate and gradient norm, with min–max bands over seeds (curve-bands.ts). */
  detail: CurveDetail;
}

/** Teacher × teacher disagreement averaged over the jobs that measured it with the same teachers. */
export interface ConflictMatrix {
  task: string;
  teachers: string[];
  matrix: number[][];
  jobs: number;
}

export interface ReportModel {
  header: ReportHeader;
  /** The technique gains are measured against, or null when the run has no `none` technique. */
  baseline: string | null;
  techniques: string[];
  tables: Table[];
  curves: CurveSeries[];
  conflict: ConflictMatrix[];
  /** Set for a score run (recorded models, no training; reports/score-mode.ts), null for a training run. */
  score: ScoreMode | null;
}
