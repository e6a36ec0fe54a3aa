/**
 * Every chart of report.html, built from the ReportModel only (so charts agree with the tables).
 * A section whose data the run lacks is kept with a note saying why, so readers know it was not
 * forgotten.
 */
import type { ReportModel, Table } from '../model.ts';
import { byName } from '../order.ts';
import { barChart } from './bars.ts';
import { curvesChart } from './curves.ts';
import { forestChart } from './forest.ts';
import { frontierChart } from './frontier.ts';
import { heatmapChart } from './heatmap.ts';
import { leakageChart } from './leakage.ts';
import { termCurvesChart } from './term-curves.ts';

export interface ChartSection {
  id: string;
  title: string;
  /** Why the section is empty, or a caveat. */
  note: string | null;
  charts: { caption: string; svg: string }[];
}

export const ICE_METRICS = ['ice-loose', 'ice-strict', 'ice-hard'];

/** Reference rows have their own "student" (the teacher's id), so only student rows count. */
function multiStudent(t: Table): boolean {
  return new Set(t.rows.filter((r) => r.role === undefined).map((r) => r.student)).size > 1;
}

const rowName = (t: Table, technique: string, student: string) =>
  multiStudent(t) ? `${technique} / ${student}` : technique;

/** Reference rows (teacher, oracle) are yardsticks, never candidates: no gain, no "best". */
const REFERENCE_TECHNIQUES = new Set(['teacher', 'oracle']);

function forest(model: ReportModel): ChartSection {
  const charts: ChartSection['charts'] = [];
  for (const t of model.tables) {
    const m = t.metrics.find((x) => x.id === t.primary);
    if (!m || !model.baseline) continue;
    const rows = t.rows
      .filter((r) => r.cells[m.id]?.gain && !REFERENCE_TECHNIQUES.has(r.technique))
      .map((r) => {
        const g = r.cells[m.id].gain!;
        return {
          name: rowName(t, r.technique, r.student),
          colourIndex: model.techniques.indexOf(r.technique),
          diff: g.diff,
          lo: g.ciLow,
          hi: g.ciHigh,
          significant: g.significance === 'significant',
        };
      });
    if (rows.length === 0) continue;
    charts.push({
      caption: `${t.task} · ${t.split} · ${m.id}`,
      svg: forestChart({
        title: `${t.task} · ${t.split}`,
        metric: m.id,
        direction: m.direction,
        baseline: model.baseline,
        rows,
      }),
    });
  }
  return {
    id: 'chart-forest',
    title: `Gain over ${model.baseline ?? 'none'} (primary metric; 95% CI of the paired difference; filled = significant)`,
    note: charts.length ? null : 'Omitted: no baseline technique (none) to measure gains against.',
    charts,
  };
}

/**
 * The range a metric's values can take: every registered metric is non-negative (rates, error
 * rates, scores), and shares of examples (accuracy, acc-*, ice-*) stop at 1. A t interval does not
 * know that, so whiskers and axes are clamped here instead of reaching below 0 or above 100%.
 */
export function metricBounds(id: string): { min: number; max: number } {
  return { min: 0, max: /^(accuracy|acc-|ice-)/.test(id) ? 1 : Number.POSITIVE_INFINITY };
}

const clamp = (v: number | null, b: { min: number; max: number }) =>
  v === null ? null : Math.min(b.max, Math.max(b.min, v));

function bars(model: ReportModel): ChartSection {
  const charts = model.tables.flatMap((t) =>
    t.metrics
      .filter((m) => !ICE_METRICS.includes(m.id))
      .map((m) => ({
        caption: `${t.task} · ${t.split} · ${m.id}`,
        svg: barChart({
          title: `${t.task} · ${t.split}`,
          metric: m.id,
          direction: m.direction,
          bars: t.rows
            .filter((r) => r.cells[m.id])
            .map((r) => {
              const c = r.cells[m.id];
              const b = metricBounds(m.id);
              return {
                name: rowName(t, r.technique, r.student),
                colourIndex: model.techniques.indexOf(r.technique),
                mean: c.mean,
                lo: clamp(c.ciLow, b),
                hi: clamp(c.ciHigh, b),
                best: c.best && !REFERENCE_TECHNIQUES.has(r.technique),
              };
            }),
        }),
      })),
  );
  return {
    id: 'chart-bars',
    title: 'Metrics per technique (mean over seeds, 95% CI whiskers, ★ best)',
    note: charts.length ? null : 'No metric values in this run.',
    charts,
  };
}

