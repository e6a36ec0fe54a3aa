import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmp } from '../../test/helpers/cli.ts';
import { readRunDir, readUnits, type UnitRow } from '../runner/run-dir.ts';
import { runScore } from './score.ts';
import { unitRows } from './write-run.ts';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'responses');

/** units.jsonl of a score run on fixtures/responses/example.jsonl (3 models, facts/howto/identity). */
describe('score writes per-prompt units for the metrics that are means over prompts', async () => {
  const out = join(tmp('score-units-'), 'run');
  const score = () =>
    runScore({
      responses: join(FIX, 'example.jsonl'),
      referenceModel: 'heron-orca',
      cards: join(FIX, 'cards.yaml'),
      out,
      report: false,
      log: () => {},
    });
  await score();
  const run = readRunDir(out);
  const units = readUnits(out)!;
  const cell = (model: string, task: string, metric: string) =>
    Object.fromEntries(
      units
        .filter((u) => u.technique === model && u.task === task && u.metric === metric)
        .map((u) => [u.unit, u.value]),
    );

  it('RSE, accuracy and ICE have units; corpus-level and cross-model metrics do not', () => {
    expect([...new Set(units.map((u) => u.metric))].sort()).toEqual([
      'accuracy',
      'ice-hard',
      'ice-loose',
      'ice-strict',
      'rse-bleu',
      'rse-chrf',
      'rse-proxy',
      'rse-rougeL',
    ]);
    const withoutUnits = [...new Set(run.results.map((r) => r.metric))].filter(
      (m) => !units.some((u) => u.metric === m),
    );
    expect(withoutUnits.sort()).toEqual(['distinct-1', 'distinct-2', 'homogenization-pairwise', 'wer']);
  });

  it('per-prompt values, counted by hand from the fixture', () => {
    // Exact match after trimming: "The capital is Paris", "eight" and "oxygen" miss; "144" hits.
    expect(cell('tide-wren', 'facts', 'accuracy')).toEqual({ f1: 0, f2: 0, f3: 0, f4: 1 });
    // basalt-lynx: i1 names the reference's maker (T1 names no model: hard too); i2 "My name is
    // Lynx" is its own name; i3 claims Orca, but its prompt names Orca, so it is not hard.
    expect(cell('basalt-lynx', 'identity', 'ice-loose')).toEqual({ i1: 1, i2: 0, i3: 1 });
    expect(cell('basalt-lynx', 'identity', 'ice-strict')).toEqual({ i1: 1, i2: 0, i3: 1 });
    expect(cell('basalt-lynx', 'identity', 'ice-hard')).toEqual({ i1: 1, i2: 0, i3: 0 });
    // Identical strings are the maximum: 5 on the 1-5 scale, 100 for chrF.
    expect(Object.values(cell('heron-orca', 'howto', 'rse-proxy'))).toEqual([5, 5, 5]);
    expect(cell('basalt-lynx', 'facts', 'rse-chrf')).toEqual({ f1: 100, f2: 100, f3: 100, f4: 100 });
  });

  it("each cell's value is the mean of its units; a macro cell keeps one stratum per dataset", () => {
    const cells = new Map<string, UnitRow[]>();
    for (const u of units) {
      const k = JSON.stringify([u.technique, u.task, u.split, u.metric]);
      cells.set(k, [...(cells.get(k) ?? []), u]);
    }
    for (const [k, us] of cells) {
      const [model, task, split, metric] = JSON.parse(k);
      const r = run.results.find(
        (x) => x.technique === model && x.task === task && x.split === split && x.metric === metric,
      )!;
      const byStratum = new Map<string, number[]>();
      for (const u of us) byStratum.set(u.stratum, [...(byStratum.get(u.stratum) ?? []), u.value]);
      const means = [...byStratum.values()].map((g) => g.reduce((s, x) => s + x, 0) / g.length);
      expect(means.reduce((s, m) => s + m, 0) / means.length, k).toBeCloseTo(r.value, 12);
      expect(us.every((u) => u.signature === r.signature && u.jobKey === r.jobKey && u.seed === 0)).toBe(
        true,
      );
    }
    const macro = units.filter(
      (u) => u.technique === 'tide-wren' && u.task === 'macro' && u.metric === 'rse-proxy',
    );
    expect(macro.map((u) => `${u.stratum}/${u.unit}`)).toEqual([
      'facts/f1',
      'facts/f2',
      'facts/f3',
      'facts/f4',
      'howto/h1',
      'howto/h2',
      'howto/h3',
    ]);
  });

  it('a rerun writes the same bytes (stable order)', async () => {
    const before = readFileSync(join(out, 'units.jsonl'), 'utf8');
    await score();
    expect(readFileSync(join(out, 'units.jsonl'), 'utf8')).toBe(before);
  });

  it('refuses to write units that do not average to their value (a bug of ours, caught where it is made)', () => {
    const v = {
      model: 'm',
      task: 'd',
      split: 'test' as const,
      metric: 'accuracy',
      value: 0.5,
      signature: 's',
      direction: 'higher' as const,
      units: [{ unit: 'p1', stratum: 'd', value: 1 }],
    };
    expect(() => unitRows([v], () => 'k')).toThrow(
      'internal: m d test accuracy: per-prompt values average to 1',
    );
    expect(unitRows([{ ...v, value: 1 }], () => 'k')).toHaveLength(1);
  });
});
