import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../harness/errors.ts';
import { appendLines, readRunDir, SCHEMA_VERSION } from '../../harness/runner/run-dir.ts';
import { baselineFromRun, parseBaseline, readBaselineFile, serializeBaseline } from './baseline-file.ts';
import { parseResultsCsv, readCsvSide } from './csv.ts';
import { gateSides } from './gate.ts';
import { loadSide } from './load.ts';
import { registryOptions, removeTempDirs, tempDir, writeRunDir } from './testing.ts';

afterAll(removeTempDirs);

const specs = [
  { technique: 'none', metric: 'accuracy', values: [0.5, 0.625] },
  { technique: 'soft-label', metric: 'accuracy', values: [0.75, 0.875] },
  { technique: 'soft-label', metric: 'wer', values: [0.25, 0.125], direction: 'lower' as const },
];

describe('baseline save format', () => {
  it('keeps per-seed values, signatures, directions and the environment, and reads back equal to the run', () => {
    const dir = writeRunDir(tempDir(), 'run', specs);
    const b = baselineFromRun(readRunDir(dir));
    expect(b.entries).toHaveLength(3);
    expect(b.entries[1]).toEqual({
      technique: 'soft-label',
      student: 'nano',
      task: 'arith',
      split: 'test',
      metric: 'accuracy',
      direction: 'higher',
      signature: 'accuracy|exact|v1',
      values: { '1': 0.75, '2': 0.875 },
    });
    expect(b.source).toMatchObject({
      backend: 'tfjs-node',
      harnessVersion: '0.1.0',
      environment: { node: 'v20.11.1' },
    });
    const text = serializeBaseline(b);
    // Deterministic: the same run saves to the same bytes; one entry per line.
    expect(serializeBaseline(baselineFromRun(readRunDir(dir)))).toBe(text);
    expect(text.split('\n').filter((l) => l.startsWith('    {"technique"'))).toHaveLength(3);
    const file = join(tempDir(), 'main.json');
    writeFileSync(file, text);
    const fromFile = readBaselineFile(file);
    expect(fromFile.series).toEqual(loadSide(dir, 'baseline').series);
    // Gating a run against its own baseline: every paired difference is 0, CI [0, 0] → pass.
    const r = gateSides(loadSide(dir, 'candidate'), fromFile, registryOptions);
    expect(r.verdict.exitCode).toBe(0);
    expect(r.counts.pass).toBe(3);
    expect(r.environment.differences).toEqual([]);
  });

  it('keeps a seed whose value was not a number as null and excludes it when gating', () => {
    const dir = writeRunDir(tempDir(), 'run', specs.slice(0, 1));
    appendLines(join(dir, 'results.jsonl'), [
      {
        schemaVersion: SCHEMA_VERSION,
        jobKey: 'x',
        task: 'arith',
        technique: 'none',
        student: 'nano',
        seed: 3,
        split: 'test',
        metric: 'accuracy',
        value: null,
        signature: 'accuracy|exact|v1',
        direction: 'higher',
      },
    ]);
    const b = parseBaseline(serializeBaseline(baselineFromRun(readRunDir(dir))), 'b.json');
    expect(b.entries[0].values).toEqual({ '1': 0.5, '2': 0.625, '3': null });
  });

  it('stores a per-seed signature only for the seeds that differ from the first', () => {
    const dir = writeRunDir(tempDir(), 'run', [
      { technique: 'none', metric: 'cka', values: [0.5, 0.625, 0.75] },
    ]);
    const rows = readRunDir(dir).results;
    rows[1].signature = 'cka|n:56';
    const b = baselineFromRun({ ...readRunDir(dir), results: rows });
    expect(b.entries[0].signature).toBe('cka|exact|v1');
    expect(b.entries[0].signatures).toEqual({ '2': 'cka|n:56' });
    const file = join(tempDir(), 'b.json');
    writeFileSync(file, serializeBaseline(b));
    expect(readBaselineFile(file).series[0].signatures).toEqual({
      '1': 'cka|exact|v1',
      '2': 'cka|n:56',
      '3': 'cka|exact|v1',
    });
  });

  it('names the file and the field of a broken baseline', () => {
    expect(() => parseBaseline('{"kind":"other"}', 'b.json')).toThrow(
      /b\.json: not a distill-bench baseline \(field 'kind'/,
    );
    const dir = writeRunDir(tempDir(), 'run', specs);
    const good = JSON.parse(serializeBaseline(baselineFromRun(readRunDir(dir))));
    good.entries[0].direction = 'up';
    expect(() => parseBaseline(JSON.stringify(good), 'b.json')).toThrow(
      /b\.json: field 'entries\.0\.direction'/,
    );
    expect(() => parseBaseline('{', 'b.json')).toThrow(UsageError);
  });
});

describe('per-seed results CSV as a baseline', () => {
  const header = 'technique,student,task,split,metric,seed,value,signature,direction';

  it('reads the documented columns; extra columns are ignored, formula-neutralized cells are unquoted', () => {
    const csv = `${header},extra\nsoft-label,nano,arith,test,accuracy,1,0.75,accuracy|exact|v1,higher,x\nsoft-label,nano,arith,test,delta,2,'-0.5,d|v1,lower,y\nsoft-label,nano,arith,test,delta,3,NaN,d|v1,lower,z\n`;
    const rows = parseResultsCsv(csv, 'r.csv');
    expect(rows[0]).toMatchObject({ technique: 'soft-label', seed: 1, value: 0.75, direction: 'higher' });
    expect(rows[1]).toMatchObject({ metric: 'delta', seed: 2, value: -0.5, direction: 'lower' });
    expect(rows[2].value).toBeNull();
  });

  it('names missing columns and bad cells with file and line', () => {
    expect(() => parseResultsCsv('technique,metric,mean\nx,y,1\n', 'agg.csv')).toThrow(
      /agg\.csv: missing column\(s\) student, task, split, seed, value, signature/,
    );
    expect(() => parseResultsCsv(`${header}\na,b,c,d,e,1,oops,s,higher\n`, 'r.csv')).toThrow(
      "r.csv:2: column 'value' must be a number, got 'oops'",
    );
    expect(() => parseResultsCsv(`${header}\na,b,c,d,e,x,1,s,higher\n`, 'r.csv')).toThrow(
      "r.csv:2: column 'seed' must be an integer",
    );
  });

  it('uses a manifest.json beside the CSV for the environment check', () => {
    const dir = writeRunDir(tempDir(), 'run', specs);
    const lines = readRunDir(dir).results.map((r) =>
      [r.technique, r.student, r.task, r.split, r.metric, r.seed, r.value, r.signature, r.direction].join(
        ',',
      ),
    );
    writeFileSync(join(dir, 'results.csv'), `${header}\n${lines.join('\n')}\n`);
    const csvSide = readCsvSide(join(dir, 'results.csv'));
    expect(csvSide.env?.backend).toBe('tfjs-node');
    expect(csvSide.series).toEqual(loadSide(dir, 'baseline').series);
    expect(readFileSync(join(dir, 'results.csv'), 'utf8')).toContain(
      'soft-label,nano,arith,test,wer,2,0.125',
    );
  });
});
