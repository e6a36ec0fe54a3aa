import { estimateJobMs } from './estimate.ts';
import type { Plan } from './plan.ts';

export interface CostedJob {
  key: string;
  ms: number;
}

export interface ShardAssignment {
  /** Job key → shard index (0-based). */
  shardOf: Map<string, number>;
  /** Each shard's summed estimate, index 0 first. */
  loadMs: number[];
}

/**
 * Longest-processing-time-first: jobs by estimate, largest first (ties by key, so every shard
 * computes the same order from the same plan), each to the shard with the least load so far (ties to
 * the lowest index). No coordination: each shard runs this on the whole plan and keeps its own part.
 */
export function lptAssign(jobs: readonly CostedJob[], count: number): ShardAssignment {
  const loadMs = new Array<number>(count).fill(0);
  const shardOf = new Map<string, number>();
  const order = [...jobs].sort((a, b) => b.ms - a.ms || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const j of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (loadMs[s] < loadMs[best]) best = s;
    loadMs[best] += j.ms;
    shardOf.set(j.key, best);
  }
  return { shardOf, loadMs };
}

/** The old slicing (jobs sorted by key, every n-th one), kept to show what LPT improves on. */
export function moduloAssign(jobs: readonly CostedJob[], count: number): ShardAssignment {
  const loadMs = new Array<number>(count).fill(0);
  const shardOf = new Map<string, number>();
  [...jobs]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .forEach((j, i) => {
      loadMs[i % count] += j.ms;
      shardOf.set(j.key, i % count);
    });
  return { shardOf, loadMs };
}

/**
 * `--shard i/n`: the student jobs LPT gives shard i (their estimates from estimate.ts), in plan
 * order, and the teachers they need. A student's estimate is a pure function of the job and
 * calibration.json (job-work.ts reads no cache), so shards of one checkout agree on the split. Teachers are not balanced: every shard that needs one shares it
 * through the teacher cache, where a lock per teacher (harness/runner/teacher-once.ts) lets one shard
 * train it while the others wait and then load it.
 */
export function shardPlan(plan: Plan, shard: { index: number; count: number }): Plan {
  const { shardOf } = lptAssign(
    plan.students.map((s) => ({ key: s.key, ms: estimateJobMs(s) })),
    shard.count,
  );
  const students = plan.students.filter((s) => shardOf.get(s.key) === shard.index - 1);
  const needed = new Set(students.flatMap((s) => s.teacherKeys));
  return { teachers: plan.teachers.filter((t) => needed.has(t.key)), students };
}
