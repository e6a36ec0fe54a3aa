import { UsageError } from '../errors.ts';
import type { Suite } from './suite-schema.ts';

/**
 * Entries a suite lists twice. A duplicate task, student or seed would run every one of its jobs
 * twice (and average a result with itself, shown as n=2); a teacher listed twice would count as two
 * teachers for techniques that need several (multi-teacher, purification) while being one model.
 */

function firstRepeat<T>(
  items: readonly T[],
  keyOf: (t: T) => unknown,
): [first: number, again: number] | undefined {
  const seen = new Map<unknown, number>();
  for (let i = 0; i < items.length; i++) {
    const k = keyOf(items[i]);
    const first = seen.get(k);
    if (first !== undefined) return [first, i];
    seen.set(k, i);
  }
  return undefined;
}

function refuse(file: string, field: string, what: string, first: number, again: number, fix: string): never {
  throw new UsageError(
    `${file}: field '${field}[${again}]': ${what} is already listed at ${field}[${first}]. Fix: ${fix}.`,
    { file, field: `${field}[${again}]` },
  );
}

export function checkDuplicates(file: string, suite: Suite): void {
  const check = <T>(
    field: string,
    items: readonly T[] | undefined,
    keyOf: (t: T) => unknown,
    what: (t: T) => string,
    fix: string,
  ) => {
    if (!items) return;
    const rep = firstRepeat(items, keyOf);
    if (rep) refuse(file, field, what(items[rep[1]]), rep[0], rep[1], fix);
  };
  check(
    'tasks',
    suite.tasks,
    (t) => t.id,
    (t) => `task '${t.id}'`,
    'list each task once (one entry per task id)',
  );
  check(
    'teachers',
    suite.teachers,
    (t) => t.id,
    (t) => `teacher id '${t.id}'`,
    'give every teacher its own id, or list it once',
  );
  suite.tasks.forEach((t, i) =>
    check(
      `tasks[${i}].teachers`,
      t.teachers,
      (x) => x.id,
      (x) => `teacher id '${x.id}'`,
      'give every teacher its own id, or list it once',
    ),
  );
  check(
    'students',
    suite.students,
    (s) => s.id,
    (s) => `student id '${s.id}'`,
    'give every student its own id, or list it once',
  );
  check(
    'seeds',
    suite.seeds,
    (s) => s,
    (s) => `seed ${s}`,
    'list each seed once',
  );
  check(
    'metrics',
    suite.metrics,
    (m) => m,
    (m) => `metric '${m}'`,
    'list each metric once',
  );
  check(
    'evaluation.splits',
    suite.evaluation.splits,
    (s) => s,
    (s) => `split '${s}'`,
    'list each split once',
  );
}
