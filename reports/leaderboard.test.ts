import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { cli } from '../test/helpers/cli.ts';
import { LEADERBOARD_COLUMNS } from './csv.ts';
import { buildLeaderboard } from './leaderboard-model.ts';
import { syntheticRun } from './testing/synthetic-run.ts';
import { syntheticDir, tmpDir } from './testing/tmp-run.ts';

const runA = syntheticRun({ suite: 'run-a', techniques: ['none', 'soft-label'] });
const runB = syntheticRun({
  suite: 'run-b',
  techniques: ['none', 'hard-label', 'soft-label'],
  seeds: [3, 4, 5],
});

describe('buildLeaderboard', () => {
  it('ranks entries of several runs together per task × split, best first', () => {
    const lb = buildLeaderboard([
      { dir: 'runs/a', run: runA },
      { dir: 'runs/b', run: runB },
    ]);
    expect(lb.tables.map((t) => `${t.split}:${t.metric}`)).toEqual([
      'test:accuracy',
      'ood:accuracy',
      'probes:ice-loose',
    ]);
    const test = lb.tables[0];
    expect(test.reason).toBeNull();
    expect(test.entries).toHaveLength(5);
    const means = test.entries.map((e) => e.mean);
    expect(means).toEqual([...means].sort((a, b) => b - a));
    expect(test.entries.map((e) => e.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(test.entries.map((e) => e.run))).toEqual(new Set(['runs/a', 'runs/b']));
    // Lower is better for ICE: the ranking flips.
    const probes = lb.tables[2];
    expect(probes.direction).toBe('lower');
    expect(probes.entries[0].mean).toBe(Math.min(...probes.entries.map((e) => e.mean)));
    expect(test.otherMetrics.map((m) => m.id)).toEqual(['rse-top1', 'wer']);
  });

  it('keeps runs whose signatures differ in separate tables, saying why', () => {
    const v2 = syntheticRun({ suite: 'run-v2' });
    for (const r of v2.results)
      if (r.metric === 'accuracy') r.signature = 'accuracy|match:exact|extract:arithmetic-rationales|v2';
    const lb = buildLeaderboard([
      { dir: 'runs/a', run: runA },
      { dir: 'runs/v2', run: v2 },
    ]);
    const test = lb.tables.filter((t) => t.split === 'test');
    expect(test).toHaveLength(2);
    expect(test.map((t) => t.entries.map((e) => e.run)[0])).toEqual(['runs/a', 'runs/v2']);
    expect(test[1].reason).toMatch(
      /accuracy was computed with signature '.*\|v2' in runs\/v2; other runs used '.*\|v1'/,
    );
  });

  it('leaves out a secondary metric whose signature differs, and says so', () => {
    const other = syntheticRun({ suite: 'run-c' });
    for (const r of other.results) if (r.metric === 'wer') r.signature = 'wer|norm:v2|tok:space|corpus';
    const lb = buildLeaderboard([
      { dir: 'a', run: runA },
      { dir: 'c', run: other },
    ]);
    expect(lb.tables[0].otherMetrics.map((m) => m.id)).toEqual(['rse-top1']);
    expect(lb.tables[0].omitted[0]).toMatch(/^wer: left out, its signature differs between runs/);
  });

  it('does not depend on the order the runs are given in', () => {
    const ab = buildLeaderboard([
      { dir: 'a', run: runA },
      { dir: 'b', run: runB },
    ]);
    const ba = buildLeaderboard([
      { dir: 'b', run: runB },
      { dir: 'a', run: runA },
    ]);
    expect(JSON.stringify(ba)).toBe(JSON.stringify(ab));
  });

  it('gives tied entries the same rank', () => {
    const tie = syntheticRun({ suite: 'tie', techniques: ['none', 'x'] });
    for (const r of tie.results) if (r.metric === 'accuracy' && r.split === 'test') r.value = 0.5;
    const lb = buildLeaderboard([{ dir: 't', run: tie }]);
    expect(lb.tables[0].entries.map((e) => e.rank)).toEqual([1, 1]);
  });
});

describe('distill-bench leaderboard', () => {
  it('writes index.html, leaderboard.csv and leaderboard.json', () => {
    const a = syntheticDir({ suite: 'run-a', techniques: ['none', 'soft-label'] });
    const b = syntheticDir({ suite: 'run-b' });
    const out = join(tmpDir(), 'site');
    const r = cli(['leaderboard', a, b, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 table\(s\) from 2 run dir\(s\)/);
    const json = JSON.parse(readFileSync(join(out, 'leaderboard.json'), 'utf8'));
    expect(json.schemaVersion).toBe(1);
    const csv = parse(readFileSync(join(out, 'leaderboard.csv'), 'utf8')) as string[][];
    expect(csv[0]).toEqual([...LEADERBOARD_COLUMNS]);
    expect(csv.length - 1).toBe(
      json.tables.reduce((n: number, t: { entries: unknown[] }) => n + t.entries.length, 0),
    );
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('ranked by accuracy ↑');
    expect(html).not.toMatch(/\s(src|href)\s*=\s*["']?(https?:)?\/\//i);
  });

  it('exits 2 when a path is not a run directory', () => {
    const r = cli(['leaderboard', tmpDir(), '--out', tmpDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a run directory/);
  });
});
