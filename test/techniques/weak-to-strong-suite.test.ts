import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../harness/runner/suite-load.ts';

describe('suites/weak-to-strong.yaml', () => {
  it('loads with none, weak-to-strong, the no-prior ablation, reverse-kd and its control, 5 seeds, no warnings', async () => {
    const loaded = await loadSuite('weak-to-strong');
    expect(loaded.techniques.map((t) => t.label)).toEqual([
      'none',
      'weak-to-strong',
      'w2s-no-prior',
      'reverse-kd',
      'label-smoothing',
    ]);
    const [, w2s, ablation] = loaded.techniques as { options: Record<string, unknown> }[];
    // The ablation differs from the main entry in the prior only.
    expect(w2s.options.prior).toBe(true);
    expect(ablation.options).toEqual({ ...w2s.options, prior: false });
    expect(loaded.suite.seeds).toEqual([1, 2, 3, 4, 5]);
    // The teacher is smaller than the student, but every technique that reads it is built for that.
    expect(loaded.warnings).toEqual([]);
  });
});
