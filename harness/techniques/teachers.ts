import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/logger.ts';
import { activeBackend } from '../engine/backend.ts';
import { writeAtomic } from '../fs-atomic.ts';
import { contentHash } from '../hash.ts';
import { loadCachedModel, saveCachedModel } from '../models/checkpoint.ts';
import type { ModelConfig } from '../models/config.ts';
import { TransformerLM } from '../models/transformer.ts';
import { taskRegistry } from '../tasks/index.ts';
import type { Example } from '../tasks/types.ts';
import { generate } from '../text/generate.ts';
import { teacherForced } from '../text/teacher-forced.ts';
import type { CharTokenizer } from '../text/tokenizer.ts';
import { BatchSampler, encodeAll, lmLoss, trainLoop } from '../training/loop.ts';
import type { TrainingOptions } from '../training/optimizer.ts';
import { HARNESS_VERSION } from '../version.ts';
import { ProgramTeacher } from './program-teacher.ts';
import { RecordedTeacher, readRecorded } from './recorded-teacher.ts';
import type { Teacher } from './teacher.ts';

export type { Teacher } from './teacher.ts';

/** The teacher's network, for code that needs distributions or hidden states; a clear error for a program teacher. */
export function teacherModel(t: Teacher, who: string): TransformerLM {
  if (t.model) return t.model;
  throw new Error(
    `${who} needs the network of teacher '${t.id}', which is a program or recorded teacher (kind: program or responses) and has none. ` +
      'Fix: use a trained teacher, or a sequence-level technique: hard-label, purify:*, multi-teacher with mode: rationales.',
  );
}

/**
 * A trained teacher plus memoized outputs. Teachers are trained once per (task, options, profile,
 * config, budget, seed, vocabulary, backend, harness version) and cached on disk under that content
 * hash; their generations on a prompt set are cached too, so ten techniques over five seeds train
 * and decode each teacher once.
 */
export class TeacherHandle implements Teacher {
  /** Forward tokens spent by techniques on this teacher (the cost record's teacher column). */
  forwardTokens = 0;
  generations = 0;
  private readonly genCache = new Map<string, string[]>();
  private readonly forcedCache = new Map<string, Float32Array[]>();

  constructor(
    readonly id: string,
    readonly profile: string | undefined,
    readonly model: TransformerLM,
    readonly tokenizer: CharTokenizer,
    readonly key: string,
    private readonly dir: string,
    /** True when the weights came from the on-disk cache (no training happened). */
    readonly fromCache = false,
  ) {}

  /** Greedy responses to `prompts`, cached in memory and on disk. */
  async respond(prompts: string[], maxNewTokens: number): Promise<string[]> {
    const key = contentHash({ prompts, maxNewTokens });
    const file = join(this.dir, `gen-${key}.json`);
    let out = this.genCache.get(key);
    if (!out && existsSync(file)) out = JSON.parse(readFileSync(file, 'utf8')) as string[];
    if (!out) {
      out = (await generate(this.model, this.tokenizer, prompts, { maxNewTokens })).map((g) => g.text);
      writeAtomic(file, JSON.stringify(out));
    }
    this.genCache.set(key, out);
    this.generations += prompts.length;
    this.forwardTokens += prompts.reduce((n, p, i) => n + p.length + out![i].length + 3, 0);
    return out;
  }

  /** Teacher-forced log-probs (temperature 1) at the response positions of each pair, cached in memory. */
  async logProbs(pairs: { prompt: string; response: string }[]): Promise<Float32Array[]> {
    const key = contentHash(pairs.map((p) => [p.prompt, p.response]));
    let out = this.forcedCache.get(key);
    if (!out) {
      out = (await teacherForced(this.model, this.tokenizer, pairs)).map((f) => f.logProbs);
      this.forcedCache.set(key, out);
    }
    this.forwardTokens += pairs.reduce((n, p) => n + p.prompt.length + p.response.length + 3, 0);
    return out;
  }

  dispose(): void {
    this.model.dispose();
  }
}

