import { Registry } from '../registry.ts';
import { arithmeticRationales } from './arithmetic-rationales.ts';
import { copyReverse } from './copy-reverse.ts';
import { fileTask } from './file-task.ts';
import { identity } from './identity.ts';
import { phoneticTranscription } from './phonetic-transcription.ts';
import type { TaskDefinition } from './types.ts';

/** Every task distill-bench knows. Adding a task = one file under harness/tasks/ plus one line here. */
export const taskRegistry = new Registry<TaskDefinition>('task');

for (const task of [phoneticTranscription, arithmeticRationales, identity, copyReverse, fileTask])
  taskRegistry.register(task);

export { parseTaskOptions } from './options.ts';
