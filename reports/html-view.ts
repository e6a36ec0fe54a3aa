/**
 * ReportModel → the plain view objects the handlebars templates print. All strings here are
 * printed with {{ }} (escaped); only chart SVG (built with esc()), our own CSS/JS and the
 * \u003c-escaped examples JSON go through {{{ }}}.
 */

import { findings } from './findings.ts';
import {
  arrow,
  count,
  duration,
  gainInterval,
  gainText,
  gapText,
  interval,
  meanPm,
  num,
  pctOfTeacher,
  pValue,
  signed,
  significanceText,
} from './format.ts';
import type { Cell, Gain, MetricColumn, ReportModel, Row, Table } from './model.ts';

export interface ViewCell {
  main: string;
  /** Small print under the value: the gain and its CI, then (sub2) the significance word. */
  sub: string;
  sub2: string;
  subCls: string;
  cls: string;
  /** Sort key: a number as text, or '' for a missing value (sorted last). */
  v: string;
  tip: string;
}

export interface ViewColumn {
  label: string;
  tip: string;
  type: 'num' | 'text';
  cls: string;
  /** Metric columns: the metric id (the metric picker toggles them) and whether the picker shows it at first (shownByDefault). */
  metric?: string;
  primary?: boolean;
}

export interface ViewTable {
  id: string;
  title: string;
  task: string;
  split: string;
  columns: ViewColumn[];
  rows: { technique: string; role?: string; cells: ViewCell[] }[];
}

const sortKey = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '' : String(x);

function gainCls(g: Gain): string {
  return g.significance === 'significant' ? `significant ${g.better ? 'good' : 'bad'}` : '';
}

/** A score run's cell: its CI is over prompts (reports/score-mode.ts), and there are no seeds or gains. */
function promptCell(c: Cell, cls: string): ViewCell {
  const p = c.promptCi;
  const ci =
    p && c.ciLow !== null && c.ciHigh !== null
      ? `95% CI [${num(c.ciLow)}, ${num(c.ciHigh)}], ${p.method}, ${p.prompts} prompts in ${p.strata} dataset(s)`
      : 'no CI: no per-prompt values for this metric (corpus-level, or one prompt)';
  const tip = `value ${num(c.mean, 6)}, ${ci}; signature ${c.signature}`;
  const sub = p ? `${p.prompts} prompts` : 'no CI';
  return { main: meanPm(c), sub, sub2: '', subCls: '', cls, v: sortKey(c.mean), tip };
}

function metricCell(
  c: Cell | undefined,
  baseline: string | null,
  isBaseline: boolean,
  score = false,
): ViewCell {
  if (!c) return { main: '–', sub: '', sub2: '', subCls: '', cls: '', v: '', tip: 'no value' };
  if (score) return promptCell(c, c.best ? 'best' : '');
  const ci =
    c.ciLow !== null && c.ciHigh !== null ? `95% CI [${num(c.ciLow)}, ${num(c.ciHigh)}]` : 'no CI (one seed)';
  const dropped = c.dropped.length ? `; no value for seed(s) ${c.dropped.join(', ')}` : '';
  const tip = `mean ${num(c.mean, 6)}, ${ci}, n = ${c.n} seed(s)${dropped}; signature ${c.signature}`;
  const main = meanPm(c);
  const cls = c.best ? 'best' : '';
  // PGR against the row's own weak and strong-ceiling references (reports/pgr.ts).
  const pgr = c.pgr ? `PGR ${gapText(c.pgr)}` : '';
  if (c.gain) {
    // Same words as gainText (summary.md), split over two short lines to keep columns narrow.
    const g = c.gain;
    const holm = g.holmCi
      ? `; Holm-level ${g.holmCi.level.toFixed(4)} CI ${interval(g.holmCi.lo, g.holmCi.hi)}`
      : '';
    const boot = g.bootstrap ? `; cluster bootstrap CI ${interval(g.bootstrap.lo, g.bootstrap.hi)}` : '';
    const gap = c.gapRecovered ? `\ngap recovered vs oracle: ${gapText(c.gapRecovered)}` : '';
    const gainTip = `${tip}\ngain vs ${g.vs}: ${gainText(g)} (raw ${pValue(g.p)}, ${g.n} paired seed(s)${holm}${boot})${gap}${pgr ? `\n${pgr}` : ''}`;
    return {
      main,
      sub: `${signed(g.diff)} ${gainInterval(g)}`,
      sub2: c.gapRecovered
        ? `${significanceText(g.significance)} · gap ${gapText(c.gapRecovered)}`
        : significanceText(g.significance),
      ...(pgr ? { sub2: `${significanceText(g.significance)} · ${pgr}` } : {}),
      subCls: gainCls(g),
      cls,
      v: sortKey(c.mean),
      tip: gainTip,
    };
  }
  const sub = isBaseline && baseline ? `baseline · n = ${c.n}` : `n = ${c.n}`;
  return { main, sub, sub2: pgr, subCls: '', cls, v: sortKey(c.mean), tip: pgr ? `${tip}\n${pgr}` : tip };
}

