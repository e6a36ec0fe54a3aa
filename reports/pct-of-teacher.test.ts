import { describe, expect, it } from 'vitest';
import { pctOfTeacher } from './format.ts';
import { viewTable } from './html-view.ts';
import type { Table } from './model.ts';

describe('trainable % of teacher', () => {
  it('prints a percentage up to 100% and never above it', () => {
    expect(pctOfTeacher(24.5)).toBe('24.50%');
    expect(pctOfTeacher(100)).toBe('100.00%');
    expect(pctOfTeacher(250)).toBe('student larger than teacher');
    expect(pctOfTeacher(null)).toBe('–');
  });

  it('report.html says "student larger than teacher" for a student with 2.5x the teacher parameters', () => {
    const cost = {
      optimizerSteps: 10,
      teacherForwardTokens: 0,
      teacherGenerations: 0,
      trainableParameters: 250,
      trainablePctOfTeacher: 250,
      wallTimeMs: 1,
      peakRssMB: 1,
      lossTailSlope: null,
      n: 1,
    };
    const table: Table = {
      task: 't',
      split: 'test',
      metrics: [],
      primary: null,
      rows: [{ technique: 'hard-label', student: 's', task: 't', split: 'test', cells: {}, cost }],
    };
    const view = viewTable(table, null, 0);
    const col = view.columns.findIndex((c) => c.label === '% of teacher');
    expect(col).toBeGreaterThan(0);
    expect(view.rows[0].cells[col].main).toBe('student larger than teacher');
  });
});
