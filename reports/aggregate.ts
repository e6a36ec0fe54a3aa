/**
 * RunDir → ReportModel: the single place report numbers are computed. Pure (no I/O, no clock), and
 * every list is sorted explicitly, so the same run dir always yields the same model.
 */

import type { JobRecord, ResultRow, RunDir, UnitRow } from '../harness/runner/run-dir.ts';
import { metricRegistry } from '../metrics/index.ts';
import { clampToRange } from '../metrics/ranges.ts';
import { meanCi } from '../metrics/stats.ts';
import type { Direction } from '../metrics/types.ts';
import { curveDetail } from './curve-bands.ts';
import { compareToBaseline, indexExamples, LEVEL } from './gains.ts';
import {
  type Cell,
  COST_FIELDS,
  type ConflictMatrix,
  type CostSummary,
  type CurveSeries,
  type MetricColumn,
  type ReportModel,
  type Row,
  type Table,
} from './model.ts';
import { byName, bySplit, byTechnique } from './order.ts';
import { attachPgr } from './pgr.ts';
import { attachPromptCis, SCORE_REFERENCE_ROLE, scoreModeOf } from './score-mode.ts';

export { gainOf } from './gains.ts';

export const BASELINE_TECHNIQUE = 'none';

const key = (...parts: (string | number)[]) => JSON.stringify(parts);

function column(id: string, rows: ResultRow[]): MetricColumn {
  if (metricRegistry.has(id)) {
    const m = metricRegistry.get(id);
    return {
      id,
      direction: m.direction,
      directionSource: 'registry',
      description: m.description,
      family: m.family,
    };
  }
  // Unknown to this harness (a newer metric, or a response set): trust the row's own direction.
  const dirs = new Set(rows.map((r) => r.direction));
  const direction: Direction = dirs.has('lower') && !dirs.has('higher') ? 'lower' : 'higher';
  return { id, direction, directionSource: 'row', description: '', family: id };
}

/** Metric columns in registry order (stable across runs), unknown ids after them alphabetically. */
function orderMetrics(ids: string[]): string[] {
  const known = metricRegistry.ids();
  const rank = (id: string) => {
    const i = known.indexOf(id);
    return i < 0 ? known.length : i;
  };
  return [...ids].sort((a, b) => rank(a) - rank(b) || byName(a, b));
}

function cellOf(metric: string, rows: ResultRow[]): Cell {
  const values: Record<string, number> = {};
  const dropped: number[] = [];
  for (const r of [...rows].sort((a, b) => a.seed - b.seed)) {
    if (typeof r.value === 'number' && Number.isFinite(r.value)) values[String(r.seed)] = r.value;
    else dropped.push(r.seed);
  }
  const ci = meanCi(Object.values(values), LEVEL);
  // A symmetric t interval can leave the metric's range (accuracy above 1): show the possible part.
  const shown = clampToRange(metric, ci.lo, ci.hi);
  return {
    metric,
    mean: ci.estimate,
    ciLow: shown.lo,
    ciHigh: shown.hi,
    n: ci.n,
    values,
    dropped,
    signature: [...new Set(rows.map((r) => r.signature))].sort().join(' ; '),
    best: false,
  };
}

function costOf(jobs: JobRecord[]): CostSummary {
  const out = { n: jobs.length } as CostSummary;
  for (const f of COST_FIELDS) {
    const xs = jobs
      .map((j) => j.cost?.[f])
      .filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    out[f] = xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null;
  }
  return out;
}

function markBest(table: Table): void {
  // Reference rows (teacher, oracle) are context, not contenders.
  const students = table.rows.filter((r) => r.role === undefined);
  for (const m of table.metrics) {
    const cells = students.map((r) => r.cells[m.id]).filter((c) => c && Number.isFinite(c.mean));
    const means = cells.map((c) => c.mean);
    // "Best of one" and "best of all tied" say nothing, so nothing is marked.
    if (cells.length < 2 || means.every((x) => x === means[0])) continue;
    const best = m.direction === 'higher' ? Math.max(...means) : Math.min(...means);
    for (const c of cells) c.best = c.mean === best;
  }
}

/**
 * Gold NLL when the table has it (continuous: it resolves differences far below one exact-match
 * item with few seeds, docs/statistics.md), then accuracy, then WER, then the first column.
 */
export function primaryOf(metrics: MetricColumn[]): string | null {
  const ids = metrics.map((m) => m.id);
  const first = (...want: string[]) => want.map((w) => ids.find((id) => id === w)).find(Boolean);
  return first('gold-nll', 'accuracy', 'wer') ?? ids[0] ?? null;
}

function header(run: RunDir, tasks: string[]): ReportModel['header'] {
  const m = run.manifest;
  const failedJobs = m.jobs
    .filter((j) => j.status === 'failed')
    .map((j) => ({ label: j.label, error: j.error ?? 'failed (no message)' }))
    .sort((a, b) => byName(a.label, b.label));
  const costWarnings = run.jobs.flatMap((j) =>
    (Array.isArray(j.cost?.warnings) ? (j.cost.warnings as unknown[]) : []).map(
      (w) => `${j.technique}/${j.student}/seed ${j.seed}: ${String(w)}`,
    ),
  );
  // The runner copies cost warnings into the manifest too; show each once, manifest order first.
  const warnings = [...new Set([...m.warnings, ...costWarnings.sort(byName)])];
  return {
    suite: m.suite.name,
    suiteHash: m.suite.hash,
    synthetic: m.environment?.synthetic === true,
    tasks,
    startedAt: m.startedAt,
    endedAt: m.endedAt ?? null,
    backend: m.backend,
    harnessVersion: m.harnessVersion,
    gitSha: m.gitSha,
    seeds: [...m.seeds].sort((a, b) => a - b),
    warnings,
    failedJobs,
  };
}

