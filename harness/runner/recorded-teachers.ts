import { dirname, resolve } from 'node:path';
import { clip, forTerminal } from '../core/sanitize.ts';
import { UsageError } from '../errors.ts';
import { taskRegistry } from '../tasks/index.ts';
import { pooledTaskOptions } from '../tasks/pools.ts';
import type { Example } from '../tasks/types.ts';
import { fileSha256, readRecorded } from '../techniques/recorded-teacher.ts';
import type { Suite } from './suite-schema.ts';
import type { TechniqueRef } from './suite-types.ts';

/** How many missing prompts a message lists. */
const SHOWN = 3;

/** Outputs-only techniques that ask their teacher prompts of their own making, which no recording holds. */
const ASKS_NEW_PROMPTS = new Map([['conversational', 'asks its teacher fresh task draws']]);

/**
 * The prompts techniques may put to a teacher (docs/data-pools.md, "Recorded teachers"): with pools,
 * labelled plus transfer (the same examples for every student seed, in another order); without, each
 * seed's train split.
 */
function trainingPrompts(suite: Suite, i: number, options: unknown): Example[] {
  const task = taskRegistry.get(suite.tasks[i].id);
  const pools = suite.data;
  if (pools) {
    const train = task.generate(pooledTaskOptions(options, pools), pools.seed).splits.train;
    return train.slice(pools.teacher, pools.teacher + pools.labelled + pools.transfer);
  }
  const seen = new Map<string, Example>();
  for (const seed of suite.seeds)
    for (const e of task.generate(options, seed).splits.train) seen.set(e.prompt, e);
  return [...seen.values()];
}

/**
 * Checks the `kind: responses` teachers of task `i` and resolves their files: `file` relative to the
 * suite, read and validated now (and its content hash stored, so the suite hash and job keys change with
 * the file). A training prompt without a recorded response exits 2 (`missing: error`, the default) or
 * is left out of every pool of every technique and the oracle (`missing: skip`, a warning with the
 * count). A test/OOD split the file does not fully cover gets no teacher row (a warning). Returns the
 * warnings; throws UsageError naming file, field and fix.
 */
export function prepareRecordedTeachers(
  file: string,
  suite: Suite,
  i: number,
  options: unknown,
  techniques: TechniqueRef[],
): string[] {
  const entry = suite.tasks[i];
  const teachers = entry.teachers ?? suite.teachers;
  const whereOf = (j: number) => (entry.teachers ? `tasks[${i}].teachers[${j}]` : `teachers[${j}]`);
  const fail = (field: string, message: string): never => {
    throw new UsageError(`${file}: ${field}: ${message}`, { file, field });
  };
  const warnings: string[] = [];
  let prompts: Example[] | undefined;
  teachers.forEach((teacher, j) => {
    const where = whereOf(j);
    if (teacher.kind !== 'responses') {
      for (const field of ['file', 'missing'] as const)
        if (teacher[field] !== undefined)
          fail(
            `${where}.${field}`,
            `'${field}' is for recorded teachers only. Fix: set kind: responses, or remove '${field}'.`,
          );
      return;
    }
    for (const field of ['model', 'training', 'profile'] as const)
      if (teacher[field] !== undefined)
        fail(
          `${where}.${field}`,
          `teacher '${teacher.id}' is kind: responses (recorded from a model the harness does not run), so it takes no '${field}'. Fix: remove '${field}', or set kind: trained.`,
        );
    if (!teacher.file)
      fail(
        `${where}.file`,
        `teacher '${teacher.id}' is kind: responses but names no file. Fix: file: responses.jsonl (columns prompt, response, optionally id; relative to the suite).`,
      );
    // Resolved here, so workers and resumed runs read the absolute path and the hash from the job.
    teacher.file = resolve(dirname(file), teacher.file!);
    teacher.sha256 = fileSha256(teacher.file, `${where}.file`);
    const recorded = readRecorded(teacher.file!, teacher.sha256, `${where}.file`);
    techniques.forEach((tech, k) => {
      const why = ASKS_NEW_PROMPTS.get(tech.id);
      if (why)
        fail(
          `techniques[${k}]`,
          `'${tech.label}' ${why}, but ${where} '${teacher.id}' is kind: responses and answers only the prompts of ${teacher.file}. ` +
            'Fix: drop it, or use hard-label, multi-teacher with mode: rationales or a purify:* router.',
        );
    });
    prompts ??= trainingPrompts(suite, i, options);
    const lacking = prompts.filter((e) => !recorded.byPrompt.has(e.prompt));
    if (lacking.length > 0) {
      const shown = lacking
        .slice(0, SHOWN)
        .map((e) => `${forTerminal(e.id, 40)} ${JSON.stringify(clip(e.prompt, 60))}`)
        .join(', ');
      const what = `${lacking.length} of ${prompts.length} training prompts of task '${entry.id}' have no recorded response in ${teacher.file} (first: ${shown}${lacking.length > SHOWN ? ', …' : ''})`;
      if ((teacher.missing ?? 'error') === 'error')
        fail(
          `${where}.file`,
          `teacher '${teacher.id}': ${what}. Fix: record responses for them, or set missing: skip on ${where} to train every technique on the prompts that have one.`,
        );
      warnings.push(
        `${file}: ${where} '${teacher.id}': ${what}; missing: skip leaves them out of the labelled and transfer pools of every technique and the oracle.`,
      );
    }
    if (suite.data) {
      const data = taskRegistry
        .get(entry.id)
        .generate(pooledTaskOptions(options, suite.data), suite.data.seed);
      for (const split of suite.evaluation.splits) {
        const exs = data.splits[split].slice(0, suite.evaluation.maxExamples);
        const n = exs.filter((e) => recorded.byPrompt.has(e.prompt)).length;
        if (exs.length > 0 && n < exs.length)
          warnings.push(
            `${file}: ${where} '${teacher.id}': ${teacher.file} covers ${n} of ${exs.length} ${split} prompts, so there is no teacher row on ${split}${j === 0 ? ' (nor teacher-relative metrics)' : ''}. Fix: record responses for the ${split} prompts.`,
          );
      }
    }
  });
  return warnings;
}

/**
 * The pools filter of a task with a `missing: skip` recorded teacher: an example stays when every
 * recorded teacher of the task has its prompt. Undefined when no filter applies.
 */
export function recordedCoverage(
  recorded: { file: string; sha256: string }[] | undefined,
): ((e: Pick<Example, 'prompt'>) => boolean) | undefined {
  if (!recorded?.length) return undefined;
  const files = recorded.map((r) => readRecorded(r.file, r.sha256, 'teachers[].file'));
  return (e) => files.every((f) => f.byPrompt.has(e.prompt));
}
