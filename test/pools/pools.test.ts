import { describe, expect, it } from 'vitest';
import { taskRegistry } from '../../harness/tasks/index.ts';
import { parseTaskOptions } from '../../harness/tasks/options.ts';
import { pooledTaskOptions, splitPools } from '../../harness/tasks/pools.ts';
import { none } from '../../harness/techniques/none.ts';
import type { TechniqueContext } from '../../harness/techniques/types.ts';
import { toyContext } from '../helpers/toy-context.ts';

const spec = { teacher: 50, labelled: 20, transfer: 30, seed: 1 };
function pools(studentSeed: number) {
  const task = taskRegistry.get('arithmetic-rationales');
  const options = parseTaskOptions(task, { validSize: 10, testSize: 20, oodSize: 20, maxLength: 40 });
  return splitPools(task.generate(pooledTaskOptions(options, spec), spec.seed), spec, studentSeed);
}

describe('data pools (harness/tasks/pools.ts)', () => {
  it('are disjoint from each other and from valid/test/ood, with the sizes asked for', () => {
    const p = pools(3);
    expect([p.teacher.length, p.labelled.length, p.transfer.length]).toEqual([50, 20, 30]);
    const prompts = (xs: { prompt: string }[]) => xs.map((x) => x.prompt);
    const groups = [
      prompts(p.teacher),
      prompts(p.labelled),
      prompts(p.transfer),
      prompts(p.data.splits.valid),
      prompts(p.data.splits.test),
      prompts(p.data.splits.ood),
    ];
    const all = groups.flat();
    expect(new Set(all).size).toBe(all.length);
  });

  it('are deterministic per student seed; the teacher pool does not depend on it', () => {
    expect(JSON.stringify(pools(3))).toBe(JSON.stringify(pools(3)));
    const [a, b] = [pools(3), pools(4)];
    expect(b.teacher).toEqual(a.teacher);
    expect(b.data.splits.test).toEqual(a.data.splits.test);
    expect(b.labelled.map((e) => e.id)).not.toEqual(a.labelled.map((e) => e.id));
    // Same remainder, cut differently: labelled ∪ transfer is the same set for every seed.
    const ids = (p: typeof a) => [...p.labelled, ...p.transferGold].map((e) => e.id).sort();
    expect(ids(b)).toEqual(ids(a));
  });

  it('give techniques transfer prompts without gold, and only labelled as the train split', () => {
    const p = pools(3);
    for (const t of p.transfer) {
      expect('response' in t).toBe(false);
      expect(t.meta.answer).toBeUndefined();
      expect(t.meta.profileAnswers).toBeUndefined();
    }
    expect(p.data.splits.train).toBe(p.labelled);
  });
});

describe('none never reads the transfer pool', () => {
  it('trains with a context whose transfer accessor throws', async () => {
    const base = toyContext([], 5);
    const ctx = Object.defineProperty({ ...base }, 'transfer', {
      get() {
        throw new Error('none read ctx.transfer');
      },
    }) as TechniqueContext;
    const r = await none.train(ctx, {});
    expect(r.cost.optimizerSteps).toBe(5);
    expect(r.supervision).toBe(base.labelled);
    r.student.dispose();
  });
});
