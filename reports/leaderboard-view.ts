/**
 * Leaderboard → index.html: the view model of templates/leaderboard-page.hbs (Handlebars escapes
 * every {{value}}; the trend SVGs are built with esc() in reports/charts/trend.ts, so only they go in
 * unescaped) and the page itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { type TrendLine, trendChart } from './charts/trend.ts';
import { arrow, meanPm, num } from './format.ts';
import { scriptHash } from './html.ts';
import type {
  Leaderboard,
  LeaderboardEntry,
  LeaderboardStat,
  LeaderboardTable,
} from './leaderboard-model.ts';
import { byTechnique } from './order.ts';
import { SCORE_REFERENCE_ROLE } from './score-mode.ts';

const TEMPLATES = join(import.meta.dirname, 'templates');

function cell(s: LeaderboardStat | undefined, best = false) {
  if (!s) return { text: '–', v: '', cls: '', tip: 'no value' };
  const ci = s.ciLow !== null && s.ciHigh !== null ? `95% CI [${num(s.ciLow)}, ${num(s.ciHigh)}]` : 'no CI';
  return { text: meanPm(s), v: String(s.mean), cls: best ? 'best' : '', tip: `${ci}, n = ${s.n} seed(s)` };
}

/** What names an entry in its table: the technique, plus suite / student where the table has several. */
function labeller(t: LeaderboardTable): (e: LeaderboardEntry) => string {
  const suites = new Set(t.entries.map((e) => e.suite)).size > 1;
  const students = new Set(t.entries.map((e) => e.student)).size > 1;
  return (e) =>
    [
      !e.role
        ? e.technique
        : e.role === SCORE_REFERENCE_ROLE
          ? `${e.technique} (reference model)`
          : `${e.technique} (reference: ${e.role})`,
      ...(students ? [e.student] : []),
      ...(suites ? [e.suite] : []),
    ].join(' · ');
}

function trend(t: LeaderboardTable, runNumber: Map<string, number>, colourOf: Map<string, number>): string {
  const label = labeller(t);
  const runs = [...new Set(t.entries.flatMap((e) => e.history.map((h) => h.run)))];
  const numbers = runs.map((r) => runNumber.get(r)!).sort((a, b) => a - b);
  // x is the run's position among this table's runs, labelled with its number in the Runs table.
  const lines: TrendLine[] = t.entries.map((e) => ({
    name: label(e),
    colourIndex: colourOf.get(e.technique)!,
    points: e.history.map((h) => ({
      x: numbers.indexOf(runNumber.get(h.run)!) + 1,
      mean: h.mean,
      ciLow: h.ciLow,
      ciHigh: h.ciHigh,
      tip: `run ${runNumber.get(h.run)} (${h.run}, ${h.startedAt}): ${meanPm(h)}`,
    })),
  }));
  return trendChart(
    `${t.task} · ${t.split}: ${t.metric} across runs ${numbers.join(', ')}`,
    `${t.metric} ${arrow(t.direction)}`,
    numbers.length,
    lines,
  );
}

export function renderLeaderboardHtml(lb: Leaderboard): string {
  const script = readFileSync(join(TEMPLATES, 'report-client.js'), 'utf8');
  const tpl = Handlebars.create().compile(readFileSync(join(TEMPLATES, 'leaderboard-page.hbs'), 'utf8'));
  const runNumber = new Map(lb.runs.map((r, i) => [r.run, i + 1]));
  // One colour per technique on every chart of the page, `none` first as in the run reports.
  const techniques = [...new Set(lb.tables.flatMap((t) => t.entries.map((e) => e.technique)))].sort(
    byTechnique,
  );
  const colourOf = new Map(techniques.map((name, i) => [name, i]));
  return tpl({
    css: readFileSync(join(TEMPLATES, 'report.css'), 'utf8'),
    script,
    scriptHash: scriptHash(script),
    runs: lb.runs.map((r, i) => ({ ...r, number: i + 1 })),
    tables: lb.tables.map((t) => {
      const label = labeller(t);
      return {
        ...t,
        arrow: arrow(t.direction),
        otherMetrics: t.otherMetrics.map((m) => ({ label: `${m.id} ${arrow(m.direction)}` })),
        trend: trend(t, runNumber, colourOf),
        rows: t.entries.map((e) => ({
          band: e.band ?? '',
          bandLabel: e.bandLabel,
          bandTip:
            e.rank === null
              ? 'reference row (teacher, oracle or reference model): shown for the ceiling, not ranked'
              : `rank ${e.rank} by mean; ${e.bandLabel.endsWith('=') ? 'its 95% CI overlaps its band leader’s' : 'no other entry’s CI overlaps its band leader’s'} (latest run)`,
          technique: label(e),
          rawTechnique: e.technique,
          student: e.student,
          cells: [cell(e, e.rank === 1), ...t.otherMetrics.map((m) => cell(e.others[m.id]))],
          history: e.history.map((h) => ({
            number: runNumber.get(h.run),
            text: meanPm(h),
            report: h.report,
            tip: `${h.run}, started ${h.startedAt}, n = ${h.n} seed(s)`,
          })),
          run: e.run,
          runTip: `${e.suite}, started ${e.startedAt}, harness ${e.harnessVersion}, ${e.backend}`,
        })),
      };
    }),
  });
}
