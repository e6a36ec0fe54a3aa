/**
 * gate.md: verdict on the first line ("❌ 1 regression", "✅ no regressions", "⛔ …"), then the
 * comparison table with arrows and CIs. Ready for $GITHUB_STEP_SUMMARY or a PR comment.
 */
import { arrow, better, ciText, methodText, num, OUTCOME_LABEL, signed, sortForDisplay } from './format.ts';
import type { GateResult } from './types.ts';

/** Escapes text for a markdown table cell: no pipes, no raw HTML, one line. */
export function mdCell(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

export function renderMarkdown(r: GateResult): string {
  const c = r.counts;
  const pct = `${Math.round(r.level * 100)}%`;
  const parts = [
    c.refused ? `${c.refused} refused` : '',
    c.regression ? `${c.regression} regression${c.regression === 1 ? '' : 's'}` : '',
    c.inconclusive ? `${c.inconclusive} inconclusive` : '',
    c.improved ? `${c.improved} improved` : '',
    c.pass ? `${c.pass} pass` : '',
  ].filter(Boolean);
  const lines = [
    r.verdict.headline,
    '',
    `**distill-bench gate**: \`${mdCell(r.candidate)}\` against baseline \`${mdCell(r.baseline)}\`: ` +
      `${r.comparisons.length} comparisons (${parts.join(', ')})` +
      `${c.missing ? `, ${c.missing} missing row${c.missing === 1 ? '' : 's'}` : ''}. ` +
      `Δ = candidate − baseline with its ${pct} CI; a regression is a CI wholly beyond the tolerance on the worse side.`,
    '',
    row([
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
      'Tolerance',
      'Method',
    ]),
    row(Array(12).fill('---')),
  ];
  for (const x of sortForDisplay(r.comparisons)) {
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
        methodText(x),
      ]),
    );
  }
  lines.push(
    '',
    `Metric arrows: ↑ higher is better, ↓ lower is better. Δ arrows: the direction the value moved.`,
  );
  if (r.missing.length) {
    lines.push(
      '',
      '### Missing rows',
      '',
      row(['Task', 'Technique', 'Student', 'Split', 'Metric', 'Missing in']),
      row(Array(6).fill('---')),
    );
    for (const m of r.missing)
      lines.push(row([m.task, m.technique, m.student, m.split, m.metric, m.missingIn].map(mdCell)));
  }
  if (r.errors.length) lines.push('', '### Errors', '', ...r.errors.map((e) => `- ${mdCell(e)}`));
  if (r.warnings.length) lines.push('', '### Warnings', '', ...r.warnings.map((w) => `- ${mdCell(w)}`));
  const noted = r.comparisons.filter((x) => x.notes.length || x.outcome !== 'pass');
  if (noted.length) {
    lines.push('', '<details><summary>Details</summary>', '');
    for (const x of sortForDisplay(noted)) {
      const notes = x.notes.length ? ` (${x.notes.join('; ')})` : '';
      lines.push(
        `- ${OUTCOME_LABEL[x.outcome]} ${mdCell(`${x.task}/${x.technique}/${x.student} ${x.split} ${x.metric}`)}: ${mdCell(x.reason + notes)}`,
      );
    }
    lines.push('', '</details>');
  }
  return `${lines.join('\n')}\n`;
}
