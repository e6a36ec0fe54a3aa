/**
 * Gate settings: gate.yaml (validated with zod; errors name the file and field) and the
 * `--tolerance metric=value` flags. Tolerance precedence, lowest first: the metric registry's
 * default, DEFAULT_TOLERANCE for metrics the registry does not know, gate.yaml, --tolerance.
 *
 *   # gate.yaml
 *   level: 0.95                 # confidence level of the difference CI
 *   tolerances: { accuracy: 0.02, wer: 0.01 }
 *   metrics: [accuracy, wer]    # gate only these (default: every metric on both sides)
 *   exclude: [distinct-2]       # never gate these
 *   strictEnv: false            # same as --strict-env
 *   failOnMissing: false        # same as --fail-on-missing
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../../harness/errors.ts';
import { suggest } from '../../harness/registry.ts';
import type { MetricInfo } from '../../metrics/types.ts';
import type { ToleranceSource } from './types.ts';

/** Tolerance of a metric the registry does not know: 0, i.e. fail on any regression the CI is sure of. */
export const DEFAULT_TOLERANCE = 0;
export const DEFAULT_LEVEL = 0.95;

const tolerance = z.number().finite().nonnegative();

const GateConfigSchema = z
  .object({
    level: z.number().gt(0).lt(1).optional(),
    tolerances: z.record(z.string(), tolerance).optional(),
    metrics: z.array(z.string()).min(1).optional(),
    exclude: z.array(z.string()).optional(),
    strictEnv: z.boolean().optional(),
    failOnMissing: z.boolean().optional(),
  })
  .strict();

export type GateConfig = z.infer<typeof GateConfigSchema>;

export function parseGateConfig(text: string, file: string): GateConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (err) {
    throw new UsageError(`${file}: not valid YAML (${(err as Error).message}).`, { file });
  }
  const parsed = GateConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.') || '(root)';
    const keys =
      issue.code === 'unrecognized_keys'
        ? ` (${issue.keys.join(', ')}; allowed: ${Object.keys(GateConfigSchema.shape).join(', ')})`
        : '';
    throw new UsageError(`${file}: field '${field}': ${issue.message}${keys}.`, { file, field });
  }
  return parsed.data;
}

export function readGateConfig(file: string): GateConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`--config ${file}: cannot read the file. Fix: pass the path of a gate.yaml.`, {
      file,
    });
  }
  return parseGateConfig(text, file);
}

/** Parses `--tolerance` values: "accuracy=0.02", also several joined by commas. */
export function parseToleranceArgs(args: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const arg of args.flatMap((a) => a.split(',')).filter((a) => a.trim())) {
    const m = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(arg);
    const value = m ? Number(m[2]) : Number.NaN;
    if (!m || !Number.isFinite(value) || value < 0) {
      throw new UsageError(
        `--tolerance '${arg}': expected metric=value with a value ≥ 0, e.g. --tolerance accuracy=0.02.`,
        { field: '--tolerance' },
      );
    }
    out[m[1]] = value;
  }
  return out;
}

/** Refuses tolerances or metric lists naming metrics that are neither registered nor in either side. */
export function checkMetricNames(names: readonly string[], known: readonly string[], where: string): void {
  for (const name of names) {
    if (known.includes(name)) continue;
    const close = suggest(name, known);
    const hint = close.length ? ` Did you mean: ${close.map((c) => `'${c}'`).join(', ')}?` : '';
    throw new UsageError(
      `${where}: unknown metric '${name}'.${hint} Metrics here: ${[...known].sort().join(', ')}.`,
      { field: where },
    );
  }
}

export type MetricLookup = (id: string) => MetricInfo | undefined;

export function toleranceResolver(
  lookup: MetricLookup,
  config: GateConfig,
  cli: Readonly<Record<string, number>>,
): (metric: string) => { tolerance: number; source: ToleranceSource } {
  return (metric) => {
    if (metric in cli) return { tolerance: cli[metric], source: 'cli' };
    const fromConfig = config.tolerances?.[metric];
    if (fromConfig !== undefined) return { tolerance: fromConfig, source: 'config' };
    const info = lookup(metric);
    if (info) return { tolerance: info.tolerance, source: 'registry' };
    return { tolerance: DEFAULT_TOLERANCE, source: 'default' };
  };
}

export function gatedMetricFilter(config: GateConfig): (metric: string) => boolean {
  const only = config.metrics ? new Set(config.metrics) : undefined;
  const exclude = new Set(config.exclude ?? []);
  return (metric) => (!only || only.has(metric)) && !exclude.has(metric);
}
