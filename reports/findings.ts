/**
 * Key findings in words, shared by report.html and summary.md so both say exactly the same:
 * the best technique per table and every technique's gain over `none` on the table's primary metric.
 */
import { gainText, meanPm } from './format.ts';
import type { Gain, ReportModel, Row, Table } from './model.ts';
import { byName } from './order.ts';

export interface Finding {
  text: string;
  /** Null for findings that are not a comparison (e.g. "best on ..."). */
  significance: Gain['significance'] | null;
  better: boolean | null;
}

/** The student is named only when student rows differ in it (a teacher row's own id does not count). */
const rowName = (t: Table, r: Row) =>
  new Set(t.rows.filter((x) => x.role === undefined).map((x) => x.student)).size > 1
    ? `${r.technique} (${r.student})`
    : r.technique;

function verb(g: Gain): string {
  if (g.diff === 0) return 'ties';
  return g.better ? 'beats' : 'trails';
}

export function tableFindings(t: Table): Finding[] {
  if (!t.primary) return [];
  const m = t.metrics.find((x) => x.id === t.primary)!;
  const out: Finding[] = [];
  const best = t.rows.filter((r) => r.cells[m.id]?.best);
  if (best.length) {
    const names = best.map((r) => `${rowName(t, r)} (${meanPm(r.cells[m.id])})`).join(', ');
    out.push({
      text: `Best on ${t.task} · ${t.split} by ${m.id} (${m.direction} is better): ${names}`,
      significance: null,
      better: null,
    });
  }
  // Good gains first (largest improvement first), then the rest; ties broken by name for stability.
  const gains = t.rows
    .filter((r) => r.cells[m.id]?.gain)
    .map((r) => ({ r, g: r.cells[m.id].gain! }))
    .sort(
      (a, b) =>
        (m.direction === 'higher' ? b.g.diff - a.g.diff : a.g.diff - b.g.diff) ||
        byName(rowName(t, a.r), rowName(t, b.r)),
    );
  for (const { r, g } of gains) {
    out.push({
      text: `${rowName(t, r)} ${verb(g)} ${g.vs} on ${m.id} by ${gainText(g)}`,
      significance: g.significance,
      better: g.better,
    });
  }
  return out;
}

export interface FindingGroup {
  task: string;
  split: string;
  findings: Finding[];
}

export function findings(model: ReportModel): FindingGroup[] {
  return model.tables
    .map((t) => ({ task: t.task, split: t.split, findings: tableFindings(t) }))
    .filter((g) => g.findings.length > 0);
}
