import type { TaskDefinition } from './types.ts';

/**
 * The one place that says what "the same answer" means: the task's extractor (its `extractAnswer`,
 * e.g. the text after '#') or the whole response, trimmed either way, compared exactly. The runner,
 * the metrics and the techniques that referee responses all call this, so they cannot drift apart.
 */
export type AnswerExtractor = (response: string) => string;

const trimmed: AnswerExtractor = (s) => s.trim();

/** The task's answer extractor, trimmed; the trimmed whole response for tasks without one. */
export function answerOf(task: Pick<TaskDefinition, 'extractAnswer'>): AnswerExtractor {
  const extract = task.extractAnswer;
  return extract ? (s) => extract.call(task, s).trim() : trimmed;
}

/** True when `response` and `reference` carry the same answer under the task's extractor. */
export function sameAnswer(
  task: Pick<TaskDefinition, 'extractAnswer'>,
  response: string,
  reference: string,
): boolean {
  const extract = answerOf(task);
  return extract(response) === extract(reference);
}
