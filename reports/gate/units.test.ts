import { describe, expect, it } from 'vitest';
import { UsageError } from '../../harness/errors.ts';
import type { UnitRow } from '../../harness/runner/run-dir.ts';
import { compareSeries } from './compare.ts';
import { gateSides } from './gate.ts';
import { KEY, lookup, registryOptions, series, side } from './testing.ts';
import type { Series } from './types.ts';
import { attachUnits } from './units.ts';

const SIG = 'accuracy|exact|v1';
const opts = {
  level: 0.95,
  directionOf: (m: string) => lookup(m)?.direction,
  toleranceOf: () => ({ tolerance: 0.02, source: 'registry' as const }),
  isGated: () => true,
};

/** Unit rows of KEY, seed 0: stratum → values, ids `${prefix}${i}`. */
function rows(strata: Record<string, number[]>, prefix = 'p', signature = SIG): UnitRow[] {
  return Object.entries(strata).flatMap(([stratum, values]) =>
    values.map((value, i) => ({
      schemaVersion: 1,
      jobKey: 'k',
      ...KEY,
      seed: 0,
      unit: `${prefix}${i}`,
      stratum,
      value,
      signature,
    })),
  );
}

/** A one-seed series whose value is `value`, with `units` attached as the gate's loader does. */
function scored(value: number, units?: UnitRow[], file = 'units.jsonl'): Series {
  const s = series([value], { seeds: [0] });
  if (units) attachUnits([s], units, file);
  return s;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('compareSeries with per-prompt units (one seed per side)', () => {
  it('a constant per-prompt drop of 0.5 is a regression with CI exactly [−0.5, −0.5]', () => {
    // Binary fractions, so every candidate − baseline is exactly −0.5.
    const base = Array.from({ length: 20 }, (_, i) => (i % 2 ? 0.75 : 1));
    const cand = base.map((x) => x - 0.5);
    const c = compareSeries(
      scored(mean(cand), rows({ arith: cand })),
      scored(mean(base), rows({ arith: base })),
      opts,
    );
    expect(c.method).toBe('paired-bootstrap-prompts');
    expect(c.outcome).toBe('regression');
    expect([c.diff, c.ci.lo, c.ci.hi]).toEqual([-0.5, -0.5, -0.5]);
    expect(c.bootstrap).toMatchObject({ shared: 20, onlyCandidate: 0, onlyBaseline: 0, strata: 1 });
    expect(c.p).toBeNull();
  });

  it('a macro cell weighs its datasets equally: −1 on 10 prompts of one, 0 on 30 of another → Δ −0.5', () => {
    // Prompt-weighted it would be −10/40 = −0.25; the macro value is the mean of the dataset means.
    const cand = { a: Array(10).fill(0), b: Array(30).fill(1) };
    const base = { a: Array(10).fill(1), b: Array(30).fill(1) };
    const c = compareSeries(scored(0.5, rows(cand)), scored(1, rows(base)), opts);
    expect([c.outcome, c.diff, c.ci.lo, c.ci.hi]).toEqual(['regression', -0.5, -0.5, -0.5]);
    expect(c.bootstrap?.strata).toBe(2);
  });

  it('pairs only the shared prompt ids and notes the rest', () => {
    // 12 shared prompts equal on both sides; the candidate has 3 more at 0, the baseline 2 more at 1.
    const cand = [...rows({ arith: Array(12).fill(1) }), ...rows({ arith: [0, 0, 0] }, 'c')];
    const base = [...rows({ arith: Array(12).fill(1) }), ...rows({ arith: [1, 1] }, 'b')];
    const c = compareSeries(scored(12 / 15, cand), scored(1, base), opts);
    expect(c.candidate.mean).toBe(12 / 15);
    expect([c.outcome, c.diff, c.ci.lo, c.ci.hi]).toEqual(['pass', 0, 0, 0]);
    expect(c.notes).toContain(
      'paired over the 12 shared prompt ids; 3 only in the candidate and 2 only in the baseline are excluded from Δ and its CI',
    );
  });

  it('fewer than 10 shared prompt ids in a dataset: inconclusive, saying so', () => {
    const cand = [...rows({ arith: Array(9).fill(0) }), ...rows({ arith: Array(20).fill(0) }, 'x')];
    const c = compareSeries(scored(0, cand), scored(1, rows({ arith: Array(20).fill(1) })), opts);
    expect(c.outcome).toBe('inconclusive');
    expect(c.method).toBe('none');
    expect(c.reason).toContain("too few prompt ids shared by both sides to pair ('arith' 9;");
  });

  it('units that do not average to the stored value are refused: exit 2 with a clear message', () => {
    // The baseline's results say 0.9, its units average to 1: they belong to other numbers.
    const units = rows({ arith: Array(20).fill(1) });
    const r = gateSides(side([scored(1, units)]), side([scored(0.9, units)]), registryOptions);
    const c = r.comparisons[0];
    expect([c.outcome, c.refusedFor]).toEqual(['refused', 'units']);
    expect(r.verdict).toEqual({
      exitCode: 2,
      headline: '⛔ 1 comparison refused (per-prompt values do not match the results)',
    });
    expect(r.errors[0]).toBe(
      "refused arith/soft-label/nano test accuracy: the baseline's per-prompt values in units.jsonl average to 1, " +
        'but its results say 0.9: they do not belong to these results (rescore instead of editing either file)',
    );
  });

  it('a units signature other than the results signature is refused', () => {
    const c = compareSeries(
      scored(1, rows({ arith: Array(20).fill(1) }, 'p', 'accuracy|exact|v0')),
      scored(1, rows({ arith: Array(20).fill(1) })),
      opts,
    );
    expect(c.outcome).toBe('refused');
    expect(c.reason).toContain("the candidate's units.jsonl has signature 'accuracy|exact|v0'");
  });

  it('says why there is no CI: no units for the metric, no units file on one side, or a training run', () => {
    const units = rows({ arith: Array(20).fill(1) });
    const corpus = compareSeries(scored(1, []), scored(1, []), opts);
    expect(corpus.outcome).toBe('inconclusive');
    expect(corpus.reason).toContain('corpus-level ones (WER, distinct-n, homogenization) do not');
    const oneSide = compareSeries(scored(1, units), scored(1), opts);
    expect(oneSide.reason).toContain('the baseline has no per-prompt units');
    const training = compareSeries(scored(1), scored(1), opts);
    expect(training.reason).toContain('a CI needs 2 or more seeds');
  });

  it('the CI does not depend on the order of the rows in units.jsonl', () => {
    const cand = rows({ arith: Array.from({ length: 30 }, (_, i) => (i * 7) % 5) });
    const base = rows({ arith: Array.from({ length: 30 }, (_, i) => (i * 3) % 4) });
    const mc = mean(cand.map((r) => r.value));
    const mb = mean(base.map((r) => r.value));
    const a = compareSeries(scored(mc, cand), scored(mb, base), opts);
    const b = compareSeries(scored(mc, [...cand].reverse()), scored(mb, [...base].reverse()), opts);
    expect(a.ci.lo).not.toBe(a.ci.hi);
    expect([b.ci.lo, b.ci.hi, b.diff]).toEqual([a.ci.lo, a.ci.hi, a.diff]);
  });

  it('multi-seed series get no units: the seed-based interval is used as before', () => {
    const s = series([0.8, 0.82, 0.84]);
    attachUnits([s], rows({ arith: Array(20).fill(1) }), 'units.jsonl');
    expect(s.units).toBeUndefined();
    expect(compareSeries(s, series([0.8, 0.82, 0.84]), opts).method).toBe('paired-t');
  });
});

describe('attachUnits: malformed units.jsonl is bad input', () => {
  it('two values for one prompt, or two signatures in one cell, exit 2 naming the file', () => {
    const dup = [...rows({ arith: [1, 1] }), ...rows({ arith: [0] })];
    expect(() => attachUnits([scored(1)], dup, 'run/units.jsonl')).toThrow(UsageError);
    expect(() => attachUnits([scored(1)], dup, 'run/units.jsonl')).toThrow(
      "run/units.jsonl: arith/soft-label/nano test accuracy unit 'p0' of 'arith' has two values (1 and 0)",
    );
    const sigs = [...rows({ arith: [1] }), ...rows({ arith: [1] }, 'q', 'other|v1')];
    expect(() => attachUnits([scored(1)], sigs, 'u.jsonl')).toThrow("signature 'other|v1' differs");
  });
});
