import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { activeBackend } from '../../engine/backend.ts';
import { contentHash } from '../../hash.ts';
import { loadCheckpoint, saveCheckpoint } from '../../models/checkpoint.ts';
import type { TransformerLM } from '../../models/transformer.ts';
import { assertSameVocabulary } from '../../text/tokenizer.ts';
import { HARNESS_VERSION } from '../../version.ts';
import { none } from '../none.ts';
import type { TechniqueContext } from '../types.ts';

/**
 * The "pretrained" student LoRA is injected into: the `none` technique's student (gold CE only, the
 * context's step budget), trained through `none.train` itself so it is the very model `none` scores.
 * Cached on disk under a hash of everything that determines it, so every projection-lora variant of a
 * (task, student, seed) trains it once.
 */
export function baseStudentKey(ctx: TechniqueContext): string {
  return contentHash({
    kind: 'base-student',
    technique: 'none',
    task: ctx.task.id,
    taskOptions: ctx.taskOptions,
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
  if (existsSync(join(dir, 'model.json'))) {
    const { model, tokenizer } = loadCheckpoint(dir);
    assertSameVocabulary(tokenizer, ctx.tokenizer, [`cached base student ${key}`, 'this suite']);
    ctx.log.info(`base student: cache hit ${key}`);
    return { model, key, fromCache: true, steps: ctx.training.steps };
  }
  ctx.log.info(`base student: training with 'none' for ${ctx.training.steps} steps (cache miss ${key})`);
  const { student } = await none.train(ctx, {});
  // Private directory then rename (as for teachers): concurrent workers never see half a checkpoint.
  mkdirSync(join(ctx.cacheDir, 'base-students'), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  saveCheckpoint(tmp, student, ctx.tokenizer, { technique: 'none', key });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { model: student, key, fromCache: false, steps: ctx.training.steps };
}
