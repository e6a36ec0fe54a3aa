import { describe, expect, it } from 'vitest';
import { parsePrompt } from './arith-profiles.ts';
import { arithmeticRationales as task } from './arithmetic-rationales.ts';
import { taskRegistry } from './index.ts';
import { parseTaskOptions } from './options.ts';

// A program teacher is only as good as its agreement with the data the task itself generates: the
// gold solver must give the gold response byte for byte, each profile its own training target.
const options = parseTaskOptions(task, { trainSize: 200, testSize: 60, validSize: 20, oodSize: 60 });
const data = task.generate(options, 7);
const solve = task.solvePrompt!;

describe('arithmetic-rationales solvePrompt', () => {
  it('the gold solver reproduces the gold response of every example of seed 7 (train, test, ood)', () => {
    for (const split of ['train', 'test', 'ood'] as const) {
      const examples = data.splits[split];
      expect(examples.length).toBeGreaterThan(0);
      for (const ex of examples) expect(solve(options, ex.prompt)).toBe(ex.response);
    }
  });

  it("each blind-spot profile reproduces that profile's generated training target", () => {
    for (const profile of task.profileNames(options)) {
      const examples = data.profiles![profile];
      expect(examples.length).toBe(200);
      const differ = examples.filter((ex, i) => ex.response !== data.splits.train[i].response).length;
      expect(differ, `${profile} never departs from gold, so the check would be vacuous`).toBeGreaterThan(0);
      for (const ex of examples) expect(solve(options, ex.prompt, profile)).toBe(ex.response);
    }
  });

  it('uses the task options (off-by-one threshold), not built-in constants', () => {
    const low = parseTaskOptions(task, { offByOneThreshold: 0 });
    // 2+3 = 5 > 0: one too high under threshold 0, exact under the default 50.
    expect(solve(low, '2+3=', 'off-by-one')).toBe('2+3=6#6');
    expect(solve(options, '2+3=', 'off-by-one')).toBe('2+3=5#5');
  });

  it('parses a parenthesized negative right operand and solves by precedence', () => {
    expect(parsePrompt('5-(-3)*2=')).toEqual({ operands: [5, -3, 2], ops: ['-', '*'] });
    expect(solve(options, '5-(-3)*2=')).toBe('-3*2=-6;5-(-6)=11#11');
    expect(solve(options, '37+48*2=', 'no-precedence')).toBe('37+48=85;85*2=170#170');
  });

  it('refuses text it did not write and profiles it does not have', () => {
    expect(() => solve(options, 'hello=')).toThrow(/not an expression prompt/);
    expect(() => solve(options, '1+2')).toThrow(/not an expression prompt/);
    expect(() => solve(options, '1+2=', 'no-such')).toThrow(/no solver profile 'no-such'/);
  });

  it('only tasks that can compute gold exactly declare a solver', () => {
    const solvers = taskRegistry
      .all()
      .filter((t) => t.solvePrompt)
      .map((t) => t.id);
    expect(solvers).toEqual(['arithmetic-rationales']);
  });
});