const COST_COLUMNS: {
  field: keyof Row['cost'];
  label: string;
  tip: string;
  fmt: (x: number | null) => string;
}[] = [
  { field: 'optimizerSteps', label: 'steps', tip: 'optimizer steps (mean over seeds)', fmt: count },
  {
    field: 'teacherForwardTokens',
    label: 'teacher tokens',
    tip: 'teacher forward tokens (mean over seeds)',
    fmt: count,
  },
  {
    field: 'teacherGenerations',
    label: 'teacher calls',
    tip: 'prompts a teacher decoded for training (mean over seeds); routers query one teacher per routed question',
    fmt: count,
  },
  {
    field: 'trainableParameters',
    label: 'trainable params',
    tip: 'trainable parameters of the student',
    fmt: count,
  },
  {
    field: 'trainablePctOfTeacher',
    label: '% of teacher',
    tip: 'trainable parameters as % of the teacher',
    fmt: pctOfTeacher,
  },
  { field: 'wallTimeMs', label: 'wall time', tip: 'training wall time (mean over seeds)', fmt: duration },
  {
    field: 'peakRssMB',
    label: 'peak RSS',
    tip: 'peak resident memory, MB (mean over seeds)',
    fmt: (x) => (x === null ? '–' : `${count(x)} MB`),
  },
  {
    field: 'lossTailSlope',
    label: 'loss slope',
    tip: 'training-loss slope over the last 10% of the curve, per 100 steps (mean over seeds); near 0 = converged, see docs/statistics.md',
    fmt: (x) => (x === null ? '–' : signed(x, 3)),
  },
];

/**
 * Whether the metric picker shows a column before anything is ticked: the primary metric, and with
 * gold-nll as primary also exact match and WER, so the headline task metric stays in view beside it.
 */
function shownByDefault(t: Table, id: string): boolean {
  return id === t.primary || (t.primary === 'gold-nll' && (id === 'accuracy' || id === 'wer'));
}

function metricColumn(m: MetricColumn): ViewColumn {
  const how =
    m.directionSource === 'registry'
      ? ''
      : ' (direction from the results rows: metric not in this harness registry)';
  return {
    label: `${m.id} ${arrow(m.direction)}`,
    tip: `${m.description || m.id} — ${m.direction} is better${how}`,
    type: 'num',
    cls: '',
  };
}

/** `score`: a score run's table: a model column, the reference model marked, no cost columns. */
export function viewTable(t: Table, baseline: string | null, index: number, score = false): ViewTable {
  const multi = new Set(t.rows.map((r) => r.student)).size > 1;
  const costs = score ? [] : COST_COLUMNS;
  const columns: ViewColumn[] = [
    score
      ? {
          label: 'model',
          tip: 'recorded model (its responses were scored; nothing was trained)',
          type: 'text',
          cls: 'text',
        }
      : { label: 'technique', tip: 'distillation technique', type: 'text', cls: 'text' },
    ...(multi ? [{ label: 'student', tip: 'student model', type: 'text' as const, cls: 'text' }] : []),
    ...t.metrics.map((m) => ({ ...metricColumn(m), metric: m.id, primary: shownByDefault(t, m.id) })),
    ...costs.map((c) => ({ label: c.label, tip: c.tip, type: 'num' as const, cls: 'cost' })),
  ];
  const rows = t.rows.map((r) => {
    const cells: ViewCell[] = [
      {
        main: r.technique,
        sub: r.role ? (score ? 'reference model' : `reference: ${r.role}`) : '',
        sub2: '',
        subCls: '',
        cls: 'text',
        v: r.technique,
        tip: !r.role
          ? ''
          : score
            ? 'reference model (--reference-model): the model every other is compared with; never marked best'
            : `${r.role} reference row: shown for context, not compared against the baseline`,
      },
    ];
    if (multi)
      cells.push({ main: r.student, sub: '', sub2: '', subCls: '', cls: 'text', v: r.student, tip: '' });
    for (const m of t.metrics)
      cells.push(metricCell(r.cells[m.id], baseline, r.technique === baseline, score));
    for (const c of costs) {
      const x = r.cost[c.field];
      cells.push({
        main: c.fmt(x),
        sub: '',
        sub2: '',
        subCls: '',
        cls: '',
        v: sortKey(x),
        tip: r.cost.n ? `mean over ${r.cost.n} job(s)` : 'no cost record',
      });
    }
    return { technique: r.technique, ...(r.role ? { role: r.role } : {}), cells };
  });
  return {
    id: `table-${index}`,
    title: `${t.task} · ${t.split}`,
    task: t.task,
    split: t.split,
    columns,
    rows,
  };
}

export function headerView(model: ReportModel) {
  const h = model.header;
  return {
    header: h,
    multipleTasks: h.tasks.length > 1,
    tasksText: h.tasks.length ? h.tasks.join(', ') : '(no results)',
    seedsText: h.seeds.join(', '),
    // Below 3 seeds a t interval is too wide (2 seeds: t = 12.7) or absent to call anything.
    fewSeeds: h.seeds.length < 3 && !model.score,
    score: model.score,
    baselineText: model.baseline ?? 'none (this run has no `none` technique: no gains)',
    findings: findings(model).map((g) => ({
      task: g.task,
      split: g.split,
      findings: g.findings.map((f) => ({
        text: f.text,
        cls: f.significance === 'significant' ? `significant ${f.better ? 'good' : 'bad'}` : '',
      })),
    })),
    tables: model.tables.map((t, i) => viewTable(t, model.baseline, i, model.score !== null)),
    metricDocs: metricDocs(model),
  };
}

/** Every metric the report shows, once, with its direction and the registry's description. */
function metricDocs(model: ReportModel) {
  const seen = new Map<string, { id: string; direction: string; description: string }>();
  for (const t of model.tables)
    for (const m of t.metrics)
      if (!seen.has(m.id))
        seen.set(m.id, {
          id: m.id,
          direction: `${arrow(m.direction)} ${m.direction} is better`,
          description: m.description || '(not in this harness registry)',
        });
  return [...seen.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
