import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isExactMatch } from '../../metrics/accuracy.ts';
import { UsageError } from '../errors.ts';
import { writeAtomic } from '../fs-atomic.ts';
import { contentHash } from '../hash.ts';
import { type JobOutput, rebuildJsonl, saveJobOutput } from '../runner/results.ts';
import {
  type ExampleRow,
  type JobRecord,
  type Manifest,
  type ResultRow,
  SCHEMA_VERSION,
  UNITS_FILE,
  type UnitRow,
  unitsMatchValue,
  unitsMean,
  writeManifest,
} from '../runner/run-dir.ts';
import { naturalOrder, referenceRow, type ScoreData, type ScoreValue, splitOf } from './data.ts';

/**
 * A score run in the run-directory contract (harness/runner/run-dir.ts), so `report`, `leaderboard`
 * and `gate` read it like a training run. The mapping:
 *   technique = the recorded model, student = 'recorded' (nothing was trained), seed = 0;
 *   task = the dataset, plus task 'macro' for the unweighted mean over datasets;
 *   split = 'test' for ordinary prompts, 'probes' for identity probes (ICE);
 *   one job (kind 'score') per model; its cost holds judge calls, cache hits and tokens.
 * With one seed every cell has n = 1: reports show no interval, and the gate's seed-based
 * intervals do not exist; for means over prompts it pairs units.jsonl by prompt instead (reports/gate
 * units.ts), other metrics stay inconclusive. Extra files: score.json (counts, pairwise matrices, judge
 * summary), judgments.jsonl (every judge verdict, unparseable ones with their text) and
 * units.jsonl (per-prompt values of the metrics that are means over prompts: the gate resamples
 * them to put a confidence interval on a single run).
 */

export const STUDENT = 'recorded';
export const SCORE_SUITE_PREFIX = 'score:';
const OWNED = ['results.jsonl', 'jobs.jsonl', 'examples.jsonl', 'score.json', 'judgments.jsonl', UNITS_FILE];

/** Refuses to write over a training run; with `clear`, removes the files of an earlier score run. */
export function prepareDir(dir: string, clear: boolean): void {
  const mf = join(dir, 'manifest.json');
  if (!existsSync(mf)) return;
  let name = '';
  try {
    name = (JSON.parse(readFileSync(mf, 'utf8')) as Manifest).suite?.name ?? '';
  } catch {
    // unreadable manifest: treated as foreign below
  }
  if (!name.startsWith(SCORE_SUITE_PREFIX)) {
    throw new UsageError(
      `--out ${dir}: holds a run of '${name || 'unknown'}', not a score run. Fix: pass an empty or new directory to --out.`,
      {
        field: '--out',
        file: dir,
      },
    );
  }
  if (!clear) return;
  for (const f of OWNED) rmSync(join(dir, f), { force: true });
  const jd = join(dir, 'jobs');
  if (existsSync(jd)) for (const f of readdirSync(jd)) if (f.endsWith('.json')) rmSync(join(jd, f));
}

export interface ScoreRunInput {
  dir: string;
  data: ScoreData;
  values: ScoreValue[];
  /** Everything that determines a model's numbers other than its own rows (hashes, judge, harness). */
  keyParts: Record<string, unknown>;
  costs: Map<string, Record<string, unknown>>;
  manifest: Manifest;
}

export function jobKeyOf(model: string, keyParts: Record<string, unknown>): string {
  return contentHash({ mode: 'score', model, ...keyParts });
}

function examplesOf(data: ScoreData, model: string, jobKey: string): ExampleRow[] {
  const rows = data.rows
    .filter((r) => r.model === model)
    .sort(
      (a, b) =>
        (a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : 0) ||
        splitOf(a).localeCompare(splitOf(b)) ||
        naturalOrder(a.promptId, b.promptId),
    );
  return rows.map((r) => {
    const ref = referenceRow(data, r);
    const ex: ExampleRow = {
      jobKey,
      task: r.dataset,
      technique: model,
      student: STUDENT,
      seed: 0,
      split: splitOf(r),
      id: r.promptId,
      prompt: r.prompt,
      reference: r.reference ?? '',
      response: r.response,
    };
    if (ref && model !== data.reference) ex.teacherResponse = ref.response;
    if (r.reference !== undefined) ex.correct = isExactMatch(r.response, r.reference);
    return ex;
  });
}

