import { parseOptions } from '../options.ts';
import type { TaskDefinition } from './types.ts';

/**
 * Validates raw task options (from a suite file or the CLI) against the task's strict zod schema and
 * fills defaults. Goes through the shared parseOptions so tasks and techniques word their errors the
 * same way: the task, the option, the bad value and the allowed range from `optionDocs`, with
 * did-you-mean for unknown option names. Throws UsageError (exit code 2).
 */
export function parseTaskOptions<O>(
  task: TaskDefinition<O>,
  raw: unknown,
  where?: { file?: string; field?: string },
): O {
  return parseOptions('task', task.id, task.options, raw, task.optionDocs, where);
}
