import { gapRecovered } from '../metrics/gap-recovered.ts';
import type { MetricColumn, Row } from './model.ts';

/** Same convention as the oracle gap in reports/gains.ts, so the two intervals read alike. */
const LEVEL = 0.95;
const BOOTSTRAP_SEED = 0;

/**
 * Performance gap recovered (docs/weak-to-strong.md): for a student row whose technique returned
 * weak and strong-ceiling references (rows `T/weak` and `T/strong-ceiling`, same student, see
 * harness/runner/reference-rows.ts), PGR = (mean(w2s) − mean(weak)) / (mean(ceiling) − mean(weak))
 * over the seeds all three have, with the paired seed-bootstrap interval of gapRecovered. For a
 * lower-is-better metric the same ratio holds (both gaps flip sign together).
 */
export function attachPgr(rows: Row[], metrics: MetricColumn[]): void {
  for (const row of rows) {
    if (row.role !== undefined) continue;
    const weak = rows.find(
      (r) => r.role === 'weak' && r.student === row.student && r.technique === `${row.technique}/weak`,
    );
    const ceiling = rows.find(
      (r) =>
        r.role === 'strong-ceiling' &&
        r.student === row.student &&
        r.technique === `${row.technique}/strong-ceiling`,
    );
    if (!weak || !ceiling) continue;
    for (const m of metrics) {
      const c = row.cells[m.id];
      const lo = weak.cells[m.id];
      const hi = ceiling.cells[m.id];
      if (!c || !lo || !hi) continue;
      const seeds = Object.keys(c.values).filter((s) => s in lo.values && s in hi.values);
      if (seeds.length === 0) continue;
      c.pgr = gapRecovered(
        seeds.map((s) => c.values[s]),
        seeds.map((s) => lo.values[s]),
        seeds.map((s) => hi.values[s]),
        { level: LEVEL, seed: BOOTSTRAP_SEED },
      );
    }
  }
}
