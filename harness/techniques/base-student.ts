import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitForLock } from '../core/wait-lock.ts';
import { activeBackend } from '../engine/backend.ts';
import { contentHash } from '../hash.ts';
import { loadCachedModel, saveCachedModel } from '../models/checkpoint.ts';
import type { TransformerLM } from '../models/transformer.ts';
import { HARNESS_VERSION } from '../version.ts';
import { none } from './none.ts';
import type { TechniqueContext } from './types.ts';

/**
 * The fine-tuned student that projection-lora injects LoRA into and on-policy (GKD) starts from: the
 * `none` technique's student (gold CE on `ctx.labelled` only, the context's step budget), trained
 * through `none.train` itself so it is the very model `none` scores. Cached on disk under a hash of
 * everything that determines it, the gold pool's content included, so every technique variant of a
 * (task, pool, student, seed) trains it once. Callers add its steps to their cost.
 */
export function baseStudentKey(ctx: TechniqueContext): string {
  return contentHash({
    kind: 'base-student',
    technique: 'none',
    task: ctx.task.id,
    taskOptions: ctx.taskOptions,
    labelled: contentHash(ctx.labelled.map((e) => [e.prompt, e.response])),
    config: ctx.studentConfig,
    training: ctx.training,
    seed: ctx.seed,
    vocabulary: ctx.tokenizer.chars,
    backend: activeBackend()?.name ?? 'unknown',
    harness: HARNESS_VERSION,
  });
}

export async function obtainBaseStudent(
  ctx: TechniqueContext,
): Promise<{ model: TransformerLM; key: string; fromCache: boolean; steps: number }> {
  const key = baseStudentKey(ctx);
  const dir = join(ctx.cacheDir, 'base-students', key);
  const cached = () => loadCachedModel(dir, ctx.tokenizer, `cached base student ${key}`);
  const hit = (model: TransformerLM) => {
    ctx.log.info(`base student: cache hit ${key}`);
    return { model, key, fromCache: true, steps: ctx.training.steps };
  };
  const first = cached();
  if (first) return hit(first);
  mkdirSync(join(ctx.cacheDir, 'base-students'), { recursive: true });
  // Variants of one (task, student, seed) often start together on different workers: one trains the
  // base while the others wait for its checkpoint (the same waiting lock as teachers,
  // harness/runner/teacher-once.ts), instead of training the same model again.
  const lock = await waitForLock(`${dir}.lock`, {
    command: `train base student ${key}`,
    onWait: (h, ms) =>
      ctx.log.info(
        `base student ${key}: pid ${h.pid} on ${h.host} is training it; waited ${Math.round(ms / 1000)} s`,
      ),
  });
  try {
    const done = cached();
    if (done) return hit(done);
    ctx.log.info(`base student: training with 'none' for ${ctx.training.steps} steps (cache miss ${key})`);
    const beat = setInterval(() => lock.heartbeat(), 5_000);
    try {
      const { student } = await none.train(ctx, {});
      await saveCachedModel(dir, student, ctx.tokenizer, { technique: 'none', key });
      return { model: student, key, fromCache: false, steps: ctx.training.steps };
    } finally {
      clearInterval(beat);
    }
  } finally {
    lock.release();
  }
}
