/**
 * The run directory's row and file types: the contract every layer shares (the runner writes it;
 * reports, gate, merge, score and leaderboard read it through harness/core/run-dir-read.ts). Their
 * zod schemas are in harness/core/run-dir-schema.ts; harness/runner/run-dir.ts documents the layout.
 */
/** Which job a row belongs to: every row of every file carries these. */
export interface JobIdentity {
  jobKey: string;
  task: string;
  technique: string;
  student: string;
  seed: number;
}

export interface ResultRow extends JobIdentity {
  schemaVersion: number;
  /** Evaluation split: 'test' (in-domain), 'ood', or 'probes' (identity). */
  split: string;
  metric: string;
  value: number;
  signature: string;
  direction: 'higher' | 'lower';
  /** Reference rows (teacher, oracle, weak-to-strong's weak/strong-ceiling, a peer); absent for a student row. */
  role?: ResultRole;
}

export const RESULT_ROLES = ['teacher', 'oracle', 'weak', 'strong-ceiling', 'peer'] as const;
export type ResultRole = (typeof RESULT_ROLES)[number];

export interface JobRecord extends JobIdentity {
  schemaVersion: number;
  kind: 'student' | 'teacher' | 'score';
  status: 'ok' | 'failed';
  error?: string;
  /**
   * CostRecord of harness/techniques/types.ts for student jobs, plus the runner's `lossTailSlope`
   * (harness/training/loss-tail.ts; absent when the curve's tail is too short) and its warning.
   */
  cost?: Record<string, unknown>;
  /** Loss per step, subsampled to at most ~200 points: [step, total]. */
  curve?: [number, number][];
  /**
   * The same steps as `curve`, in more detail: learning rate, every loss term the technique logs
   * (`total` included) and the global gradient norm before clipping; null where a value was not
   * finite. Absent in run dirs written before it was recorded.
   */
  trace?: CurveTrace;
  /** Teacher × teacher answer disagreement (conflict heat map), when the job measured it. */
  teacherDisagreement?: { teachers: string[]; matrix: number[][] };
}

export interface CurveTrace {
  lr: number[];
  terms: Record<string, (number | null)[]>;
  gradNorm: (number | null)[];
}

export interface ExampleRow extends JobIdentity {
  split: string;
  id: string;
  prompt: string;
  reference: string;
  response: string;
  teacherResponse?: string;
  correct?: boolean;
  /** This example's gold NLL, nats per response token (metrics/gold-nll.ts), when the job measured it. */
  goldNll?: number;
  /** The number of response tokens that NLL is a mean over. */
  goldTokens?: number;
}

export interface Manifest {
  schemaVersion: number;
  harnessVersion: string;
  gitSha: string | null;
  suite: { name: string; hash: string; file?: string };
  backend: string;
  environment: Record<string, unknown>;
  seeds: number[];
  metricSignatures: Record<string, string>;
  startedAt: string;
  endedAt?: string;
  jobs: {
    key: string;
    kind: string;
    /** 'skipped': a student whose teacher missed its quality floor (never run). */
    status: 'pending' | 'ok' | 'failed' | 'cached' | 'skipped';
    error?: string;
    wallTimeMs?: number;
    label: string;
  }[];
  warnings: string[];
}

export interface RunDir {
  manifest: Manifest;
  results: ResultRow[];
  jobs: JobRecord[];
  examples: ExampleRow[];
}

/**
 * One prompt's (or probe's) value of a metric whose cell value is a mean over units. Contract:
 * the cell's value in results.jsonl equals unitsMean of its rows (a dataset cell has one stratum,
 * a macro cell one stratum per dataset). The gate resamples these to put a CI on a single run.
 */
export interface UnitRow extends JobIdentity {
  schemaVersion: number;
  split: string;
  metric: string;
  /** The prompt id (an identity probe's prompt_id for ICE). */
  unit: string;
  /** The dataset the unit belongs to. */
  stratum: string;
  value: number;
  /** The cell's metric signature, as in results.jsonl. */
  signature: string;
}

/** Everything one finished job produced; stored whole in jobs/<key>.json before any append. */
export interface JobOutput {
  record: JobRecord;
  results: ResultRow[];
  examples: ExampleRow[];
}