function group<T>(items: T[], keyOf: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = keyOf(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}

/** Mean loss over seeds at the steps every seed logged (curves are subsampled identically per run). */
function meanCurve(curves: [number, number][][]): [number, number][] {
  if (curves.length === 0) return [];
  const maps = curves.map((c) => new Map(c));
  return curves[0]
    .filter(([step]) => maps.every((m) => m.has(step)))
    .map(([step]) => [step, maps.reduce((s, m) => s + m.get(step)!, 0) / maps.length]);
}

function curvesOf(jobs: JobRecord[]): CurveSeries[] {
  const withCurve = jobs.filter((j) => Array.isArray(j.curve) && j.curve.length > 0);
  const out: CurveSeries[] = [];
  for (const [k, js] of group(withCurve, (j) => key(j.task, j.student, j.technique))) {
    const [task, student, technique] = JSON.parse(k) as string[];
    const sorted = [...js].sort((a, b) => a.seed - b.seed);
    out.push({
      task,
      student,
      technique,
      points: meanCurve(sorted.map((j) => j.curve!)),
      seeds: sorted.length,
      detail: curveDetail(sorted),
    });
  }
  return out.sort(
    (a, b) => byName(a.task, b.task) || byName(a.student, b.student) || byTechnique(a.technique, b.technique),
  );
}

function conflictOf(jobs: JobRecord[]): ConflictMatrix[] {
  const withMatrix = jobs.filter((j) => j.teacherDisagreement && j.teacherDisagreement.teachers.length > 1);
  const out: ConflictMatrix[] = [];
  for (const [k, js] of group(withMatrix, (j) => key(j.task, ...j.teacherDisagreement!.teachers))) {
    const [task, ...teachers] = JSON.parse(k) as string[];
    const matrix = teachers.map((_, i) =>
      teachers.map(
        (_, c) => js.reduce((s, j) => s + (j.teacherDisagreement!.matrix[i]?.[c] ?? 0), 0) / js.length,
      ),
    );
    out.push({ task, teachers, matrix, jobs: js.length });
  }
  return out.sort((a, b) => byName(a.task, b.task) || byName(a.teachers.join(), b.teachers.join()));
}

/** `units`: units.jsonl of a score run (readUnits), for its per-prompt CIs. */
export function aggregate(run: RunDir, units?: readonly UnitRow[]): ReportModel {
  const score = scoreModeOf(run);
  const studentJobs = run.jobs.filter((j) => j.kind === 'student' && j.status === 'ok');
  const costs = group(studentJobs, (j) => key(j.technique, j.student, j.task));
  const byRow = group(run.results, (r) => key(r.task, r.split, r.technique, r.student));
  const tasks = [...new Set(run.results.map((r) => r.task))].sort(byName);
  const techniques = [...new Set(run.results.map((r) => r.technique))].sort(byTechnique);
  // A recorded model called 'none' is a model like any other, not a no-teacher baseline.
  const baseline =
    !score && run.results.some((r) => r.technique === BASELINE_TECHNIQUE && r.role === undefined)
      ? BASELINE_TECHNIQUE
      : null;
  const examples = indexExamples(run.examples);
  const tables: Table[] = [];
  for (const task of tasks) {
    const splits = [...new Set(run.results.filter((r) => r.task === task).map((r) => r.split))].sort(bySplit);
    for (const split of splits) {
      const here = run.results.filter((r) => r.task === task && r.split === split);
      const metricIds = orderMetrics([...new Set(here.map((r) => r.metric))]);
      const metrics = metricIds.map((id) =>
        column(
          id,
          here.filter((r) => r.metric === id),
        ),
      );
      const pairs = [...new Set(here.map((r) => key(r.technique, r.student)))].map(
        (k) => JSON.parse(k) as [string, string],
      );
      pairs.sort((a, b) => byTechnique(a[0], b[0]) || byName(a[1], b[1]));
      const rows: Row[] = pairs.map(([technique, student]) => {
        const mine = byRow.get(key(task, split, technique, student)) ?? [];
        const cells: Record<string, Cell> = {};
        for (const id of metricIds) {
          const rs = mine.filter((r) => r.metric === id);
          if (rs.length) cells[id] = cellOf(id, rs);
        }
        const role =
          score?.referenceModel === technique
            ? SCORE_REFERENCE_ROLE
            : mine.find((r) => r.role !== undefined)?.role;
        return {
          technique,
          student,
          ...(role ? { role } : {}),
          task,
          split,
          cells,
          cost: costOf(costs.get(key(technique, student, task)) ?? []),
        };
      });
      if (baseline) compareToBaseline(rows, metrics, baseline, examples);
      attachPgr(rows, metrics);
      const table: Table = { task, split, metrics, rows, primary: primaryOf(metrics) };
      if (score && units) attachPromptCis(table, units);
      markBest(table);
      tables.push(table);
    }
  }
  return {
    header: header(run, tasks),
    baseline,
    techniques,
    tables,
    curves: curvesOf(studentJobs),
    conflict: conflictOf(studentJobs),
    score,
  };
}
