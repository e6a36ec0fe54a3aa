import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRunDir } from '../harness/runner/run-dir.ts';
import { aggregate } from './aggregate.ts';
import { EXAMPLES_COLUMNS, examplesCsv, RESULTS_COLUMNS, resultsCsv, toCsv } from './csv.ts';
import { parseResultsCsv } from './gate/csv.ts';
import { MINI } from './testing/tmp-run.ts';

const read = (text: string) => parse(text, { bom: true }) as string[][];
/** What a reader strips: the single quote the writer put before a would-be formula. */
const unneutralize = (s: string) => (/^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(s) ? s.slice(1) : s);

describe('CSV writing', () => {
  it('round-trips any strings through csv-parse (quotes, commas, newlines, formulas)', () => {
    // A cell that already starts with ' + a formula character is ambiguous under the OWASP scheme
    // (the reader cannot tell it from a neutralized one), so the property leaves it out.
    const cell = (a: fc.Arbitrary<string>) =>
      a.filter((s) => !/^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(s));
    const text = fc.oneof(fc.string(), fc.constantFrom('=1+1', '-x', '+', '@a', '\tb', '\r', 'a,"b"\r\nc'));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cell(text), cell(fc.string({ unit: 'binary' })), cell(fc.string())), {
          maxLength: 8,
        }),
        (rows) => {
          const back = read(toCsv(['a', 'b', 'c'], rows));
          expect(back[0]).toEqual(['a', 'b', 'c']);
          expect(back.slice(1).map((r) => r.map(unneutralize))).toEqual(rows);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('neutralizes string cells a spreadsheet would execute, and only those', () => {
    const cells = ['=HYPERLINK("http://x","y")', '+1+2', '-2+3', '@SUM(A1)', '\tTAB', '\rCR', 'plain', 'a=b'];
    const back = read(
      toCsv(
        ['v'],
        cells.map((c) => [c]),
      ),
    )
      .slice(1)
      .map((r) => r[0]);
    expect(back).toEqual([
      '\'=HYPERLINK("http://x","y")',
      "'+1+2",
      "'-2+3",
      "'@SUM(A1)",
      "'\tTAB",
      "'\rCR",
      'plain',
      'a=b',
    ]);
  });

  it('keeps real numbers numeric, negative ones included; NaN becomes an empty cell', () => {
    const text = toCsv(['x', 'y', 'z', 'b'], [[-0.5, 1e-7, Number.NaN, true]]);
    expect(text.split('\r\n')[1]).toBe('-0.5,1e-7,,true');
  });

  it('uses CRLF line ends (RFC 4180)', () => {
    expect(toCsv(['a'], [['x']])).toBe('a\r\nx\r\n');
  });
});

describe('results.csv and examples.csv of the mini fixture', () => {
  const run = readRunDir(MINI);
  const model = aggregate(run);

  it('has one line per technique × student × task × split × metric, with the declared columns', () => {
    const rows = read(resultsCsv(model));
    expect(rows[0]).toEqual([...RESULTS_COLUMNS]);
    const cells = model.tables.reduce(
      (n, t) => n + t.rows.reduce((m, r) => m + Object.keys(r.cells).length, 0),
      0,
    );
    expect(rows.length - 1).toBe(cells);
    const col = (name: string) => rows[0].indexOf(name);
    const soft = rows.find(
      (r) =>
        r[col('technique')] === 'soft-label' && r[col('split')] === 'test' && r[col('metric')] === 'accuracy',
    )!;
    const cell = model.tables[0].rows.find((r) => r.technique === 'soft-label')!.cells.accuracy;
    expect(Number(soft[col('mean')])).toBe(cell.mean);
    expect(Number(soft[col('gain')])).toBe(cell.gain!.diff);
    expect(soft[col('gain_significance')]).toBe(cell.gain!.significance);
    expect(Number(soft[col('wall_time_ms')])).toBeGreaterThan(0);
  });

  it('writes negative gains as plain numbers (no quote prefix)', () => {
    const text = resultsCsv(model);
    expect(text).toMatch(/,-0\.\d+,/);
    expect(text).not.toMatch(/'-\d/);
  });

  it('examples.csv has every example row and reads back', () => {
    const rows = read(examplesCsv(run.examples));
    expect(rows[0]).toEqual([...EXAMPLES_COLUMNS]);
    expect(rows.length - 1).toBe(run.examples.length);
    expect(rows[1][rows[0].indexOf('response')]).toBe(run.examples[0].response);
  });

  it('is not mistaken for a per-seed baseline by the gate (aggregated CSV, no seed column)', () => {
    expect(() => parseResultsCsv(resultsCsv(model), 'results.csv')).toThrow(
      /missing column\(s\) seed, value/,
    );
  });
});
