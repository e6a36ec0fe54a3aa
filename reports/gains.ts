/**
 * Technique-vs-baseline comparisons of one table: paired differences over seeds, the inconclusive
 * rules, Holm's correction over each family (one table × metric: every technique against the
 * baseline), the paired cluster bootstrap where per-example scores exist, and gap recovered against
 * the oracle reference row. Reference rows (teacher, oracle, …) are never in a family.
 * docs/statistics.md states every rule used here.
 */
import type { ExampleRow } from '../harness/runner/run-dir.ts';
import { clusterBootstrapDiff } from '../metrics/cluster-bootstrap.ts';
import { gapRecovered } from '../metrics/gap-recovered.ts';
import { clampDifference } from '../metrics/ranges.ts';
import { holmAdjust, inconclusiveReason } from '../metrics/significance.ts';
import { alignBySeed, pairedDifference } from '../metrics/stats.ts';
import type { Direction } from '../metrics/types.ts';
import type { Cell, Gain, MetricColumn, Row } from './model.ts';

export const LEVEL = 0.95;
const ALPHA = 1 - LEVEL;
/** Fixed so the same run dir always gives the same bootstrap interval. */
const BOOTSTRAP_SEED = 0;

const key = (...parts: (string | number)[]) => JSON.stringify(parts);

/**
 * Per-example scores by (metric, task, split, technique, student, seed) → example id → score:
 * accuracy's 0/1 correctness, and gold-nll's example NLL scaled so that the plain mean of paired
 * differences is the corpus-level (token-weighted) difference: goldNll·tokens / mean tokens of the
 * job's examples (both sides score the same gold, so they share tokens and mean).
 */
export type ExampleIndex = Map<string, Map<string, number>>;

export function indexExamples(examples: readonly ExampleRow[]): ExampleIndex {
  const out: ExampleIndex = new Map();
  const put = (metric: string, e: ExampleRow, v: number) => {
    const k = key(metric, e.task, e.split, e.technique, e.student, e.seed);
    const m = out.get(k) ?? new Map<string, number>();
    out.set(k, m);
    m.set(e.id, v);
  };
  const tokens = new Map<string, { sum: number; n: number }>();
  for (const e of examples) {
    if (typeof e.correct === 'boolean') put('accuracy', e, e.correct ? 1 : 0);
    if (typeof e.goldNll === 'number' && typeof e.goldTokens === 'number') {
      const k = key(e.task, e.split, e.technique, e.student, e.seed);
      const t = tokens.get(k) ?? { sum: 0, n: 0 };
      tokens.set(k, { sum: t.sum + e.goldTokens, n: t.n + 1 });
    }
  }
  for (const e of examples) {
    if (typeof e.goldNll !== 'number' || typeof e.goldTokens !== 'number') continue;
    const t = tokens.get(key(e.task, e.split, e.technique, e.student, e.seed))!;
    put('gold-nll', e, (e.goldNll * e.goldTokens) / (t.sum / t.n));
  }
  return out;
}

function significanceOf(p: number | null, reason: string | null): Gain['significance'] {
  if (reason !== null) return 'inconclusive';
  return p !== null && p < ALPHA ? 'significant' : 'not significant';
}

/**
 * Paired over the seeds both cells have; undefined when they share none. On its own (a family of
 * one) pHolm = p; `applyHolm` replaces it with the family's adjustment.
 */
export function gainOf(cell: Cell, base: Cell, direction: Direction, vs: string): Gain | undefined {
  const { a, b } = alignBySeed(cell.values, base.values);
  if (a.length === 0) return undefined;
  const d = pairedDifference(a, b, { level: LEVEL });
  const reason = inconclusiveReason(a.map((x, i) => x - b[i]));
  const ci = clampDifference(cell.metric, d.ci.lo, d.ci.hi);
  const tested = reason === null && d.pT !== null;
  return {
    vs,
    diff: d.meanDiff,
    ciLow: ci.lo,
    ciHigh: ci.hi,
    p: d.pT,
    n: d.n,
    significance: significanceOf(d.pT, reason),
    ...(reason !== null ? { inconclusiveReason: reason } : {}),
    pHolm: tested ? d.pT : null,
    holmK: tested ? 1 : 0,
    holmCi: null,
    bootstrap: null,
    better: direction === 'higher' ? d.meanDiff > 0 : d.meanDiff < 0,
    method: d.signature,
  };
}