export interface TeacherSpec {
  id: string;
  profile?: string;
  /**
   * 'program': the task's solver answers (program-teacher.ts); 'responses': a recorded file answers
   * (recorded-teacher.ts). `config` and `training` are then unused. Absent: trained.
   */
  kind?: 'program' | 'responses';
  /** kind 'responses': the absolute path of the file, its content hash and what to do with prompts it lacks. */
  file?: string;
  sha256?: string;
  missing?: 'error' | 'skip';
  config: ModelConfig;
  training: TrainingOptions;
}

interface ObtainArgs {
  spec: TeacherSpec;
  taskId: string;
  taskOptions: unknown;
  trainData: Example[];
  tokenizer: CharTokenizer;
  seed: number;
  cacheDir: string;
  log: Logger;
  /** Pool sizes of a suite with `data:` (part of the cache key; absent keeps the old keys). */
  pools?: unknown;
  /** Called after each training step (the runner's teacher lock heartbeat: harness/runner/teacher-once.ts). */
  onStep?: () => void;
}

/**
 * Trains (or loads from the cache) one teacher on its profile's data (gold when no profile); a
 * `kind: 'program'` spec gives the task's solver instead (program-teacher.ts), which trains nothing.
 */
export function obtainTeacher(args: ObtainArgs & { spec: { kind?: undefined } }): Promise<TeacherHandle>;
export function obtainTeacher(args: ObtainArgs): Promise<Teacher>;
export async function obtainTeacher(args: ObtainArgs): Promise<Teacher> {
  const { spec } = args;
  if (spec.kind === 'responses') {
    args.log.info(`teacher ${spec.id}: recorded responses (${spec.file})`);
    return new RecordedTeacher(spec.id, readRecorded(spec.file!, spec.sha256!, `teachers '${spec.id}' file`));
  }
  if (spec.kind !== 'program') return obtainTrainedTeacher(args);
  args.log.info(`teacher ${spec.id}: program (${spec.profile ?? 'gold'} solver of ${args.taskId})`);
  return new ProgramTeacher(spec.id, spec.profile, taskRegistry.get(args.taskId), args.taskOptions);
}

/** Where a trained teacher is cached (also read by the run estimate, which counts a cached one as free). */
export function teacherCacheDir(
  args: Pick<ObtainArgs, 'spec' | 'taskId' | 'taskOptions' | 'seed' | 'pools' | 'cacheDir'> & {
    tokenizer: Pick<CharTokenizer, 'chars'>;
  },
): { key: string; dir: string } {
  const { spec } = args;
  const key = contentHash({
    kind: 'teacher',
    task: args.taskId,
    taskOptions: args.taskOptions,
    profile: spec.profile ?? null,
    config: spec.config,
    training: spec.training,
    seed: args.seed,
    vocabulary: args.tokenizer.chars,
    backend: activeBackend()?.name ?? 'unknown',
    harness: HARNESS_VERSION,
    ...(args.pools ? { pools: args.pools } : {}),
  });
  return { key, dir: join(args.cacheDir, 'teachers', key) };
}

async function obtainTrainedTeacher(args: ObtainArgs): Promise<TeacherHandle> {
  const { spec, tokenizer, seed, log } = args;
  const { key, dir } = teacherCacheDir(args);
  const cached = loadCachedModel(dir, tokenizer, `cached teacher '${spec.id}'`);
  if (cached) {
    log.info(`teacher ${spec.id}: cache hit ${key}`);
    return new TeacherHandle(spec.id, spec.profile, cached, tokenizer, key, dir, true);
  }
  log.info(`teacher ${spec.id}: training ${spec.training.steps} steps (cache miss ${key})`);
  const model = new TransformerLM(spec.config, `teacher:${spec.id}:${seed}`);
  const sampler = new BatchSampler(
    encodeAll(tokenizer, args.trainData),
    spec.training.batchSize,
    spec.config.maxLen,
    `teacher:${spec.id}:${seed}`,
  );
  const result = await trainLoop({
    vars: model.trainableVariables(),
    training: spec.training,
    nextBatch: () => sampler.next(),
    loss: (b) => lmLoss(model, b),
    onStep: args.onStep,
  });
  await saveCachedModel(dir, model, tokenizer, {
    id: spec.id,
    profile: spec.profile,
    finalLoss: result.final,
  });
  return new TeacherHandle(spec.id, spec.profile, model, tokenizer, key, dir);
}
