import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { Rng } from '../../harness/engine/rng.ts';
import type { ModelConfig } from '../../harness/models/config.ts';
import type { Example, TaskData, TaskDefinition } from '../../harness/tasks/types.ts';
import { makeContext, silentLogger } from '../../harness/techniques/context.ts';
import { obtainTeacher, type TeacherHandle } from '../../harness/techniques/teachers.ts';
import type { TechniqueContext } from '../../harness/techniques/types.ts';
import { CharTokenizer } from '../../harness/text/tokenizer.ts';
import { TrainingOptionsSchema } from '../../harness/training/optimizer.ts';

/** Toy task: reverse a 3-letter string. Gold = reversed; the "copy" teacher profile echoes the prompt. */
function examples(n: number, seed: string, profile: 'gold' | 'copy'): Example[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const p = Array.from({ length: 3 }, () => rng.pick([...'abcdef'])).join('');
    const gold = [...p].reverse().join('');
    return { id: `${seed}-${i}`, prompt: p, response: profile === 'copy' ? p : gold, meta: { answer: gold } };
  });
}

export const toyTask: TaskDefinition = {
  id: 'toy-reverse',
  description: 'reverse three letters (tests only)',
  options: z.object({}).strict(),
  optionDocs: {},
  metrics: ['accuracy'],
  profileNames: () => ['copy'],
  generate: () => ({
    splits: { train: examples(400, 'train', 'gold'), valid: [], test: examples(60, 'test', 'gold'), ood: [] },
    profiles: { copy: examples(400, 'train', 'copy') },
  }),
};

export const TOY_DATA: TaskData = toyTask.generate({}, 0);
export const TOY_TOK = CharTokenizer.fromTexts(['abcdef']);
export const STUDENT: ModelConfig = {
  vocabSize: TOY_TOK.vocabSize,
  dModel: 32,
  layers: 1,
  heads: 2,
  dFF: 64,
  maxLen: 12,
  positions: 'learned',
};
const TEACHER: ModelConfig = { ...STUDENT, dModel: 48, layers: 2 };
const CACHE = mkdtempSync(join(tmpdir(), 'db-toy-'));

export function toyTeacher(
  profile: 'gold' | 'copy',
  cacheDir = CACHE,
  log: { info(m: string): void; warn(m: string): void } = silentLogger,
): Promise<TeacherHandle> {
  return obtainTeacher({
    spec: {
      id: `t-${profile}`,
      profile,
      config: TEACHER,
      training: TrainingOptionsSchema.parse({ steps: 150, lr: 1e-2 }),
    },
    taskId: toyTask.id,
    taskOptions: {},
    trainData: profile === 'copy' ? TOY_DATA.profiles!.copy : TOY_DATA.splits.train,
    tokenizer: TOY_TOK,
    seed: 1,
    cacheDir,
    log,
  });
}

export function toyContext(teachers: TeacherHandle[], steps = 120, seed = 3): TechniqueContext {
  return makeContext({
    task: toyTask,
    taskOptions: {},
    data: TOY_DATA,
    tokenizer: TOY_TOK,
    teachers,
    studentConfig: STUDENT,
    training: TrainingOptionsSchema.parse({ steps, lr: 1e-2, batchSize: 32 }),
    seed,
    log: silentLogger,
    cacheDir: CACHE,
  });
}
