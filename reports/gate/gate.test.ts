import { describe, expect, it } from 'vitest';
import { UsageError } from '../../harness/errors.ts';
import { gateSides } from './gate.ts';
import { renderMarkdown } from './render-markdown.ts';
import { renderTerminal } from './render-terminal.ts';
import { manifest, registryOptions, series, side } from './testing.ts';

// Baseline 0.80 0.82 0.84 (seeds 1–3) throughout. Paired t with 3 seeds: half width = 4.3027 · sd/√3.
const BASE = [0.8, 0.82, 0.84];
// d = −0.20 −0.19 −0.21 → CI [−0.224841, −0.175159], wholly below −0.02 (registry tolerance) → regression.
const DEGRADED = [0.6, 0.63, 0.63];
// d = +0.01 −0.01 0 → CI [−0.024841, +0.024841]: contains −0.02 → inconclusive with the registry's 0.02.
const NOISY = [0.81, 0.81, 0.84];

describe('gateSides', () => {
  it('a clear regression exits 1 and names technique and metric', () => {
    const r = gateSides(side([series(DEGRADED)]), side([series(BASE)]), registryOptions);
    expect(r.verdict).toEqual({ exitCode: 1, headline: '❌ 1 regression' });
    expect(r.comparisons[0]).toMatchObject({
      technique: 'soft-label',
      metric: 'accuracy',
      outcome: 'regression',
      tolerance: 0.02,
      toleranceSource: 'registry',
    });
    const md = renderMarkdown(r);
    expect(md.split('\n')[0]).toBe('❌ 1 regression');
    expect(md).toMatch(
      /\| ❌ regression \| arith \| soft-label \| nano \| test \| accuracy ↑ \| 0\.82 \| 0\.62 \| ↓ −0\.2 \| \[−0\.2248, −0\.1752\] \| ±0\.02 \|/,
    );
    expect(renderTerminal(r)).toContain("REGRESSION: technique 'soft-label', metric 'accuracy'");
  });

  it('noise within the CI passes (exit 0)', () => {
    const r = gateSides(side([series(NOISY)]), side([series(BASE)]), registryOptions);
    expect(r.comparisons[0].outcome).toBe('inconclusive');
    // Exit 0, but the headline must not be a green check when most comparisons are undecided.
    expect(r.verdict).toEqual({
      exitCode: 0,
      headline: '❔ inconclusive: 1 of 1 comparisons undecided, no regressions',
    });
    // With a 0.05 tolerance the CI's lower end −0.024841 ≥ −0.05 → pass.
    const wide = gateSides(side([series(NOISY)]), side([series(BASE)]), {
      ...registryOptions,
      tolerances: ['accuracy=0.05'],
    });
    expect(wide.comparisons[0]).toMatchObject({ outcome: 'pass', toleranceSource: 'cli' });
  });

  it('an improvement passes and is labelled', () => {
    // d = +0.10 +0.12 +0.11 → CI [0.085159, 0.134841] > 0.02 → improved.
    const r = gateSides(side([series([0.9, 0.94, 0.95])]), side([series(BASE)]), registryOptions);
    expect(r.verdict.exitCode).toBe(0);
    expect(r.counts.improved).toBe(1);
    expect(renderMarkdown(r)).toContain('| 🟢 improved | arith | soft-label |');
  });

  it('lists missing rows on both sides and does not drop them', () => {
    const cand = side([series(BASE), series(BASE, { technique: 'new-technique' })]);
    const base = side([
      series(BASE),
      series(BASE, { technique: 'hard-label' }),
      series(BASE, { split: 'ood' }),
    ]);
    const r = gateSides(cand, base, registryOptions);
    expect(r.missing).toEqual([
      {
        technique: 'hard-label',
        student: 'nano',
        task: 'arith',
        split: 'test',
        metric: 'accuracy',
        missingIn: 'candidate',
      },
      {
        technique: 'new-technique',
        student: 'nano',
        task: 'arith',
        split: 'test',
        metric: 'accuracy',
        missingIn: 'baseline',
      },
      {
        technique: 'soft-label',
        student: 'nano',
        task: 'arith',
        split: 'ood',
        metric: 'accuracy',
        missingIn: 'candidate',
      },
    ]);
    expect(r.counts.missing).toBe(3);
    expect(r.verdict.exitCode).toBe(0);
    const md = renderMarkdown(r);
    expect(md).toContain('### Missing rows');
    expect(md).toContain('| arith | hard-label | nano | test | accuracy | candidate |');
    expect(md).toContain('| arith | new-technique | nano | test | accuracy | baseline |');
    expect(renderTerminal(r)).toContain('missing in candidate: arith/hard-label/nano test accuracy');
    const strict = gateSides(cand, base, { ...registryOptions, failOnMissing: true });
    expect(strict.verdict).toEqual({ exitCode: 1, headline: '❌ 3 missing rows' });
  });

  it('mismatched signatures on a gated metric refuse the comparison: exit 2 naming metric and both signatures', () => {
    const r = gateSides(
      side([series(BASE, { signature: 'accuracy|exact|v2' })]),
      side([series(BASE)]),
      registryOptions,
    );
    expect(r.verdict.exitCode).toBe(2);
    expect(r.verdict.headline).toBe('⛔ 1 comparison refused (metric signatures differ)');
    expect(r.errors[0]).toContain(
      "metric 'accuracy' signature differs (baseline 'accuracy|exact|v1', candidate 'accuracy|exact|v2')",
    );
  });

  it('a signature mismatch on a metric excluded from gating is only a warning', () => {
    const cand = side([
      series(BASE),
      series(BASE, { metric: 'wer', signature: 'wer|v2', direction: 'lower' }),
    ]);
    const base = side([
      series(BASE),
      series(BASE, { metric: 'wer', signature: 'wer|v1', direction: 'lower' }),
    ]);
    const r = gateSides(cand, base, registryOptions, { exclude: ['wer'] });
    expect(r.verdict.exitCode).toBe(0);
    expect(r.warnings).toContain('not gated (gate config): wer');
  });

  it('environment differences are named as warnings; --strict-env makes them exit 2', () => {
    const candEnv = manifest({
      backend: 'wasm',
      environment: { node: 'v22.1.0', cpu: 'Other CPU', gpu: null, tfjs: '4.22.0', tfjsNode: '4.22.0' },
    });
    const r = gateSides(side([series(BASE)], candEnv), side([series(BASE)]), registryOptions);
    expect(r.verdict.exitCode).toBe(0);
    expect(r.warnings).toEqual([
      'environment: backend differs: baseline tfjs-node, candidate wasm',
      'environment: Node major differs: baseline 20, candidate 22',
      'environment: CPU differs: baseline Test CPU @ 3GHz, candidate Other CPU',
    ]);
    const strict = gateSides(side([series(BASE)], candEnv), side([series(BASE)]), {
      ...registryOptions,
      strictEnv: true,
    });
    expect(strict.verdict).toEqual({ exitCode: 2, headline: '⛔ environment differs (--strict-env)' });
    expect(strict.errors[0]).toBe('--strict-env: the environments differ (backend, Node major, CPU)');
  });

  it('tolerance precedence: --tolerance over gate.yaml over registry; unknown metrics use rows and 0', () => {
    const cand = side([series(NOISY), series(NOISY, { metric: 'custom', signature: 'c' })]);
    const base = side([series(BASE), series(BASE, { metric: 'custom', signature: 'c' })]);
    const fromConfig = gateSides(cand, base, registryOptions, { tolerances: { accuracy: 0.03 } });
    expect(fromConfig.comparisons.map((c) => [c.metric, c.tolerance, c.toleranceSource])).toEqual([
      ['accuracy', 0.03, 'config'],
      ['custom', 0, 'default'],
    ]);
    expect(fromConfig.warnings).toContain(
      "metric 'custom' is not in the metric registry: using the rows' direction ('higher') and the default tolerance 0",
    );
    const fromCli = gateSides(
      cand,
      base,
      { ...registryOptions, tolerances: ['accuracy=0.04,custom=0.1'] },
      { tolerances: { accuracy: 0.03 } },
    );
    expect(fromCli.comparisons.map((c) => [c.tolerance, c.toleranceSource])).toEqual([
      [0.04, 'cli'],
      [0.1, 'cli'],
    ]);
  });

  it('refuses a tolerance for an unknown metric with a suggestion', () => {
    expect(() =>
      gateSides(side([series(BASE)]), side([series(BASE)]), {
        ...registryOptions,
        tolerances: ['acuracy=0.1'],
      }),
    ).toThrow(/--tolerance: unknown metric 'acuracy'. Did you mean: 'accuracy'/);
  });

  it('nothing in common is bad input (exit 2), listing what is missing', () => {
    const run = () =>
      gateSides(side([series(BASE, { task: 'a' })]), side([series(BASE, { task: 'b' })]), registryOptions);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(/nothing to compare[\s\S]*a\/soft-label\/nano test accuracy \(missing in baseline\)/);
  });

  it('a regression and a refused comparison together exit 2 and report both', () => {
    const cand = side([
      series(DEGRADED),
      series(BASE, { metric: 'wer', signature: 'wer|v2', direction: 'lower' }),
    ]);
    const base = side([
      series(BASE),
      series(BASE, { metric: 'wer', signature: 'wer|v1', direction: 'lower' }),
    ]);
    const r = gateSides(cand, base, registryOptions);
    expect(r.verdict).toEqual({
      exitCode: 2,
      headline: '⛔ 1 comparison refused (metric signatures differ), 1 regression',
    });
  });
});
