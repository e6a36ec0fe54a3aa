import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimateJobMs } from './estimate.ts';
import { planSuite } from './plan.ts';
import { lptAssign, moduloAssign, shardPlan } from './shard.ts';
import { loadSuite } from './suite-load.ts';

const jobs = (costs: Record<string, number>) => Object.entries(costs).map(([key, ms]) => ({ key, ms }));
const members = (a: ReturnType<typeof lptAssign>, shard: number) =>
  [...a.shardOf].filter(([, s]) => s === shard).map(([k]) => k);

describe('lptAssign', () => {
  it('puts the largest job first on the least-loaded shard (hand-worked 8,7,6,5,4 on 2 shards)', () => {
    // 8→s0 [8,0]; 7→s1 [8,7]; 6→s1 [8,13]; 5→s0 [13,13]; 4→s0 (tie: lowest index) [17,13].
    const a = lptAssign(jobs({ k3: 6, k1: 8, k5: 4, k2: 7, k4: 5 }), 2);
    expect(a.loadMs).toEqual([17, 13]);
    expect(members(a, 0).sort()).toEqual(['k1', 'k4', 'k5']);
    expect(members(a, 1).sort()).toEqual(['k2', 'k3']);
  });

  it('breaks equal estimates by key, whatever order the jobs come in', () => {
    const one = lptAssign(jobs({ b: 5, a: 5, c: 5 }), 2);
    const two = lptAssign(jobs({ c: 5, a: 5, b: 5 }), 2);
    // a→s0, b→s1, c→s0 (tie 5/5 goes to the lowest index).
    expect(members(one, 0)).toEqual(['a', 'c']);
    expect(members(one, 1)).toEqual(['b']);
    expect([...two.shardOf].sort()).toEqual([...one.shardOf].sort());
  });

  it('beats modulo on a skewed cost list: 20 vs 30 on the busiest shard', () => {
    // Sorted by key the heavy jobs sit at even positions, so modulo gives shard 0 all three.
    const skewed = jobs({ a: 10, b: 1, c: 10, d: 1, e: 10, f: 1 });
    expect(moduloAssign(skewed, 2).loadMs).toEqual([30, 3]);
    // a→s0, c→s1, e→s0, then b, d, f to s1: [20, 13].
    expect(lptAssign(skewed, 2).loadMs).toEqual([20, 13]);
  });

  it('leaves extra shards empty rather than failing when there are fewer jobs than shards', () => {
    expect(lptAssign(jobs({ a: 3 }), 3).loadMs).toEqual([3, 0, 0]);
  });
});

describe('shardPlan', () => {
  it('splits the micro suite into disjoint shards covering every student, each with the teachers it needs', async () => {
    const loaded = await loadSuite(join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'micro.yaml'));
    const plan = planSuite(loaded, 'cpu');
    const shards = [1, 2, 3].map((index) => shardPlan(plan, { index, count: 3 }));
    const keys = shards.flatMap((s) => s.students.map((j) => j.key));
    expect(keys.sort()).toEqual(plan.students.map((j) => j.key).sort());
    for (const s of shards) {
      const needed = new Set(s.students.flatMap((j) => j.teacherKeys));
      expect(s.teachers.map((t) => t.key).sort()).toEqual([...needed].sort());
    }
    // The same plan gives the same slice on every call (every shard computes it on its own).
    expect(shardPlan(plan, { index: 2, count: 3 })).toEqual(shards[1]);
    // Each shard's load is what LPT computed for it.
    const { loadMs } = lptAssign(
      plan.students.map((j) => ({ key: j.key, ms: estimateJobMs(j) })),
      3,
    );
    shards.forEach((s, i) =>
      expect(s.students.reduce((a, j) => a + estimateJobMs(j), 0)).toBeCloseTo(loadMs[i], 6),
    );
  });
});
