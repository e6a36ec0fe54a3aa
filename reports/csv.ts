/**
 * CSV outputs (results.csv, examples.csv, leaderboard.csv), RFC 4180 (CRLF, quoted when needed).
 * Cells a spreadsheet would execute (strings starting with = + - @ tab CR) get a leading `'`
 * (OWASP's advice, csv-stringify's `escape_formulas`); real numbers, negative ones included, stay
 * numeric. Model text is untrusted, so examples.csv needs this most.
 */
import { stringify } from 'csv-stringify/sync';
import type { ExampleRow } from '../harness/runner/run-dir.ts';
import type { Leaderboard } from './leaderboard-model.ts';
import { COST_FIELDS, type ReportModel } from './model.ts';

type Value = string | number | boolean | null | undefined;

/**
 * A line break inside a cell starts a new physical line; line-based tools (grep, naive importers)
 * see what follows as a line of its own, so a formula character there gets the same `'` as at the
 * start of the cell.
 */
const INNER_FORMULA = /(\r\n|\r|\n)(?=[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20])/g;
export const neutralizeInnerLines = (s: string) => s.replace(INNER_FORMULA, "$1'");

export function toCsv(columns: readonly string[], rows: Value[][]): string {
  return stringify(rows, {
    header: true,
    columns: [...columns],
    record_delimiter: 'windows',
    // Explicit: with a custom record_delimiter csv-stringify 6.9 stops quoting bare LF and CR.
    quote_record_delimiter: true,
    escape_formulas: true,
    cast: {
      // Full precision (no rounding) so the CSV can be re-analysed; NaN/Infinity become empty cells.
      number: (x) => (Number.isFinite(x) ? String(x) : ''),
      boolean: (b) => (b ? 'true' : 'false'),
      string: neutralizeInnerLines,
    },
  });
}

/** Column names of the cost fields, in COST_FIELDS order. */
const COST_COLUMNS = [
  'optimizer_steps',
  'teacher_forward_tokens',
  'teacher_generations',
  'trainable_parameters',
  'trainable_pct_of_teacher',
  'wall_time_ms',
  'peak_rss_mb',
  'loss_tail_slope_per_100_steps',
] as const;

export const RESULTS_COLUMNS = [
  'task',
  'split',
  'technique',
  'student',
  'role',
  'metric',
  'direction',
  'mean',
  'ci_low',
  'ci_high',
  'n_seeds',
  'best',
  'gain_vs',
  'gain',
  'gain_ci_low',
  'gain_ci_high',
  'gain_p',
  'gain_n_seeds',
  'gain_significance',
  'gain_inconclusive_reason',
  'gain_p_holm',
  'gain_holm_k',
  'gain_holm_ci_low',
  'gain_holm_ci_high',
  'gain_bootstrap_ci_low',
  'gain_bootstrap_ci_high',
  'gap_recovered',
  'gap_recovered_ci_low',
  'gap_recovered_ci_high',
  'gap_recovered_inconclusive',
  'pgr',
  'pgr_ci_low',
  'pgr_ci_high',
  'pgr_inconclusive',
  ...COST_COLUMNS,
  'dropped_seeds',
  'signature',
] as const;

/** One line per technique × student × task × split × metric, in the model's (stable) order. */
export function resultsCsv(model: ReportModel): string {
  const rows: Value[][] = [];
  for (const t of model.tables) {
    for (const r of t.rows) {
      for (const m of t.metrics) {
        const c = r.cells[m.id];
        if (!c) continue;
        const g = c.gain;
        const gap = c.gapRecovered;
        rows.push([
          r.task,
          r.split,
          r.technique,
          r.student,
          r.role ?? '',
          m.id,
          m.direction,
          c.mean,
          c.ciLow,
          c.ciHigh,
          c.n,
          c.best,
          g?.vs,
          g?.diff,
          g?.ciLow,
          g?.ciHigh,
          g?.p,
          g?.n,
          g?.significance,
          g?.inconclusiveReason,
          g?.pHolm,
          g?.holmK,
          g?.holmCi?.lo,
          g?.holmCi?.hi,
          g?.bootstrap?.lo,
          g?.bootstrap?.hi,
          gap?.value,
          gap?.ci?.[0],
          gap?.ci?.[1],
          gap?.inconclusive,
          c.pgr?.value,
          c.pgr?.ci?.[0],
          c.pgr?.ci?.[1],
          c.pgr?.inconclusive,
          ...COST_FIELDS.map((f) => r.cost[f]),
          c.dropped.join(';'),
          c.signature,
        ]);
      }
    }
  }
  return toCsv(RESULTS_COLUMNS, rows);
}

export const EXAMPLES_COLUMNS = [
  'task',
  'split',
  'technique',
  'student',
  'seed',
  'id',
  'correct',
  'prompt',
  'reference',
  'response',
  'teacher_response',
  'job_key',
] as const;

/** Every example row of the run (no cap, unlike the HTML), in file order. */
export function examplesCsv(examples: ExampleRow[]): string {
  return toCsv(
    EXAMPLES_COLUMNS,
    examples.map((e) => [
      e.task,
      e.split,
      e.technique,
      e.student,
      e.seed,
      e.id,
      e.correct,
      e.prompt,
      e.reference,
      e.response,
      e.teacherResponse,
      e.jobKey,
    ]),
  );
}

/** One row per leaderboard entry, its latest run's numbers; `runs` counts its history points. */
export const LEADERBOARD_COLUMNS = [
  'table',
  'task',
  'split',
  'rank',
  'band',
  'technique',
  'student',
  'metric',
  'direction',
  'mean',
  'ci_low',
  'ci_high',
  'n_seeds',
  'run',
  'suite',
  'started_at',
  'harness_version',
  'signature',
  'runs',
] as const;

export function leaderboardCsv(lb: Leaderboard): string {
  const rows: Value[][] = [];
  for (const t of lb.tables) {
    for (const e of t.entries) {
      rows.push([
        t.id,
        t.task,
        t.split,
        e.rank,
        e.bandLabel,
        e.technique,
        e.student,
        t.metric,
        t.direction,
        e.mean,
        e.ciLow,
        e.ciHigh,
        e.n,
        e.run,
        e.suite,
        e.startedAt,
        e.harnessVersion,
        t.signature,
        e.history.length,
      ]);
    }
  }
  return toCsv(LEADERBOARD_COLUMNS, rows);
}
