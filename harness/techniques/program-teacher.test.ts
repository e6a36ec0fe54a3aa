import { describe, expect, it } from 'vitest';
import { arithmeticRationales as task } from '../tasks/arithmetic-rationales.ts';
import { copyReverse } from '../tasks/copy-reverse.ts';
import { parseTaskOptions } from '../tasks/options.ts';
import { techniqueRegistry } from './index.ts';
import { ProgramTeacher } from './program-teacher.ts';
import { type Teacher, teacherModel } from './teachers.ts';

const options = parseTaskOptions(task, {});

describe('ProgramTeacher', () => {
  it('answers with the solver, counts generations, spends no forward tokens', async () => {
    const t = new ProgramTeacher('p', 'no-precedence', task, options);
    // Strictly left to right: (37+48)*2 = 170, where gold does 48*2 first (133).
    expect(await t.respond(['37+48*2=', '3*4='], 40)).toEqual(['37+48=85;85*2=170#170', '3*4=12#12']);
    expect(await t.respond(['37+48*2=', '3*4='], 40)).toEqual(['37+48=85;85*2=170#170', '3*4=12#12']);
    expect(t.generations).toBe(4);
    expect(t.forwardTokens).toBe(0);
    const asTeacher: Teacher = t;
    expect(asTeacher.model).toBeUndefined();
  });

  it('cuts a response at maxNewTokens, as a decoding would be', async () => {
    expect(await new ProgramTeacher('g', undefined, task, options).respond(['37+48*2='], 5)).toEqual([
      '48*2=',
    ]);
  });

  it('has no distributions: logProbs and teacherModel fail naming the teacher and the fix', async () => {
    const t = new ProgramTeacher('gold', undefined, task, options);
    await expect(t.logProbs()).rejects.toThrow(
      /teacher 'gold' is a program teacher.*Fix: use a trained teacher/,
    );
    expect(() => teacherModel(t, 'on-policy')).toThrow(/on-policy needs the network of teacher 'gold'.*Fix:/);
  });

  it('keys differ by profile and options, and a task without a solver is refused', () => {
    const a = new ProgramTeacher('a', undefined, task, options).key;
    expect(new ProgramTeacher('b', undefined, task, options).key).toBe(a);
    expect(new ProgramTeacher('a', 'off-by-one', task, options).key).not.toBe(a);
    expect(new ProgramTeacher('a', undefined, task, { ...options, offByOneThreshold: 3 }).key).not.toBe(a);
    expect(() => new ProgramTeacher('c', undefined, copyReverse, {})).toThrow(/has no solver/);
  });
});

describe('teacherAccess', () => {
  it('every built-in technique states it, so none relies on the safe default by accident', () => {
    const silent = techniqueRegistry.all().filter((t) => t.teacherAccess === undefined);
    expect(silent.map((t) => t.id)).toEqual([]);
  });
});
