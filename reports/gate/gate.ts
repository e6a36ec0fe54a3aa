/**
 * `distill-bench gate`: reads both sides, compares every shared (technique, student, task, split,
 * metric), checks the environments, and decides the exit code:
 *   0 no regression; 1 at least one regression (or a missing row with --fail-on-missing);
 *   2 bad input, a refused comparison (metric signatures differ) or, with --strict-env, any
 *     environment difference. Outputs are written in every case where both sides could be read.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../harness/errors.ts';
import { writeAtomic } from '../../harness/fs-atomic.ts';
import { compareSides } from './compare.ts';
import {
  checkMetricNames,
  DEFAULT_LEVEL,
  DEFAULT_TOLERANCE,
  type GateConfig,
  gatedMetricFilter,
  type MetricLookup,
  parseToleranceArgs,
  readGateConfig,
  toleranceResolver,
} from './config.ts';
import { describeDifference, environmentDifferences } from './environment.ts';
import { loadSide } from './load.ts';
import { renderJunit } from './render-junit.ts';
import { renderMarkdown } from './render-markdown.ts';
import { labelOf } from './series.ts';
import type { Comparison, GateResult, GateSide, Outcome } from './types.ts';

export interface GateOptions {
  candidate: string;
  baseline: string;
  /** Raw `--tolerance` values (metric=value, comma-joined allowed). */
  tolerances?: string[];
  config?: string;
  strictEnv?: boolean;
  failOnMissing?: boolean;
  /** Metric registry lookup (metrics/index.ts in the CLI; a stub in unit tests). */
  lookup: MetricLookup;
  /** Every registered metric id, for checking names given in flags and gate.yaml. */
  registeredMetrics: readonly string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function countOutcomes(comparisons: Comparison[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = {
    pass: 0,
    improved: 0,
    regression: 0,
    inconclusive: 0,
    refused: 0,
  };
  for (const c of comparisons) counts[c.outcome]++;
  return counts;
}

/** Compares two loaded sides (the testable core; no file reading except through `config`). */
export function gateSides(
  cand: GateSide,
  base: GateSide,
  opts: Omit<GateOptions, 'candidate' | 'baseline' | 'config'>,
  config: GateConfig = {},
  configFile = 'gate.yaml',
): GateResult {
  const present = [...new Set([...cand.series, ...base.series].map((s) => s.metric))];
  const known = [...new Set([...opts.registeredMetrics, ...present])];
  const cli = parseToleranceArgs(opts.tolerances ?? []);
  checkMetricNames(Object.keys(cli), known, '--tolerance');
  checkMetricNames(Object.keys(config.tolerances ?? {}), known, `${configFile} field 'tolerances'`);
  checkMetricNames(config.metrics ?? [], known, `${configFile} field 'metrics'`);
  checkMetricNames(config.exclude ?? [], known, `${configFile} field 'exclude'`);
  const level = config.level ?? DEFAULT_LEVEL;
  const strictEnv = opts.strictEnv || config.strictEnv === true;
  const failOnMissing = opts.failOnMissing || config.failOnMissing === true;

  const { comparisons, missing, notGated } = compareSides(cand.series, base.series, {
    level,
    directionOf: (m) => opts.lookup(m)?.direction,
    toleranceOf: toleranceResolver(opts.lookup, config, cli),
    isGated: gatedMetricFilter(config),
  });
  if (comparisons.length === 0) {
    const listed = missing
      .slice(0, 10)
      .map((m) => `  ${labelOf(m)} (missing in ${m.missingIn})`)
      .join('\n');
    throw new UsageError(
      `gate: nothing to compare: ${cand.source} and ${base.source} share no (technique, student, task, split, metric) with a gated metric.` +
        `${listed ? `\n${listed}${missing.length > 10 ? `\n  … and ${missing.length - 10} more` : ''}` : ''}\nFix: gate a run of the same suite as the baseline.`,
    );
  }

  const warnings: string[] = [];
  const errors: string[] = [];
  let differences: GateResult['environment']['differences'] = [];
  const compared = Boolean(cand.env && base.env);
  if (cand.env && base.env) {
    differences = environmentDifferences(base.env, cand.env);
    for (const d of differences) warnings.push(`environment: ${describeDifference(d)}`);
    if (strictEnv && differences.length)
      errors.push(`--strict-env: the environments differ (${differences.map((d) => d.field).join(', ')})`);
  } else {
    const which = cand.env ? base : cand;
    warnings.push(
      `environment not compared: ${which.source} has no manifest (a CSV without manifest.json beside it)`,
    );
    if (strictEnv) errors.push(`--strict-env: cannot check the environment of ${which.source} (no manifest)`);
  }
  const unregistered = [
    ...new Set(comparisons.filter((c) => !opts.lookup(c.metric)).map((c) => c.metric)),
  ].sort();
  for (const m of unregistered) {
    const t = comparisons.find((c) => c.metric === m)!;
    const tol =
      t.toleranceSource === 'default'
        ? `the default tolerance ${DEFAULT_TOLERANCE}`
        : `tolerance ${t.tolerance} (${t.toleranceSource})`;
    warnings.push(
      `metric '${m}' is not in the metric registry: using the rows' direction ('${t.direction}') and ${tol}`,
    );
  }
  if (notGated.length) warnings.push(`not gated (gate config): ${notGated.join(', ')}`);
  for (const c of comparisons.filter((x) => x.outcome === 'refused')) {
    errors.push(
      c.refusedFor === 'units'
        ? `refused ${labelOf(c)}: ${c.reason}`
        : `refused ${labelOf(c)}: metric '${c.metric}' ${c.reason}`,
    );
  }
  const counts = { ...countOutcomes(comparisons), missing: missing.length };
  const failingMissing = failOnMissing ? missing.length : 0;
  const exitCode: 0 | 1 | 2 = errors.length ? 2 : counts.regression || failingMissing ? 1 : 0;
  const failures = [
    counts.regression ? plural(counts.regression, 'regression') : '',
    failingMissing ? plural(failingMissing, 'missing row') : '',
  ].filter(Boolean);
  let headline: string;
  if (exitCode === 2) {
    const refusedUnits = comparisons.filter((c) => c.refusedFor === 'units').length;
    const refusedSig = counts.refused - refusedUnits;
    const parts = [
      refusedSig ? `${plural(refusedSig, 'comparison')} refused (metric signatures differ)` : '',
      refusedUnits
        ? `${plural(refusedUnits, 'comparison')} refused (per-prompt values do not match the results)`
        : '',
      errors.some((e) => e.startsWith('--strict-env')) ? 'environment differs (--strict-env)' : '',
      ...failures,
    ];
    headline = `⛔ ${parts.filter(Boolean).join(', ')}`;
  } else if (exitCode === 1) headline = `❌ ${failures.join(', ')}`;
  // A green check over mostly-undecided comparisons would read as "all good" when the run cannot tell.
  else if (counts.inconclusive * 2 > comparisons.length)
    headline = `❔ inconclusive: ${counts.inconclusive} of ${comparisons.length} comparisons undecided, no regressions`;
  else headline = '✅ no regressions';
  return {
    schemaVersion: 1,
    candidate: cand.source,
    baseline: base.source,
    level,
    verdict: { exitCode, headline },
    counts,
    comparisons,
    missing,
    failOnMissing,
    environment: { compared, differences, strict: strictEnv },
    warnings,
    errors,
  };
}

export function runGate(opts: GateOptions): GateResult {
  const config = opts.config ? readGateConfig(opts.config) : {};
  const cand = loadSide(opts.candidate, 'candidate');
  const base = loadSide(opts.baseline, 'baseline');
  return gateSides(cand, base, opts, config, opts.config);
}

/** Writes gate.md, gate.junit.xml and gate.json into `dir`; returns their paths. */
export function writeGateOutputs(result: GateResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['gate.md', renderMarkdown(result)],
    ['gate.junit.xml', renderJunit(result)],
    ['gate.json', `${JSON.stringify(result, null, 2)}\n`],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeAtomic(path, text);
    return path;
  });
}