/**
 * Holm over the family of gains of one metric (only conclusive comparisons are tested, so k counts
 * those). Each tested gain gets its adjusted p, its Holm-level CI and a significance that follows
 * the adjusted p.
 */
export function applyHolm(family: { gain: Gain; a: number[]; b: number[] }[], metric: string): void {
  const tested = family.filter((f) => f.gain.inconclusiveReason === undefined && f.gain.p !== null);
  const adjusted = holmAdjust(tested.map((f) => f.gain.p));
  const order = tested.map((f, i) => ({ f, i })).sort((x, y) => x.f.gain.p! - y.f.gain.p! || x.i - y.i);
  const k = tested.length;
  order.forEach(({ f, i }, rank) => {
    const level = 1 - ALPHA / (k - rank);
    const ci = pairedDifference(f.a, f.b, { level }).ci;
    const c = clampDifference(metric, ci.lo, ci.hi);
    f.gain.pHolm = adjusted[i];
    f.gain.holmK = k;
    f.gain.holmCi = c.lo !== null && c.hi !== null ? { lo: c.lo, hi: c.hi, level } : null;
    f.gain.significance = significanceOf(adjusted[i], null);
  });
}

function bootstrapOf(
  examples: ExampleIndex,
  metric: string,
  row: Row,
  base: Row,
  seeds: string[],
): { lo: number; hi: number; signature: string } | null {
  const perSeed: number[][] = [];
  for (const s of seeds) {
    const mine = examples.get(key(metric, row.task, row.split, row.technique, row.student, Number(s)));
    const theirs = examples.get(key(metric, base.task, base.split, base.technique, base.student, Number(s)));
    if (!mine || !theirs) return null;
    const ids = [...mine.keys()].filter((id) => theirs.has(id)).sort();
    if (ids.length === 0) return null;
    perSeed.push(ids.map((id) => mine.get(id)! - theirs.get(id)!));
  }
  if (perSeed.length === 0) return null;
  const r = clusterBootstrapDiff(perSeed, { level: LEVEL, seed: BOOTSTRAP_SEED });
  return { lo: r.lo, hi: r.hi, signature: r.signature };
}

/** Gains against the baseline, Holm per metric family, bootstrap and gap recovered, in place. */
export function compareToBaseline(
  rows: Row[],
  metrics: MetricColumn[],
  baseline: string,
  examples: ExampleIndex,
): void {
  const students = rows.filter((r) => r.role === undefined);
  for (const m of metrics) {
    const family: { gain: Gain; a: number[]; b: number[] }[] = [];
    for (const row of students) {
      if (row.technique === baseline) continue;
      const base = students.find((r) => r.technique === baseline && r.student === row.student);
      const c = row.cells[m.id];
      const b = base?.cells[m.id];
      if (!base || !c || !b) continue;
      const gain = gainOf(c, b, m.direction, baseline);
      if (!gain) continue;
      c.gain = gain;
      const aligned = alignBySeed(c.values, b.values);
      family.push({ gain, a: aligned.a, b: aligned.b });
      // Only metrics with per-example scores whose mean is the metric (indexExamples) get one.
      gain.bootstrap = bootstrapOf(examples, m.id, row, base, aligned.seeds);
      const oracle = rows.find((r) => r.role === 'oracle' && r.student === row.student)?.cells[m.id];
      if (oracle) {
        const seeds = aligned.seeds.filter((s) => s in oracle.values);
        if (seeds.length > 0)
          c.gapRecovered = gapRecovered(
            seeds.map((s) => c.values[s]),
            seeds.map((s) => b.values[s]),
            seeds.map((s) => oracle.values[s]),
            { level: LEVEL, seed: BOOTSTRAP_SEED },
          );
      }
    }
    applyHolm(family, m.id);
  }
}
