/** The gate's terminal output: an aligned plain-text table, missing rows, warnings, then the verdict. */
import { arrow, better, ciText, methodText, num, signed, sortForDisplay } from './format.ts';
import type { GateResult, Outcome } from './types.ts';

const LABEL: Record<Outcome, string> = {
  regression: 'REGRESSION',
  refused: 'REFUSED',
  inconclusive: 'inconclusive',
  improved: 'improved',
  pass: 'pass',
};

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell + ' '.repeat(widths[i] - [...cell].length))
      .join('  ')
      .trimEnd(),
  );
}

export function renderTerminal(r: GateResult): string {
  const pct = `${Math.round(r.level * 100)}% CI`;
  const rows = [
    [
      'outcome',
      'task',
      'technique',
      'student',
      'split',
      'metric',
      'baseline',
      'candidate',
      'Δ',
      pct,
      'tol',
      'method',
    ],
  ];
  for (const c of sortForDisplay(r.comparisons)) {
    rows.push([
      LABEL[c.outcome],
      c.task,
      c.technique,
      c.student,
      c.split,
      `${c.metric} ${better(c)}`,
      num(c.baseline.mean),
      num(c.candidate.mean),
      `${arrow(c.diff)}${signed(c.diff)}`,
      ciText(c),
      num(c.tolerance),
      methodText(c),
    ]);
  }
  const out = [`gate: ${r.candidate} against baseline ${r.baseline}`, '', ...table(rows)];
  for (const c of r.comparisons.filter((x) => x.outcome === 'regression' || x.outcome === 'refused')) {
    out.push(
      '',
      `${LABEL[c.outcome]}: technique '${c.technique}', metric '${c.metric}' (${c.task}/${c.student} ${c.split}): ${c.reason}`,
    );
  }
  if (r.missing.length) {
    out.push('', `missing rows (${r.missing.length}${r.failOnMissing ? ', failing' : ''}):`);
    for (const m of r.missing)
      out.push(`  missing in ${m.missingIn}: ${m.task}/${m.technique}/${m.student} ${m.split} ${m.metric}`);
  }
  for (const w of r.warnings) out.push(`warning: ${w}`);
  const c = r.counts;
  out.push(
    '',
    `${r.verdict.headline}  (${c.regression} regression, ${c.refused} refused, ${c.inconclusive} inconclusive, ${c.improved} improved, ${c.pass} pass, ${c.missing} missing)`,
  );
  return `${out.join('\n')}\n`;
}
