/**
 * gate.md, sized for a PR comment: the verdict and counts first, then regressions (and refused
 * comparisons) with their reasons, inconclusive ones, and everything that passed folded in
 * <details>. Every cell from run files goes through summary.md's markdown escaper, so a model name
 * cannot put live links, images or HTML into a CI summary.
 */
import { md } from '../summary.ts';
import { arrow, better, ciText, methodText, num, OUTCOME_LABEL, signed, sortForDisplay } from './format.ts';
import type { Comparison, GateResult } from './types.ts';

/** Escapes text for a markdown table cell (summary.md's escaper: no pipes, links, HTML or breaks). */
export const mdCell = md;

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

function comparisonTable(cs: Comparison[], pct: string, withReason: boolean): string[] {
  const head = [
    'Outcome',
    'Task',
    'Technique',
    'Student',
    'Split',
    'Metric',
    'Baseline',
    'Candidate',
    'Δ',
    `${pct} CI`,
    'Tol.',
    ...(withReason ? ['Method', 'Why'] : []),
  ];
  const lines = [row(head), row(head.map(() => '---'))];
  for (const x of sortForDisplay(cs)) {
    const notes = x.notes.length ? ` (${x.notes.join('; ')})` : '';
    lines.push(
      row([
        OUTCOME_LABEL[x.outcome],
        mdCell(x.task),
        mdCell(x.technique),
        mdCell(x.student),
        mdCell(x.split),
        `${mdCell(x.metric)} ${better(x)}`,
        num(x.baseline.mean),
        num(x.candidate.mean),
        `${arrow(x.diff)} ${signed(x.diff)}`.trim(),
        ciText(x),
        `±${num(x.tolerance)}`,
        ...(withReason ? [mdCell(methodText(x)), mdCell(x.reason + notes)] : []),
      ]),
    );
  }
  return lines;
}

export function renderMarkdown(r: GateResult): string {
  const c = r.counts;
  const pct = `${Math.round(r.level * 100)}%`;
  const parts = [
    c.refused ? `${c.refused} refused` : '',
    c.regression ? `**${c.regression} regression${c.regression === 1 ? '' : 's'}**` : '',
    c.inconclusive ? `${c.inconclusive} inconclusive` : '',
    c.improved ? `${c.improved} improved` : '',
    c.pass ? `${c.pass} pass` : '',
    c.missing ? `${c.missing} missing row${c.missing === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  const lines = [
    r.verdict.headline,
    '',
    `**${r.comparisons.length} comparisons**: ${parts.join(' · ') || 'none'}`,
    '',
    `distill-bench gate: ${mdCell(r.candidate)} against baseline ${mdCell(r.baseline)}. ` +
      `Δ = candidate − baseline with its ${pct} CI; a regression is a CI wholly beyond the tolerance on the worse side; ` +
      `inconclusive: the CI reaches past the tolerance but not wholly (more seeds or examples would decide).`,
  ];
  if (r.errors.length) lines.push('', '### Errors', '', ...r.errors.map((e) => `- ${mdCell(e)}`));
  const failing = r.comparisons.filter((x) => x.outcome === 'regression' || x.outcome === 'refused');
  if (failing.length)
    lines.push('', `### Regressions (${failing.length})`, '', ...comparisonTable(failing, pct, true));
  const undecided = r.comparisons.filter((x) => x.outcome === 'inconclusive');
  if (undecided.length)
    lines.push('', `### Inconclusive (${undecided.length})`, '', ...comparisonTable(undecided, pct, false));
  const passed = r.comparisons.filter((x) => x.outcome === 'pass' || x.outcome === 'improved');
  if (passed.length)
    lines.push(
      '',
      `<details><summary>Passed (${c.pass}) and improved (${c.improved})</summary>`,
      '',
      ...comparisonTable(passed, pct, false),
      '',
      '</details>',
    );
  if (r.missing.length) {
    lines.push(
      '',
      `### Missing rows (${r.missing.length})`,
      '',
      row(['Task', 'Technique', 'Student', 'Split', 'Metric', 'Missing in']),
      row(Array(6).fill('---')),
    );
    for (const m of r.missing)
      lines.push(row([m.task, m.technique, m.student, m.split, m.metric, m.missingIn].map(mdCell)));
  }
  if (r.warnings.length)
    lines.push(
      '',
      `<details><summary>Warnings (${r.warnings.length})</summary>`,
      '',
      ...r.warnings.map((w) => `- ${mdCell(w)}`),
      '',
      '</details>',
    );
  lines.push(
    '',
    'Metric arrows: ↑ higher is better, ↓ lower is better. Δ arrows: the direction the value moved.',
  );
  return `${lines.join('\n')}\n`;
}
