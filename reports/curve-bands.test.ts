import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../harness/core/run-dir-types.ts';
import { termCurvesChart } from './charts/term-curves.ts';
import { curveDetail } from './curve-bands.ts';

const job = (seed: number, extra: Partial<JobRecord>): JobRecord => ({
  schemaVersion: 1,
  jobKey: `k${seed}`,
  task: 't',
  technique: 'soft-label',
  student: 's',
  seed,
  kind: 'student',
  status: 'ok',
  ...extra,
});

describe('curveDetail: per-term bands over seeds', () => {
  // Two seeds, steps 0 and 10; seed 2 has a non-finite gradient norm at step 10 (null).
  const a = job(1, {
    curve: [
      [0, 3],
      [10, 2],
    ],
    trace: { lr: [0.001, 0.002], terms: { total: [3, 2], ce: [2, 1.5], kd: [1, 0.5] }, gradNorm: [4, 2] },
  });
  const b = job(2, {
    curve: [
      [0, 5],
      [10, 3],
    ],
    trace: { lr: [0.001, 0.002], terms: { total: [5, 3], ce: [3, 2.5], kd: [2, 0.5] }, gradNorm: [6, null] },
  });

  it('gives mean, min and max per term and step, total first', () => {
    const d = curveDetail([a, b]);
    expect(d.terms.map((t) => t.term)).toEqual(['total', 'ce', 'kd']);
    // By hand: total at 0 is mean(3, 5) = 4 in [3, 5]; ce at 10 is mean(1.5, 2.5) = 2 in [1.5, 2.5].
    expect(d.terms[0].points).toEqual([
      [0, 4, 3, 5],
      [10, 2.5, 2, 3],
    ]);
    expect(d.terms[1].points[1]).toEqual([10, 2, 1.5, 2.5]);
    expect(d.terms[2].points).toEqual([
      [0, 1.5, 1, 2],
      [10, 0.5, 0.5, 0.5],
    ]);
    expect(d.lr).toEqual([
      [0, 0.001],
      [10, 0.002],
    ]);
    // At step 10 only seed 1's norm is finite: mean = min = max = 2.
    expect(d.gradNorm).toEqual([
      [0, 5, 4, 6],
      [10, 2, 2, 2],
    ]);
  });

  it('falls back to the total from `curve` for run dirs without a trace', () => {
    const old = [a, b].map(({ trace: _, ...j }) => j as JobRecord);
    const d = curveDetail(old);
    expect(d.terms).toEqual([
      {
        term: 'total',
        points: [
          [0, 4, 3, 5],
          [10, 2.5, 2, 3],
        ],
      },
    ]);
    expect(d.lr).toEqual([]);
    expect(d.gradNorm).toEqual([]);
  });

  it('charts a panel per term plus LR and gradient norm, names escaped', () => {
    const svg = termCurvesChart('detail <x>', 1, curveDetail([a, b]));
    const panels = [...svg.matchAll(/data-panel="([^"]*)"/g)].map((m) => m[1]);
    expect(panels).toEqual([
      'loss: total',
      'loss: ce',
      'loss: kd',
      'learning rate',
      'gradient norm (pre-clip)',
    ]);
    expect(svg).toContain('detail &lt;x&gt;');
    expect(svg).not.toContain('<x>');
    // Bands where seeds differ; the LR panel (one schedule) has none: 4 bands for 5 panels.
    expect(svg.match(/class="band"/g)?.length).toBe(4);
  });
});
