import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../harness/engine/backend.ts';
import { UsageError } from '../../harness/errors.ts';
import { techniqueRegistry } from '../../harness/techniques/index.ts';
import { routingDiagnostics, type TeacherQueries } from '../../harness/techniques/purification/shared.ts';
import type { TeacherHandle } from '../../harness/techniques/teachers.ts';
import type { TechniqueContext } from '../../harness/techniques/types.ts';
import { TOY_DATA, toyContext, toyTeacher } from '../helpers/toy-context.ts';

/**
 * End to end on the toy reverse task with two teachers: one trained on gold (right), one that copies
 * the prompt (wrong except on palindromes). 400 training questions; routers label half of them.
 */
const N = TOY_DATA.splits.train.length;
const LABELED = N / 2;
const IDS: [string, Record<string, unknown>, number][] = [
  // [technique, options, teacher calls expected: question × teacher pairs queried]
  ['multi-teacher', {}, 2 * N],
  ['purify:aggregation', {}, 2 * N],
  ['purify:plackett-luce', {}, 2 * LABELED + (N - LABELED)],
  ['purify:classifier-router', { epochs: 100 }, 2 * LABELED + (N - LABELED)],
  ['purify:similarity-router', { epochs: 60 }, 2 * LABELED + (N - LABELED)],
  ['purify:rl-selection', { rounds: 3 }, 2 * N],
];

let teachers: TeacherHandle[];
beforeAll(async () => {
  await loadBackend({ backend: 'wasm' });
  teachers = [await toyTeacher('gold'), await toyTeacher('copy')];
}, 120_000);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('multi-teacher and purification techniques train end to end', () => {
  it.each(IDS)(
    '%s: loss falls and teacher calls are counted',
    async (id, options, calls) => {
      const def = techniqueRegistry.get(id);
      const res = await def.train(
        toyContext(teachers, 60),
        def.options.parse({ maxNewTokens: 8, ...options }),
      );
      const losses = res.history.map((h) => h.terms.total);
      expect(losses).toHaveLength(60);
      expect(mean(losses.slice(-10))).toBeLessThan(0.7 * mean(losses.slice(0, 10)));
      expect(res.cost.extra?.teacherCalls).toBe(calls);
      expect(res.supervision!.length).toBeGreaterThan(N);
      res.student.dispose();
    },
    120_000,
  );

  it('routers send (almost) every question to the teacher that is right', async () => {
    const def = techniqueRegistry.get('purify:classifier-router');
    const res = await def.train(toyContext(teachers, 5), def.options.parse({ maxNewTokens: 8, epochs: 100 }));
    const extra = res.cost.extra as Record<string, number> & { routedCounts: number[] };
    expect(extra.routedCounts[0]).toBeGreaterThan(0.9 * N);
    // Routed-only questions: the gold teacher was picked, so its answers are checked and mostly right.
    expect(extra.routedCorrectUnlabeled).toBeGreaterThan(0.8);
    expect(extra.oracleOnLabeled).toBeGreaterThanOrEqual(extra.bestSingleTeacherOnLabeled);
    res.student.dispose();
  }, 120_000);

  it.each(IDS.map(([id]) => id))('%s: fewer than 2 teachers is a usage error', async (id) => {
    const def = techniqueRegistry.get(id);
    expect(def.minTeachers).toBe(2);
    const run = def.train(toyContext(teachers.slice(0, 1), 5), def.options.parse({}));
    await expect(run).rejects.toThrow(UsageError);
    await expect(def.train(toyContext([], 5), def.options.parse({}))).rejects.toThrow(/at least 2 teachers/);
  });
});

describe('routing diagnostics', () => {
  it("scores OOD routes by the task's per-profile correctness, without querying teachers", () => {
    const ood = [['a'], ['b'], ['a', 'b']].map((c) => ({
      id: '',
      prompt: '',
      response: '',
      meta: { correctProfiles: c },
    }));
    const ctx = {
      teachers: [{ profile: 'a' }, { profile: 'b' }],
      data: { splits: { train: [], valid: [], test: [], ood } },
    } as unknown as TechniqueContext;
    const q = { correct: () => false } as unknown as TeacherQueries;
    const d = routingDiagnostics(ctx, q, [], [], [0, 1, 1]);
    // Routes a, b, b: right on all three; always-a is right on 2 of 3, always-b on 2 of 3.
    expect(d.oodProfileRouted).toBe(1);
    expect(d.oodProfileBestSingle).toBeCloseTo(2 / 3, 12);
  });
});