/** The fields a result row and its unit rows share: a score run is one seed-0 "job" per model. */
function cellIdentity(v: ScoreValue, jobKey: string) {
  return {
    schemaVersion: SCHEMA_VERSION,
    jobKey,
    task: v.task,
    technique: v.model,
    student: STUDENT,
    seed: 0,
    split: v.split,
    metric: v.metric,
  };
}

export function resultRow(v: ScoreValue, jobKey: string): ResultRow {
  return { ...cellIdentity(v, jobKey), value: v.value, signature: v.signature, direction: v.direction };
}

/** Writes every model's job (per-job file first, then the JSONL files rebuilt in key order). */
export function writeJobs(input: ScoreRunInput): JobOutput[] {
  const { dir, data, values, keyParts, costs, manifest } = input;
  const outputs: JobOutput[] = [];
  for (const model of data.models) {
    const jobKey = jobKeyOf(model, keyParts);
    const record: JobRecord = {
      schemaVersion: SCHEMA_VERSION,
      jobKey,
      kind: 'score',
      task: manifest.suite.name,
      technique: model,
      student: STUDENT,
      seed: 0,
      status: 'ok',
      cost: costs.get(model) ?? {},
    };
    const results = values
      .filter((v) => v.model === model && Number.isFinite(v.value))
      .map((v) => resultRow(v, jobKey));
    const out: JobOutput = { record, results, examples: examplesOf(data, model, jobKey) };
    saveJobOutput(dir, out);
    outputs.push(out);
  }
  rebuildJsonl(dir);
  writeJsonl(
    join(dir, UNITS_FILE),
    unitRows(values, (model) => jobKeyOf(model, keyParts)),
  );
  manifest.jobs = outputs.map((o) => ({
    key: o.record.jobKey,
    kind: 'score',
    status: 'ok',
    label: `score ${o.record.technique}`,
    wallTimeMs: typeof o.record.cost?.wallTimeMs === 'number' ? o.record.cost.wallTimeMs : undefined,
  }));
  writeManifest(dir, manifest);
  return outputs;
}

/**
 * units.jsonl rows in a stable order (cell, then dataset, then natural prompt order). Refuses to
 * write units that do not average to their cell's value: the gate would refuse them later, and
 * the mistake is ours, so it should fail here, where it was made.
 */
export function unitRows(values: readonly ScoreValue[], jobKey: (model: string) => string): UnitRow[] {
  const rows: UnitRow[] = [];
  for (const v of values) {
    if (!v.units || !Number.isFinite(v.value)) continue;
    const mean = unitsMean(v.units);
    if (!unitsMatchValue(mean, v.value))
      throw new Error(
        `internal: ${v.model} ${v.task} ${v.split} ${v.metric}: per-prompt values average to ${mean}, the value is ${v.value}`,
      );
    const key = jobKey(v.model);
    const units = [...v.units].sort(
      (a, b) => (a.stratum < b.stratum ? -1 : a.stratum > b.stratum ? 1 : 0) || naturalOrder(a.unit, b.unit),
    );
    for (const u of units)
      rows.push({
        ...cellIdentity(v, key),
        unit: u.unit,
        stratum: u.stratum,
        value: u.value,
        signature: v.signature,
      });
  }
  const cell = (r: UnitRow) => [r.task, r.technique, r.split, r.metric];
  // Stable sort: within a cell the order above is kept.
  return rows.sort((a, b) => {
    const [x, y] = [cell(a), cell(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  });
}

export function writeJson(path: string, value: unknown): void {
  writeAtomic(path, `${JSON.stringify(value, null, 1)}\n`);
}

export function writeJsonl(path: string, rows: unknown[]): void {
  writeAtomic(path, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
}
