/**
 * The committed baseline file written by `distill-bench baseline save` and read by `gate --baseline`:
 * per-seed values per (technique, student, task, split, metric) with signature and direction, plus
 * the run's environment for the environment check. No job list, no examples, no timestamps of its
 * own, so saving the same run twice gives the same bytes and a diff shows only changed numbers.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../../harness/errors.ts';
import type { RunDir, UnitRow } from '../../harness/runner/run-dir.ts';
import { compareKeys, keyOf, seriesFromRows, sortedSeeds } from './series.ts';
import type { EnvironmentInfo, GateSide } from './types.ts';
import { attachUnits } from './units.ts';

export const BASELINE_SCHEMA_VERSION = 1;
export const BASELINE_KIND = 'distill-bench-baseline';

const EntrySchema = z.object({
  technique: z.string(),
  student: z.string(),
  task: z.string(),
  split: z.string(),
  metric: z.string(),
  direction: z.enum(['higher', 'lower']),
  /** Signature of the lowest seed; `signatures` lists only the seeds whose signature differs. */
  signature: z.string(),
  signatures: z.record(z.string(), z.string()).optional(),
  /** seed → value; null where the run recorded no finite value. */
  values: z.record(z.string(), z.number().nullable()),
  /**
   * seed → stratum (dataset) → prompt id → value: a score run's per-prompt values (units.jsonl), so a
   * committed baseline can be gated over prompts like the run directory it came from.
   */
  units: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.number()))).optional(),
});

const BaselineSchema = z.object({
  schemaVersion: z.literal(BASELINE_SCHEMA_VERSION),
  kind: z.literal(BASELINE_KIND),
  source: z.object({
    harnessVersion: z.string(),
    gitSha: z.string().nullable(),
    suite: z.object({ name: z.string(), hash: z.string(), file: z.string().optional() }),
    backend: z.string(),
    environment: z.record(z.string(), z.unknown()),
    seeds: z.array(z.number()),
    metricSignatures: z.record(z.string(), z.string()),
    startedAt: z.string(),
    endedAt: z.string().optional(),
  }),
  entries: z.array(EntrySchema),
});

export type BaselineFile = z.infer<typeof BaselineSchema>;
type Entry = z.infer<typeof EntrySchema>;

/** The baseline of a run directory (what `baseline save` writes), with its units.jsonl rows if any. */
export function baselineFromRun(run: RunDir, unitRows: readonly UnitRow[] = []): BaselineFile {
  const m = run.manifest;
  const series = seriesFromRows(run.results, 'results.jsonl');
  const unitsByKey = groupUnits(unitRows);
  const entries: Entry[] = series.map((s) => {
    const values: Record<string, number | null> = {};
    for (const seed of sortedSeeds(s.values)) values[seed] = s.values[seed];
    for (const seed of s.dropped) values[seed] = null;
    const seeds = sortedSeeds(s.signatures);
    const signature = s.signatures[seeds[0]];
    const differing = seeds.filter((x) => s.signatures[x] !== signature);
    return {
      technique: s.technique,
      student: s.student,
      task: s.task,
      split: s.split,
      metric: s.metric,
      direction: s.direction,
      signature,
      ...(differing.length
        ? { signatures: Object.fromEntries(differing.map((x) => [x, s.signatures[x]])) }
        : {}),
      values,
      ...(unitsByKey.has(keyOf(s)) ? { units: unitsByKey.get(keyOf(s)) } : {}),
    };
  });
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    kind: BASELINE_KIND,
    source: {
      harnessVersion: m.harnessVersion,
      gitSha: m.gitSha,
      suite: m.suite,
      backend: m.backend,
      environment: m.environment,
      seeds: m.seeds,
      metricSignatures: Object.fromEntries(
        Object.entries(m.metricSignatures).sort(([a], [b]) => a.localeCompare(b)),
      ),
      startedAt: m.startedAt,
      ...(m.endedAt ? { endedAt: m.endedAt } : {}),
    },
    entries: entries.sort(compareKeys),
  };
}

type UnitTree = Record<string, Record<string, Record<string, number>>>;

/** Unit rows as series key → seed → stratum → unit → value, every level in sorted order (stable bytes). */
function groupUnits(rows: readonly UnitRow[]): Map<string, UnitTree> {
  const out = new Map<string, UnitTree>();
  const sorted = [...rows].sort(
    (a, b) =>
      a.seed - b.seed ||
      a.stratum.localeCompare(b.stratum) ||
      (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0),
  );
  for (const r of sorted) {
    const tree = out.get(keyOf(r)) ?? {};
    out.set(keyOf(r), tree);
    tree[r.seed] ??= {};
    tree[r.seed][r.stratum] ??= {};
    tree[r.seed][r.stratum][r.unit] = r.value;
  }
  return out;
}

/** Pretty JSON with one entry per line: small, and line diffs follow the numbers that changed. */
export function serializeBaseline(b: BaselineFile): string {
  const head = JSON.stringify({ schemaVersion: b.schemaVersion, kind: b.kind, source: b.source }, null, 2);
  const entries = b.entries.map((e) => `    ${JSON.stringify(e)}`).join(',\n');
  return `${head.slice(0, -2)},\n  "entries": [\n${entries}\n  ]\n}\n`;
}

function zodMessage(file: string, err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${file}: field '${i.path.join('.') || '(root)'}': ${i.message}`)
    .join('\n');
}

export function parseBaseline(text: string, file: string): BaselineFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `${file}: not valid JSON (${(err as Error).message}). Fix: regenerate it with \`distill-bench baseline save <run-dir> --out ${file}\`.`,
      { file },
    );
  }
  const kind = (raw as { kind?: unknown } | null)?.kind;
  if (kind !== BASELINE_KIND) {
    throw new UsageError(
      `${file}: not a distill-bench baseline (field 'kind' is ${JSON.stringify(kind)}, expected '${BASELINE_KIND}'). Fix: write it with \`distill-bench baseline save\`.`,
      { file, field: 'kind' },
    );
  }
  const parsed = BaselineSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(
      `${zodMessage(file, parsed.error)}\nFix: regenerate it with \`distill-bench baseline save <run-dir> --out ${file}\`.`,
      { file },
    );
  }
  return parsed.data;
}

export function environmentOfBaseline(b: BaselineFile): EnvironmentInfo {
  const { harnessVersion, gitSha, backend, environment, metricSignatures, suite, seeds } = b.source;
  return { harnessVersion, gitSha, backend, environment, metricSignatures, suite, seeds };
}

export function readBaselineFile(file: string): GateSide {
  const b = parseBaseline(readFileSync(file, 'utf8'), file);
  const rows = b.entries.flatMap((e) =>
    Object.entries(e.values).map(([seed, value]) => ({
      ...e,
      seed,
      value,
      signature: e.signatures?.[seed] ?? e.signature,
    })),
  );
  const series = seriesFromRows(rows, file);
  const unitRows = b.entries.flatMap((e) =>
    Object.entries(e.units ?? {}).flatMap(([seed, strata]) =>
      Object.entries(strata).flatMap(([stratum, units]) =>
        Object.entries(units).map(
          ([unit, value]): UnitRow => ({
            schemaVersion: 1,
            jobKey: '',
            task: e.task,
            technique: e.technique,
            student: e.student,
            seed: Number(seed),
            split: e.split,
            metric: e.metric,
            unit,
            stratum,
            value,
            signature: e.signatures?.[seed] ?? e.signature,
          }),
        ),
      ),
    ),
  );
  if (unitRows.length) attachUnits(series, unitRows, file);
  return { source: file, kind: 'baseline-json', env: environmentOfBaseline(b), series };
}
