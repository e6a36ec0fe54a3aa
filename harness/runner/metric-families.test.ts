import { describe, expect, it } from 'vitest';
import { parseSignature } from '../../metrics/family.ts';
import { familyOf, metricFamilies, metricRegistry } from '../../metrics/index.ts';
import { NAMES as METRIC_COMMAND } from '../commands/metric.ts';
import { SCORE_METRICS } from '../score/produces.ts';
import { taskRegistry } from '../tasks/index.ts';
import { EVALUATORS } from './evaluators.ts';
import { producibleMetrics, runMetricIds, whyUnproducible } from './metric-check.ts';

const producers = new Set([...runMetricIds(), ...SCORE_METRICS, ...METRIC_COMMAND]);

describe('metric families', () => {
  it('every registered id is produced by a run, by score or by the metric command', () => {
    const orphans = metricRegistry.all().filter((m) => !producers.has(m.id));
    expect(orphans.map((m) => m.id)).toEqual([]);
  });
  it('every produced id is registered in a family', () => {
    expect([...producers].filter((id) => !familyOf(id))).toEqual([]);
  });
  it("every registered signature parses and carries its family's signature fields", () => {
    for (const f of metricFamilies) {
      for (const m of f.metrics) {
        const sig = parseSignature(m.signature);
        expect(sig, `${m.id}: ${m.signature}`).toBeDefined();
        const missing = f.signatureFields.filter((k) => !sig!.fields.has(k));
        expect(missing, `${m.id} lacks signature fields`).toEqual([]);
      }
    }
  });
  it('a family missing a declared signature field fails the check', () => {
    const sig = parseSignature('bleu|nrefs:1|case:mixed|v1')!;
    expect(['nrefs', 'case', 'tok'].filter((k) => !sig.fields.has(k))).toEqual(['tok']);
    expect(parseSignature('name-only')).toBeUndefined();
    expect(parseSignature('x||v1')).toBeUndefined();
  });
  it('a family scored against gold is produced by runs and the metric command with no wiring of its own', async () => {
    const bound = metricFamilies.filter((f) => f.againstGold).flatMap((f) => f.metrics.map((m) => m.id));
    expect(bound).toEqual(expect.arrayContaining(['ter', 'bleu', 'chrf', 'rouge1']));
    for (const id of bound) {
      expect(runMetricIds(), id).toContain(id);
      expect(METRIC_COMMAND, id).toContain(id);
    }
    const ter = EVALUATORS.find((e) => e.family === 'ter')!;
    const ctx = {
      split: 'test',
      examples: [{ response: 'a b c d e f g h' }],
      responses: ['d e f g h a b c'],
    };
    // One shift over eight reference words (sacreBLEU's test_ter.py case).
    expect((await ter.run(ctx as never))[0].value).toBeCloseTo(12.5, 12);
    expect(whyUnproducible('ter', [{ task: taskRegistry.get('copy-reverse'), teachers: 0 }])).toBeUndefined();
  });
  it('evaluator family names do not collide with metric ids of other families', () => {
    for (const e of EVALUATORS) {
      if (metricRegistry.has(e.family)) expect(e.ids).toContain(e.family);
    }
  });
});

describe('what a suite can produce', () => {
  const copy = taskRegistry.get('copy-reverse');
  const identity = taskRegistry.get('identity');
  it('teacher-relative metrics need a teacher; ICE needs the identity task', () => {
    expect(producibleMetrics([{ task: copy, teachers: 0 }])).not.toContain('rse-proxy');
    expect(producibleMetrics([{ task: copy, teachers: 1 }])).toContain('rse-proxy');
    expect(producibleMetrics([{ task: copy, teachers: 1 }])).not.toContain('ice');
    expect(producibleMetrics([{ task: identity, teachers: 1 }])).toContain('ice-loose');
    expect(whyUnproducible('rse', [{ task: copy, teachers: 0 }])).toMatch(/'rse' needs a teacher's outputs/);
    expect(whyUnproducible('acc-conflicted', [{ task: copy, teachers: 1 }])).toMatch(/profiles' answers/);
    expect(whyUnproducible('homogenization-pairwise', [{ task: copy, teachers: 1 }])).toMatch(
      /computed by `distill-bench score`/,
    );
    expect(whyUnproducible('wer', [{ task: copy, teachers: 0 }])).toBeUndefined();
  });
  it('gold-nll needs only gold: producible on every task, with or without teachers', () => {
    for (const task of taskRegistry.all())
      for (const teachers of [0, 1])
        expect(whyUnproducible('gold-nll', [{ task, teachers }]), task.id).toBeUndefined();
  });
});
