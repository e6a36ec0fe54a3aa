import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { readJsonl, runSuite, tmp } from '../helpers/cli.ts';

const MICRO = join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'micro.yaml');

describe('weak-to-strong through the runner, from data pools', () => {
  it('gets transfer gold for its ceiling from the runner and writes weak and strong-ceiling rows with PGR', () => {
    const dir = tmp('db-w2s-run-');
    const s = YAML.parse(readFileSync(MICRO, 'utf8'));
    s.teachers = [];
    s.data = { teacher: 10, labelled: 30, transfer: 40 };
    s.students[0].model = { preset: 'nano', dModel: 64, heads: 4 };
    s.techniques = [
      { 'weak-to-strong': { weakPreset: 'nano', maxNewTokens: 6, evalEvery: 4, priorSteps: 6 } },
    ];
    s.seeds = [1, 2, 3];
    s.training.steps = 6;
    s.evaluation = { splits: ['test'], maxExamples: 6, maxNewTokens: 6 };
    const file = join(dir, 'w2s.yaml');
    writeFileSync(file, YAML.stringify(s));
    const out = join(dir, 'run');
    const r = runSuite(file, dir);
    expect(r.code, r.stderr).toBe(0);
    const rows = readJsonl<{ technique: string; role?: string; metric: string; seed: number }>(
      join(out, 'results.jsonl'),
    );
    const kinds = new Set(
      rows.filter((x) => x.metric === 'accuracy').map((x) => `${x.technique}:${x.role ?? '-'}:${x.seed}`),
    );
    for (const seed of [1, 2, 3])
      for (const k of [
        'weak-to-strong:-',
        'weak-to-strong/weak:weak',
        'weak-to-strong/strong-ceiling:strong-ceiling',
      ])
        expect(kinds.has(`${k}:${seed}`), `${k} seed ${seed}`).toBe(true);
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').split('\n');
    const head = csv[0].split(',');
    const line = csv.find((l) => l.startsWith('copy-reverse,test,weak-to-strong,s,,accuracy,'))!.split(',');
    // PGR is present (a number) or, with a zero gap, empty and marked inconclusive: never missing silently.
    const pgr = line[head.indexOf('pgr')];
    const inconclusive = line[head.indexOf('pgr_inconclusive')];
    expect(pgr !== '' || inconclusive === 'true').toBe(true);
    expect(['true', 'false']).toContain(inconclusive);
  }, 120_000);
});
