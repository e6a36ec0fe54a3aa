import type { ExampleRow, ResultRow } from '../../harness/core/run-dir-types.ts';

/** One result row of task 't', student 's', split 'test' (higher is better unless `extra` says). */
export function resultRow(
  technique: string,
  seed: number,
  metric: string,
  value: number,
  extra: Partial<ResultRow> = {},
): ResultRow {
  return {
    schemaVersion: 1,
    jobKey: `${technique}-${seed}`,
    task: 't',
    technique,
    student: 's',
    seed,
    split: 'test',
    metric,
    value,
    signature: `${metric}|v1`,
    direction: 'higher',
    ...extra,
  };
}

/** One example row of the same job as `resultRow(technique, seed, …)`. */
export function exampleRow(
  technique: string,
  seed: number,
  id: string,
  extra: Partial<ExampleRow> = {},
): ExampleRow {
  return {
    jobKey: `${technique}-${seed}`,
    task: 't',
    technique,
    student: 's',
    seed,
    split: 'test',
    id,
    prompt: 'p',
    reference: 'r',
    response: 'r',
    ...extra,
  };
}
