/**
 * The end-of-run table `run` prints: each task × split's primary metric per technique and student,
 * with its gain over the baseline and the training-loss tail slope, then where the report is. Names come from suites and results, so
 * control characters are stripped before they reach the terminal.
 */
import { meanPm, signed } from './format.ts';
import type { ReportModel } from './model.ts';

// C0/C1 controls (ESC starts terminal escape sequences) and DEL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
export const terminalSafe = (s: string): string => s.replace(CONTROL, '');

function align(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  return rows.map((r) =>
    r
      .map((c, i) => c + ' '.repeat(widths[i] - [...c].length))
      .join('  ')
      .trimEnd(),
  );
}

export function renderRunSummary(model: ReportModel, reportPath?: string): string {
  const out: string[] = [];
  for (const t of model.tables) {
    if (!t.primary) continue;
    const metric = t.metrics.find((m) => m.id === t.primary);
    const dir = metric?.direction === 'lower' ? '↓' : '↑';
    out.push(`${terminalSafe(t.task)} · ${terminalSafe(t.split)} — ${terminalSafe(t.primary)} ${dir}`);
    const rows = [
      [
        'technique',
        'student',
        'mean ± 95% CI',
        'seeds',
        `vs ${model.baseline ?? '–'}`,
        'loss slope/100 steps',
      ],
    ];
    for (const r of t.rows) {
      const c = r.cells[t.primary];
      if (!c) continue;
      const g = c.gain;
      const gain = g
        ? `${signed(g.diff)}${g.significance === 'significant' ? (g.better ? ' (better)' : ' (worse)') : ' (n.s.)'}`
        : '';
      rows.push([
        `${terminalSafe(r.technique)}${c.best ? ' ★' : ''}`,
        terminalSafe(r.student),
        meanPm(c),
        String(c.n),
        gain,
        // Training-loss slope over the last 10% of the curve: near 0 once training has converged.
        r.cost.lossTailSlope === null ? '' : signed(r.cost.lossTailSlope, 3),
      ]);
    }
    out.push(...align(rows).map((l) => `  ${l}`), '');
  }
  if (model.header.failedJobs.length)
    out.push(`${model.header.failedJobs.length} job(s) failed (see above).`);
  if (reportPath) out.push(`report: ${reportPath}`);
  return `${out.join('\n').trimEnd()}\n`;
}
