/**
 * The programmatic API of distill-bench (`import { run, score, gate, report } from 'distill-bench'`):
 * the same entry points the CLI's commands call, without the CLI's printing and exit codes. Bad input
 * throws UsageError (the CLI's exit 2); a run's failed jobs are counted in its result, not thrown.
 * The package's exports map this file through bin/api.mjs (ESM) and bin/api.cjs (CommonJS).
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { metricRegistry } from '../metrics/index.ts';
import type { MetricInfo } from '../metrics/types.ts';
import { runGate, writeGateOutputs } from '../reports/gate/gate.ts';
import { writeReports } from '../reports/index.ts';
import { UsageError } from './errors.ts';
import { registerMetric } from './plugins/register-metric.ts';
import { type RunOptions, runSuite } from './runner/run.ts';
import { loadSuite } from './runner/suite-load.ts';
import { defineSuite } from './runner/suite-schema.ts';
import { runScore, type ScoreOptions } from './score/score.ts';
import { taskRegistry } from './tasks/index.ts';
import { finish, trainStudent } from './techniques/common.ts';
import { techniqueRegistry } from './techniques/index.ts';
import { BatchSampler, encodeAll, lmLoss } from './training/loop.ts';
import { HARNESS_VERSION } from './version.ts';

export type { Direction, MetricInfo, MetricValue } from '../metrics/types.ts';
export type { EvalSplit, Evaluator } from './runner/evaluators.ts';
export type { LoadedSuite } from './runner/suite-load.ts';
export type { Suite, SuiteInput } from './runner/suite-schema.ts';
export type { ScoreOptions, ScoreResult } from './score/score.ts';
export type { Example, SplitName, TaskData, TaskDefinition } from './tasks/types.ts';
export type {
  CostRecord,
  TechniqueContext,
  TechniqueDefinition,
  TechniqueResult,
} from './techniques/types.ts';
/** Building blocks for plugin techniques: what the built-in ones train with. */
export {
  BatchSampler,
  defineSuite,
  encodeAll,
  finish,
  HARNESS_VERSION as version,
  lmLoss,
  metricRegistry,
  registerMetric,
  taskRegistry,
  techniqueRegistry,
  trainStudent,
  UsageError,
};

/** `distill-bench validate`: loads and checks a suite (a built-in name or a file path). */
export function validate(suite: string) {
  return loadSuite(suite);
}

export type ApiRunOptions = Partial<Omit<RunOptions, 'suite'>> & {
  /** Write results.csv, report.html and summary.md at the end (default true). */
  report?: boolean;
};

/**
 * `distill-bench run`: runs or resumes a suite into a run directory. Defaults differ from the CLI's
 * only where a library must be quiet: no progress output, in-process (workers: 0).
 */
export function run(suite: string, opts: ApiRunOptions = {}) {
  const { report: wantReport = true, ...rest } = opts;
  return runSuite({
    workers: 0,
    progress: 'silent',
    afterRun: wantReport ? (dir) => writeReports(dir) : undefined,
    ...rest,
    suite,
  });
}

/** `distill-bench score`: metrics on recorded responses of any models, written as a run directory. */
export function score(opts: ScoreOptions) {
  return runScore(opts);
}

export interface ApiGateOptions {
  baseline: string;
  /** `metric=value` absolute tolerances, as the CLI's --tolerance. */
  tolerances?: string[];
  config?: string;
  strictEnv?: boolean;
  failOnMissing?: boolean;
  /** Where gate.md, gate.junit.xml and gate.json go (default: the run directory); false: write nothing. */
  out?: string | false;
}

/** `distill-bench gate`: compares a run with a baseline; `verdict.exitCode` is what the CLI exits with. */
export function gate(runDir: string, opts: ApiGateOptions) {
  const result = runGate({
    candidate: runDir,
    baseline: opts.baseline,
    tolerances: opts.tolerances,
    config: opts.config,
    strictEnv: opts.strictEnv,
    failOnMissing: opts.failOnMissing,
    lookup: (id) => (metricRegistry.has(id) ? (metricRegistry.get(id) as MetricInfo) : undefined),
    registeredMetrics: metricRegistry.ids(),
  });
  if (opts.out !== false)
    writeGateOutputs(result, opts.out ?? (statSync(runDir).isDirectory() ? runDir : dirname(runDir)));
  return result;
}

/** `distill-bench report`: rebuilds results.csv, examples.csv, report.html and summary.md. */
export function report(runDir: string, opts: { maxExamples?: number } = {}): void {
  writeReports(runDir, { capPerJobSplit: opts.maxExamples });
}

// One instance per process, found by bin/api.cjs: CommonJS plugins must register into the same
// registries as the ESM harness that runs the suite.

(globalThis as Record<symbol, unknown>)[Symbol.for('distill-bench.api')] ??= Object.freeze({
  defineSuite,
  run,
  score,
  gate,
  report,
  validate,
  registerMetric,
  taskRegistry,
  techniqueRegistry,
  metricRegistry,
  UsageError,
  version: HARNESS_VERSION,
  BatchSampler,
  encodeAll,
  lmLoss,
  trainStudent,
  finish,
});
