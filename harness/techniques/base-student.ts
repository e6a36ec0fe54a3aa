import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
  mkdirSync(join(ctx.cacheDir, 'base-students'), { recursive: true });
  // Variants of one (task, student, seed) often start together on different workers: one trains the
  // base while the others wait for its checkpoint instead of training the same model again.
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const model = loadCachedModel(dir, ctx.tokenizer, `cached base student ${key}`);
    if (model) {
      ctx.log.info(`base student: cache hit ${key}`);
      return { model, key, fromCache: true, steps: ctx.training.steps };
    }
    if (takeLock(`${dir}.lock`) || Date.now() > deadline) break;
    sleepSync(500);
  }
  try {
    ctx.log.info(`base student: training with 'none' for ${ctx.training.steps} steps (cache miss ${key})`);
    const { student } = await none.train(ctx, {});
    await saveCachedModel(dir, student, ctx.tokenizer, { technique: 'none', key });
    return { model: student, key, fromCache: false, steps: ctx.training.steps };
  } finally {
    releaseLock(`${dir}.lock`);
  }
}

/** A waiter gives up and trains the base itself after this long (a hung or remote lock owner). */
const WAIT_LIMIT_MS = 20 * 60_000;

/** mkdir is atomic: whoever creates the lock directory trains. A lock whose owner died is taken over. */
function takeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid));
    return true;
  } catch {
    const pid = Number(readOr(join(lock, 'pid')));
    if (pid > 0 && !alive(pid)) {
      rmSync(lock, { recursive: true, force: true });
      return takeLock(lock);
    }
    return false;
  }
}

function releaseLock(lock: string): void {
  if (readOr(join(lock, 'pid')) === String(process.pid)) rmSync(lock, { recursive: true, force: true });
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
