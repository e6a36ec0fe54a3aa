import { describe, expect, it } from 'vitest';
import { metricRegistry } from './index.ts';

// The distillation-specific metric ids (issue [D], families 3-8) and the direction the gate uses.
// ICE counts identity contradictions and self-BLEU / pairwise similarity count sameness, so lower wins.
const expected: Record<string, 'higher' | 'lower'> = {
  accuracy: 'higher',
  'rse-proxy': 'higher',
  'rse-top1': 'higher',
  'rse-jsd': 'lower',
  'rse-rougeL': 'higher',
  'rse-chrf': 'higher',
  'rse-bleu': 'higher',
  'ice-loose': 'lower',
  'ice-strict': 'lower',
  'ice-hard': 'lower',
  cka: 'higher',
  'cka-debiased': 'higher',
  'distinct-1': 'higher',
  'distinct-2': 'higher',
  'self-bleu': 'lower',
  'homogenization-pairwise': 'lower',
  'conflict-supervision': 'lower',
  'acc-conflicted': 'higher',
  'acc-agreed': 'higher',
};

describe('distillation metric registration', () => {
  it.each(Object.entries(expected))(
    '%s is registered, %s is better, with a tolerance and signature',
    (id, direction) => {
      const m = metricRegistry.get(id);
      expect(m.direction).toBe(direction);
      expect(m.tolerance).toBeGreaterThan(0);
      expect(m.signature.length).toBeGreaterThan(0);
      expect(m.description.length).toBeGreaterThan(0);
    },
  );

  it('keeps the RSE proxy and the RSE judge apart by signature', () => {
    expect(metricRegistry.get('rse-proxy').signature).toContain('source:proxy');
    expect(metricRegistry.get('rse-proxy').signature).not.toContain('judge:');
    expect(metricRegistry.get('rse-judge').signature).toMatch(/^rse\|judge:/);
  });
});