/** Cost frontier on each task's first split that has a primary metric (in-domain test when present). */
function frontier(model: ReportModel): ChartSection {
  const charts: ChartSection['charts'] = [];
  for (const task of model.header.tasks) {
    const t = model.tables.find((x) => x.task === task && x.primary && !ICE_METRICS.includes(x.primary));
    if (!t?.primary) continue;
    const m = t.metrics.find((x) => x.id === t.primary)!;
    for (const [field, label] of [
      ['teacherForwardTokens', 'teacher forward tokens (log)'],
      ['teacherGenerations', 'teacher calls (generations, log)'],
      ['optimizerSteps', 'optimizer steps (log)'],
      ['wallTimeMs', 'wall time, ms (log)'],
      ['trainableParameters', 'trainable parameters (log)'],
    ] as const) {
      const points = t.rows
        .filter((r) => r.cells[m.id] && r.cost[field] !== null && r.cost[field]! > 0)
        .map((r) => ({
          name: rowName(t, r.technique, r.student),
          colourIndex: model.techniques.indexOf(r.technique),
          cost: r.cost[field]!,
          mean: r.cells[m.id].mean,
          lo: clamp(r.cells[m.id].ciLow, metricBounds(m.id)),
          hi: clamp(r.cells[m.id].ciHigh, metricBounds(m.id)),
        }));
      // A cost every technique has 0 of (no teacher calls) has no log axis and nothing to compare.
      if (points.length < 2) continue;
      charts.push({
        caption: `${task} · ${t.split}: ${m.id} vs ${label}`,
        svg: frontierChart({
          title: `${task} · ${t.split}: ${m.id} vs ${field}`,
          costLabel: label,
          metric: m.id,
          direction: m.direction,
          points,
        }),
      });
    }
  }
  return {
    id: 'chart-frontier',
    title: 'Quality versus cost (line: Pareto frontier)',
    note: charts.length ? null : 'No primary metric with cost records in this run.',
    charts,
  };
}

function curves(model: ReportModel): ChartSection {
  const keys = [...new Set(model.curves.map((c) => JSON.stringify([c.task, c.student])))].sort(byName);
  const charts = keys.map((k) => {
    const [task, student] = JSON.parse(k) as [string, string];
    const series = model.curves.filter((c) => c.task === task && c.student === student);
    return {
      caption: `${task} · ${student}`,
      svg: curvesChart(
        `Training loss · ${task} · ${student}`,
        series.map((c) => ({
          name: `${c.technique} (${c.seeds} seed${c.seeds === 1 ? '' : 's'})`,
          colourIndex: model.techniques.indexOf(c.technique),
          points: c.points,
        })),
      ),
    };
  });
  return {
    id: 'chart-curves',
    title:
      'Training curves (mean total loss over seeds; totals differ in kind across techniques, see the per-term charts)',
    note: charts.length ? null : 'No job recorded a loss curve.',
    charts,
  };
}

/** Per technique: each loss term, the LR schedule and the gradient norm, with min–max seed bands. */
function termCurves(model: ReportModel): ChartSection {
  const charts = model.curves
    .filter((c) => c.detail.terms.length > 0)
    .map((c) => ({
      caption: `${c.task} · ${c.student} · ${c.technique} (${c.seeds} seed${c.seeds === 1 ? '' : 's'})`,
      svg: termCurvesChart(
        `Training detail · ${c.task} · ${c.student} · ${c.technique}`,
        model.techniques.indexOf(c.technique),
        c.detail,
      ),
    }));
  const old = model.curves.some((c) => c.detail.lr.length === 0 && c.detail.terms.length > 0);
  return {
    id: 'chart-terms',
    title:
      'Loss terms, learning rate and gradient norm per technique (mean over seeds, band: min–max across seeds)',
    note: charts.length
      ? old
        ? 'Some jobs of this run recorded only the total loss (run dirs from before per-term traces): they show that alone.'
        : null
      : 'No job recorded a loss curve.',
    charts,
  };
}

function conflict(model: ReportModel): ChartSection {
  const charts = model.conflict.map((c) => ({
    caption: `${c.task} (mean over ${c.jobs} job${c.jobs === 1 ? '' : 's'})`,
    svg: heatmapChart({ title: `Teacher disagreement · ${c.task}`, teachers: c.teachers, matrix: c.matrix }),
  }));
  const note = charts.length
    ? 'Share of test answers on which two teachers disagree (0 = always agree).'
    : 'Omitted: no job measured teacher × teacher disagreement (it needs at least two teachers).';
  return { id: 'chart-conflict', title: 'Teacher conflict', note, charts };
}

function leakage(model: ReportModel): ChartSection {
  const charts: ChartSection['charts'] = [];
  for (const t of model.tables) {
    const metrics = ICE_METRICS.filter((id) => t.metrics.some((m) => m.id === id));
    if (metrics.length === 0) continue;
    const groups = t.rows.map((r) => ({
      name: rowName(t, r.technique, r.student),
      values: Object.fromEntries(
        metrics
          .filter((id) => r.cells[id])
          .map((id) => [
            id,
            {
              mean: r.cells[id].mean,
              lo: clamp(r.cells[id].ciLow, metricBounds(id)),
              hi: clamp(r.cells[id].ciHigh, metricBounds(id)),
            },
          ]),
      ),
    }));
    charts.push({
      caption: `${t.task} · ${t.split}`,
      svg: leakageChart(`Identity leakage · ${t.task} · ${t.split}`, metrics, groups),
    });
  }
  const note = charts.length
    ? 'ICE contradiction rates: how often the student claims an identity that is not its own (lower is better).'
    : 'Omitted: this run has no identity-consistency metrics (ice-loose, ice-strict, ice-hard).';
  return { id: 'chart-leakage', title: 'Identity leakage (ICE)', note, charts };
}

export function chartSections(model: ReportModel): ChartSection[] {
  // A score run trained nothing and has no baseline: no gains, costs, curves or teacher conflict.
  if (model.score)
    return [
      {
        ...bars(model),
        title: `Metrics per model (95% bootstrap CI over prompts; ★ best other than the reference model ${model.score.referenceModel})`,
      },
      leakage(model),
    ];
  return [
    forest(model),
    bars(model),
    frontier(model),
    curves(model),
    termCurves(model),
    conflict(model),
    leakage(model),
  ];
}
