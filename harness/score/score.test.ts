import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../reports/aggregate.ts';
import { cli, tmp } from '../../test/helpers/cli.ts';
import { readRunDir } from '../runner/run-dir.ts';
import { runScore } from './score.ts';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'responses');
const EXAMPLE = join(FIX, 'example.jsonl');
const CARDS = join(FIX, 'cards.yaml');

describe('score without a judge on fixtures/responses/example.jsonl', async () => {
  const out = join(tmp('score-run-'), 'run');
  const lines: string[] = [];
  const res = await runScore({
    responses: EXAMPLE,
    referenceModel: 'heron-orca',
    cards: CARDS,
    out,
    log: (l) => lines.push(l),
  });
  const run = readRunDir(out);
  const value = (model: string, task: string, metric: string) =>
    run.results.find((r) => r.technique === model && r.task === task && r.metric === metric)?.value;

  it('writes the run-dir contract: manifest, per-model score jobs, results, examples, reports', () => {
    for (const f of [
      'manifest.json',
      'results.jsonl',
      'jobs.jsonl',
      'examples.jsonl',
      'score.json',
      'report.html',
      'summary.md',
      'results.csv',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(run.manifest.suite.name).toBe('score:example.jsonl');
    expect(run.manifest.seeds).toEqual([0]);
    expect(run.jobs.map((j) => [j.kind, j.technique, j.student, j.status]).sort()).toEqual([
      ['score', 'basalt-lynx', 'recorded', 'ok'],
      ['score', 'heron-orca', 'recorded', 'ok'],
      ['score', 'tide-wren', 'recorded', 'ok'],
    ]);
    expect(new Set(run.results.map((r) => r.seed))).toEqual(new Set([0]));
    expect(new Set(run.results.map((r) => r.task))).toEqual(new Set(['facts', 'howto', 'identity', 'macro']));
    expect(run.examples).toHaveLength(30);
    expect(run.examples.find((e) => e.technique === 'basalt-lynx' && e.id === 'h1')?.teacherResponse).toMatch(
      /^Great question! Here is a simple method: 1. Place/,
    );
    expect(lines[0]).toMatch(/^model\s+RSE-proxy/);
  });

  it('the reference model against itself is the RSE-proxy maximum, 5.0, on every dataset and the macro row', () => {
    for (const task of ['facts', 'howto', 'macro']) expect(value('heron-orca', task, 'rse-proxy')).toBe(5);
    expect(value('basalt-lynx', 'macro', 'rse-proxy')).toBeLessThan(5);
    expect(value('tide-wren', 'macro', 'rse-proxy')).toBeLessThan(
      value('basalt-lynx', 'macro', 'rse-proxy')!,
    );
  });

  it('macro = unweighted mean of the dataset values (not weighted by prompts)', () => {
    for (const metric of ['rse-proxy', 'rse-chrf', 'distinct-1', 'homogenization-pairwise']) {
      const facts = value('tide-wren', 'facts', metric)!;
      const howto = value('tide-wren', 'howto', metric)!;
      expect(value('tide-wren', 'macro', metric)).toBeCloseTo((facts + howto) / 2, 12);
    }
    // accuracy and WER exist only where gold references do (facts), so their macro is that value.
    expect(value('tide-wren', 'facts', 'accuracy')).toBe(0.25);
    expect(value('tide-wren', 'howto', 'accuracy')).toBeUndefined();
    expect(value('tide-wren', 'macro', 'accuracy')).toBe(0.25);
    const sig = run.results.find((r) => r.task === 'macro' && r.metric === 'rse-proxy')!.signature;
    expect(sig).toContain('|ref:heron-orca|agg:macro');
  });

  it('ICE with the card judge on the probe rows; homogenization ranks the imitator closest', () => {
    // basalt-lynx answers i1 "developed by Heron Labs" (T1: hard) and i3 "I am Orca, made by Heron Labs" (T2 names Orca).
    expect([
      value('basalt-lynx', 'identity', 'ice-loose'),
      value('basalt-lynx', 'identity', 'ice-strict'),
      value('basalt-lynx', 'identity', 'ice-hard'),
    ]).toEqual([2 / 3, 2 / 3, 1 / 3]);
    expect(value('tide-wren', 'identity', 'ice-loose')).toBe(0);
    expect(value('tide-wren', 'howto', 'homogenization-pairwise')).toBeLessThan(
      value('basalt-lynx', 'howto', 'homogenization-pairwise')!,
    );
    expect(res.warnings).toEqual([]);
  });

  it('reports read it: one table per dataset × split, models as rows', () => {
    const model = aggregate(run);
    const macro = model.tables.find((t) => t.task === 'macro' && t.split === 'test')!;
    expect(macro.rows.map((r) => r.technique)).toEqual(['basalt-lynx', 'heron-orca', 'tide-wren']);
    expect(macro.rows.find((r) => r.technique === 'heron-orca')!.cells['rse-proxy'].mean).toBe(5);
  });

  it('the report and gate commands accept the score run dir (the gate against itself: exit 0)', () => {
    const report = cli(['report', out]);
    expect(report.code, report.stderr).toBe(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    const gate = cli(['gate', out, '--baseline', out]);
    expect(gate.code, gate.stderr).toBe(0);
    expect(gate.stdout).toContain('no regressions');
    expect(gate.stdout).toMatch(/rse-proxy/);
  }, 30_000);

  it('a rerun into the same directory replaces the earlier score run byte for byte (except times)', async () => {
    const before = readFileSync(join(out, 'results.jsonl'), 'utf8');
    await runScore({
      responses: EXAMPLE,
      referenceModel: 'heron-orca',
      cards: CARDS,
      out,
      report: false,
      log: () => {},
    });
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8')).toBe(before);
  });

  it('CSV input gives the same numbers as JSONL', async () => {
    const csvOut = join(tmp('score-csv-'), 'run');
    await runScore({
      responses: join(FIX, 'example.csv'),
      referenceModel: 'heron-orca',
      cards: CARDS,
      out: csvOut,
      report: false,
      log: () => {},
    });
    // Job keys (and so the file order) differ: they hash the input file's bytes.
    const strip = (rows: ReturnType<typeof readRunDir>['results']) =>
      rows.map(({ jobKey: _k, ...r }) => JSON.stringify(r)).sort();
    expect(strip(readRunDir(csvOut).results)).toEqual(strip(run.results));
  });
});
