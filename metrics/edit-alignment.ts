/**
 * The word (or character, or phone) alignment behind an edit-distance value, for the report's example
 * browser. Same objective as `EditScorer` (fewest edits, then most hits), so its op counts equal the
 * counts the metric used; kept apart because it needs the full O(n·m) table and a traceback.
 */
import { EditScorer, type EditUnit } from './edit-distance.ts';

export type AlignOp =
  | { op: 'equal' | 'substitute'; ref: string; hyp: string }
  | { op: 'delete'; ref: string; hyp: null }
  | { op: 'insert'; ref: null; hyp: string };

/**
 * Traced back from the end; among equally good predecessors the diagonal is preferred, then a
 * deletion, then an insertion (any of them keeps the optimum, this only fixes which one is shown).
 */
export function alignment(reference: string, hypothesis: string, unit: EditUnit = 'word'): AlignOp[] {
  const scorer = new EditScorer(unit);
  const r = scorer.units(reference);
  const h = scorer.units(hypothesis);
  const n = r.length;
  const m = h.length;
  const W = Math.min(n, m) + 1;
  const cols = m + 1;
  const t = new Float64Array((n + 1) * cols);
  for (let j = 0; j <= m; j++) t[j] = j * W;
  for (let i = 1; i <= n; i++) {
    t[i * cols] = i * W;
    for (let j = 1; j <= m; j++) {
      const diag = t[(i - 1) * cols + j - 1] + (r[i - 1] === h[j - 1] ? -1 : W);
      t[i * cols + j] = Math.min(diag, t[(i - 1) * cols + j] + W, t[i * cols + j - 1] + W);
    }
  }
  const ops: AlignOp[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const here = t[i * cols + j];
    if (i > 0 && j > 0) {
      const same = r[i - 1] === h[j - 1];
      if (here === t[(i - 1) * cols + j - 1] + (same ? -1 : W)) {
        ops.push({ op: same ? 'equal' : 'substitute', ref: r[i - 1], hyp: h[j - 1] });
        i--;
        j--;
        continue;
      }
    }
    if (i > 0 && here === t[(i - 1) * cols + j] + W) {
      ops.push({ op: 'delete', ref: r[i - 1], hyp: null });
      i--;
    } else {
      ops.push({ op: 'insert', ref: null, hyp: h[j - 1] });
      j--;
    }
  }
  return ops.reverse();
}
