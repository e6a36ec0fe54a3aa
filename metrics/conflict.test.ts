import { describe, expect, it } from 'vitest';
import {
  conflictSplitAccumulator,
  disagreementMatrix,
  jsdMatrix,
  supervisionConflictAccumulator,
  teacherConflictAccumulator,
  teachersDisagree,
} from './conflict.ts';

const byMetric = (vs: { metric: string; value: number }[]) =>
  Object.fromEntries(vs.map((v) => [v.metric, v.value]));
const afterAnswer = (s: string) => s.split('answer:').pop() ?? '';

describe('teacher conflict', () => {
  // Teachers A, B, C. Hand derivation:
  //  1 [4, 4, 4]       agree
  //  2 [4, 5, 4]       disagree (A≠B, B≠C)
  //  3 [' 7 ', 7, -]   agree after trimming; C gave nothing
  //  4 [x, -, -]       one answer: cannot disagree, not in the denominator
  //  5 [1, 2, 3]       disagree (all pairs)
  // rate = 2 / 4 = 0.5. Pairs both answered / differing: A-B 4 / 2, A-C 3 / 1, B-C 3 / 2.
  const rows: (string | null)[][] = [
    ['4', '4', '4'],
    ['4', '5', '4'],
    [' 7 ', '7', null],
    ['x', null, null],
    ['1', '2', '3'],
  ];
  // JSD: position 1 is A=[1,0], B=[0,1], C=[1,0] → ln2 + 0 + ln2; position 2 all uniform → 0.
  // Mean over 2 positions × 3 pairs = 2 ln2 / 6 = ln2 / 3.
  const dists = [
    [
      [1, 0],
      [0, 1],
      [1, 0],
    ],
    [
      [0.5, 0.5],
      [0.5, 0.5],
      [0.5, 0.5],
    ],
  ];

  it('disagreement rate, pairwise matrix and mean JSD', () => {
    const acc = teacherConflictAccumulator(['A', 'B', 'C']);
    let s = rows.reduce((st, responses) => acc.update(st, { responses }), acc.empty());
    s = acc.update(s, { dists });
    const v = byMetric(acc.compute(s));
    expect(v['conflict-teacher-disagreement']).toBe(0.5);
    expect(v['conflict-teacher-jsd']).toBeCloseTo(Math.LN2 / 3, 14);
    const m = disagreementMatrix(s);
    expect(m[0][1]).toBe(0.5);
    expect(m[1][0]).toBe(0.5);
    expect(m[0][2]).toBeCloseTo(1 / 3, 15);
    expect(m[1][2]).toBeCloseTo(2 / 3, 15);
    expect(m[0][0]).toBeNaN();
    expect(jsdMatrix(s)[0][1]).toBeCloseTo(Math.LN2 / 2, 14);
    expect(jsdMatrix(s)[0][2]).toBe(0);
  });

  it('merges shards exactly', () => {
    const acc = teacherConflictAccumulator(['A', 'B', 'C']);
    const all = rows.reduce((st, responses) => acc.update(st, { responses }), acc.empty());
    const a = rows.slice(0, 2).reduce((st, responses) => acc.update(st, { responses }), acc.empty());
    const b = rows.slice(2).reduce((st, responses) => acc.update(st, { responses }), acc.empty());
    expect(acc.merge(a, b)).toEqual(all);
    expect(() => acc.update(acc.empty(), { responses: ['1'] })).toThrow(/expected 3/);
  });

  it('teachersDisagree ignores missing answers and uses the extractor', () => {
    expect(teachersDisagree(['answer: 3', 'so answer: 3', null], afterAnswer)).toBe(false);
    expect(teachersDisagree(['answer: 3', 'answer: 4'], afterAnswer)).toBe(true);
    expect(teachersDisagree(['3', null])).toBe(false);
  });
});

describe('supervision conflict', () => {
  it('share of training examples contradicting gold or another teacher', () => {
    // 1: 4 | gold 4 | teachers 4,4   → clean
    // 2: 4 | gold 5 | teachers 4,4   → vs gold
    // 3: 4 | gold 4 | teachers 4,6   → vs teacher
    // 4: 9 | gold 8 | teachers 7,-   → both
    // 5: 'answer: 3' → 3 | gold 3    → clean
    // conflicted {2,3,4} = 3 of 5 = 0.6; vsGold {2,4} = 2; vsTeacher {3,4} = 2.
    const acc = supervisionConflictAccumulator({ extract: afterAnswer, extractName: 'after-answer' });
    const inputs = [
      { supervision: 'answer: 4', gold: '4', teacherResponses: ['4', '4'] },
      { supervision: 'answer: 4', gold: '5', teacherResponses: ['4', '4'] },
      { supervision: 'answer: 4', gold: '4', teacherResponses: ['4', '6'] },
      { supervision: 'answer: 9', gold: '8', teacherResponses: ['7', null] },
      { supervision: 'answer: 3', gold: '3' },
    ];
    const [v] = acc.compute(inputs.reduce(acc.update, acc.empty()));
    expect(v.value).toBe(0.6);
    expect(v.detail).toEqual({ conflicted: 3, vsGold: 2, vsTeacher: 2, total: 5 });
    expect(v.signature).toBe('conflict-supervision|vs:gold+teachers|match:exact|extract:after-answer|v1');
  });
});

describe('accuracy on conflicted vs agreed examples', () => {
  it('splits by teacher disagreement', () => {
    // agreed: #1 right, #2 wrong → 1/2; conflicted: #3 right, #4 wrong, #5 right → 2/3; #6 has one answer.
    const acc = conflictSplitAccumulator();
    const inputs = [
      { prediction: '4', gold: '4', teacherResponses: ['4', '4'] },
      { prediction: '5', gold: '4', teacherResponses: ['4', '4'] },
      { prediction: '4', gold: '4', teacherResponses: ['4', '5'] },
      { prediction: '6', gold: '4', teacherResponses: ['4', '5'] },
      { prediction: '4', gold: '4', teacherResponses: ['4', '6'] },
      { prediction: '4', gold: '4', teacherResponses: ['4', null] },
    ];
    const vs = acc.compute(inputs.reduce(acc.update, acc.empty()));
    expect(byMetric(vs)).toEqual({ 'acc-conflicted': 2 / 3, 'acc-agreed': 0.5 });
    expect(vs[0].detail).toEqual({ correct: 2, total: 3 });
  });
});
