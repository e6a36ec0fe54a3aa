/**
 * summary.md: the leaderboard and key findings as GitHub-flavoured markdown, for CI step summaries
 * and PR comments. Same numbers (ReportModel) and same wording (findings.ts, format.ts) as the HTML.
 */

import { forMarkdown } from '../harness/core/sanitize.ts';
import { findings } from './findings.ts';
import { arrow, count, duration, gainText, gapText, meanPm } from './format.ts';
import type { ReportModel, Table } from './model.ts';

/** Text from run files, escaped by the one markdown sanitizer (harness/core/sanitize.ts). */
export const md = forMarkdown;

/**
 * One markdown table per task × split: mean ± CI per metric (★ best), then the gain over the
 * baseline on the primary metric only; a gain per metric would make the table too wide to read in a
 * PR comment (report.html shows them all).
 */
function table(t: Table, baseline: string | null, score: boolean): string[] {
  const multi = new Set(t.rows.map((r) => r.student)).size > 1;
  const primary = t.metrics.find((m) => m.id === t.primary);
  const gainHead = baseline && primary ? [`${md(primary.id)} vs ${md(baseline)}`] : [];
  const hasGap = primary !== undefined && t.rows.some((r) => r.cells[primary.id]?.gapRecovered);
  const gapHead = hasGap ? ['gap recovered (vs oracle)'] : [];
  const hasPgr = primary !== undefined && t.rows.some((r) => r.cells[primary.id]?.pgr);
  const pgrHead = hasPgr ? ['PGR (weak → strong ceiling)'] : [];
  // A score run trained nothing: its rows are models and it has no cost columns.
  const costHead = score ? [] : ['steps', 'teacher tokens', 'teacher calls', 'trainable params', 'wall time'];
  const head = [
    score ? 'model' : 'technique',
    ...(multi ? ['student'] : []),
    ...t.metrics.map((m) => `${md(m.id)} ${arrow(m.direction)}`),
    ...gainHead,
    ...gapHead,
    ...pgrHead,
    ...costHead,
  ];
  const text = (i: number) => i === 0 || (multi && i === 1);
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (text(i) ? ' --- ' : ' ---: ')).join('|')}|`,
  ];
  for (const r of t.rows) {
    const role = score ? 'reference model' : `reference: ${md(r.role ?? '')}`;
    const name = r.role ? `${md(r.technique)} _(${role})_` : md(r.technique);
    const cells = [name, ...(multi ? [md(r.student)] : [])];
    for (const m of t.metrics) {
      const c = r.cells[m.id];
      cells.push(!c ? '–' : c.best ? `**${meanPm(c)}** ★` : meanPm(c));
    }
    if (gainHead.length) {
      const g = primary ? r.cells[primary.id]?.gain : undefined;
      cells.push(g ? md(gainText(g)) : r.technique === baseline ? 'baseline' : '–');
    }
    if (hasGap) {
      const gap = primary ? r.cells[primary.id]?.gapRecovered : undefined;
      cells.push(gap ? md(gapText(gap)) : '–');
    }
    if (hasPgr) {
      const pgr = primary ? r.cells[primary.id]?.pgr : undefined;
      cells.push(pgr ? md(gapText(pgr)) : '–');
    }
    if (!score)
      cells.push(
        count(r.cost.optimizerSteps),
        count(r.cost.teacherForwardTokens),
        count(r.cost.teacherGenerations),
        count(r.cost.trainableParameters),
        duration(r.cost.wallTimeMs),
      );
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

export function renderSummary(model: ReportModel): string {
  const h = model.header;
  const out: string[] = [`# distill-bench: ${md(h.suite)}`, ''];
  if (h.synthetic)
    out.push('> **Synthetic fixture**: every number below is made up; no model was trained.', '');
  const tail = model.score
    ? `reference model ${md(model.score.referenceModel)}`
    : `seeds ${h.seeds.join(', ')}`;
  out.push(
    `Task${h.tasks.length === 1 ? '' : 's'}: ${h.tasks.map(md).join(', ') || '(no results)'} · started ${md(h.startedAt)} · backend ${md(h.backend)} · harness ${md(h.harnessVersion)}${h.gitSha ? ` (${md(h.gitSha.slice(0, 12))})` : ''} · ${tail}`,
    '',
    model.score
      ? `Recorded models scored on their responses (nothing was trained). One value per model with a 95% CI from a stratified percentile bootstrap over prompts (datasets as strata); corpus-level metrics such as WER have no CI. ★ best per column among the models other than the reference model ${md(model.score.referenceModel)}, which every other is compared with.`
      : `Mean over seeds ± half-width of the 95% t interval (clamped to the metric's range); ★ best per column among students. Gains are paired over shared seeds against \`${model.baseline ?? 'none'}\`; p-values are Holm-adjusted over each table × metric family of technique-vs-\`${model.baseline ?? 'none'}\` comparisons, and a gain is significant when its adjusted p is below 0.05. Fewer than 3 paired seeds, or the same difference on every seed, is inconclusive. Teacher and oracle rows are references, outside every family. Gap recovered = (technique − ${model.baseline ?? 'none'}) / (oracle − ${model.baseline ?? 'none'}) with a seed bootstrap 95% CI.`,
    '',
  );
  if (h.failedJobs.length) {
    out.push(`**${h.failedJobs.length} failed job(s)** (missing from the tables):`, '');
    for (const j of h.failedJobs) out.push(`- ${md(j.label)}: ${md(j.error)}`);
    out.push('');
  }
  if (h.warnings.length) {
    out.push(`<details><summary>Warnings (${h.warnings.length})</summary>`, '');
    for (const w of h.warnings) out.push(`- ${md(w)}`);
    out.push('', '</details>', '');
  }
  const groups = findings(model);
  if (groups.length) {
    out.push('## Key findings', '');
    for (const g of groups) {
      out.push(`**${md(g.task)} · ${md(g.split)}**`, '');
      for (const f of g.findings) out.push(`- ${md(f.text)}`);
      out.push('');
    }
  }
  out.push('## Leaderboard', '');
  for (const t of model.tables)
    out.push(`### ${md(t.task)} · ${md(t.split)}`, '', ...table(t, model.baseline, model.score !== null), '');
  if (model.tables.length === 0) out.push('No results in this run.', '');
  return `${out.join('\n').trimEnd()}\n`;
}
