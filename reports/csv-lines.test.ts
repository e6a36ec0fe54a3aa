import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('CSV physical lines', () => {
  it('D1: quotes bare LF/CR cells and neutralizes formulas at every physical line start', () => {
    const cells = ["Sure:\n=cmd|' /C calc'!A0", 'a\rb', 'x\r\n+1', 'plain'];
    const text = toCsv(
      ['v'],
      cells.map((c) => [c]),
    );
    const back = (parse(text) as string[][]).slice(1).map((r) => r[0]);
    expect(back).toEqual(["Sure:\n'=cmd|' /C calc'!A0", 'a\rb', "x\r\n'+1", 'plain']);
    for (const line of text.split(/\r\n|\n|\r/)) expect(line).not.toMatch(/^[=+\-@\t]/);
  });
});
