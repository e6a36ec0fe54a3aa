import { Rng } from '../engine/rng.ts';
import { UsageError } from '../errors.ts';
import type { Example, TaskData, TaskDefinition, TransferPrompt } from './types.ts';

/**
 * The three training pools of a suite with `data: {teacher, labelled, transfer}` (docs/data-pools.md).
 * The task generates one train split of teacher + labelled + transfer examples (distinct by the task's
 * own dedup, and disjoint from valid/test/ood as every task guarantees) from a data seed fixed per
 * suite, so the teacher, its pool and the test split are the same for every student seed. The first
 * `teacher` examples are the teacher's pool; the rest is shuffled by the student seed and cut into
 * `labelled` then `transfer`, so seeds see different labelled/transfer splits of the same remainder.
 */
export interface PoolSizes {
  teacher: number;
  labelled: number;
  transfer: number;
}

export interface PoolSpec extends PoolSizes {
  /** Data seed: fixes the generated examples and the teacher (not the student seed). */
  seed: number;
}

export interface Pools {
  /** Task data with `splits.train` replaced by the labelled pool (so no technique sees more gold). */
  data: TaskData;
  teacher: Example[];
  labelled: Example[];
  /** The transfer pool with gold (only the runner's oracle uses the responses). */
  transferGold: Example[];
  transfer: TransferPrompt[];
}

/** Task options with the train split sized to hold all three pools. */
export function pooledTaskOptions(options: unknown, spec: PoolSizes): unknown {
  return { ...(options as object), trainSize: spec.teacher + spec.labelled + spec.transfer };
}

/** Strips the gold response: what a technique may see of a transfer example. */
export function asTransferPrompt(e: Example): TransferPrompt {
  return { id: e.id, prompt: e.prompt, meta: withoutGold(e.meta) };
}

/** meta fields that carry the gold answer; a transfer prompt must not leak them. */
const GOLD_META = new Set([
  'answer',
  'words',
  'gold',
  'reference',
  'response',
  'rationale',
  'profileAnswers',
  'correctProfiles',
]);
function withoutGold(meta: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(meta).filter(([k]) => !GOLD_META.has(k)));
}

/** Splits generated data into the pools; a pure function of (data, spec, student seed). */
export function splitPools(data: TaskData, spec: PoolSpec, studentSeed: number): Pools {
  const train = data.splits.train;
  const need = spec.teacher + spec.labelled + spec.transfer;
  if (train.length < need)
    throw new UsageError(
      `the task generated ${train.length} training examples but the pools need ${need}. Fix: lower data sizes.`,
      { field: 'data' },
    );
  const teacher = train.slice(0, spec.teacher);
  const rest = train.slice(spec.teacher, need);
  new Rng(`pools:${spec.seed}:${studentSeed >>> 0}`).shuffle(rest);
  const labelled = rest.slice(0, spec.labelled);
  const transferGold = rest.slice(spec.labelled);
  return {
    data: { ...data, splits: { ...data.splits, train: labelled } },
    teacher,
    labelled,
    transferGold,
    transfer: transferGold.map(asTransferPrompt),
  };
}

/**
 * Checks at suite load that the task can generate the pools, so an impossible size exits 2 before any
 * training. `where` names the suite file; the message names `data.<pool>` sizes and the fix.
 */
export function checkPools(task: TaskDefinition, options: unknown, spec: PoolSpec, file: string): void {
  try {
    task.generate(pooledTaskOptions(options, spec), spec.seed);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const total = spec.teacher + spec.labelled + spec.transfer;
    throw new UsageError(
      `${file}: data: task '${task.id}' cannot generate ${total} distinct training examples ` +
        `(teacher ${spec.teacher} + labelled ${spec.labelled} + transfer ${spec.transfer}) under its options ` +
        `(${err.message}). Fix: lower data.teacher, data.labelled or data.transfer, or widen the task's options.`,
      { file, field: 'data' },
    );
  }
}
