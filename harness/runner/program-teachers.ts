import { UsageError } from '../errors.ts';
import type { TaskDefinition } from '../tasks/types.ts';
import { techniqueRegistry } from '../techniques/index.ts';
import { teacherAccessOf } from '../techniques/types.ts';
import type { Suite } from './suite-schema.ts';
import type { TechniqueRef } from './suite-types.ts';

/** Metric ids and families computed from the first teacher's distributions or hidden states (harness/runner/evaluators.ts). */
const NETWORK_METRICS = ['cka', 'cka-debiased', 'rse-top1', 'rse-jsd'];

const SEQUENCE_LEVEL =
  'a sequence-level technique: hard-label, purify:*, multi-teacher with mode: rationales';

/**
 * Checks the `kind: program` teachers of task `i` (docs/data-pools.md, "Program teachers"): the task
 * must have a solver, a program teacher takes no `model` or `training`, and every technique of the
 * suite must need only its teachers' responses (TechniqueDefinition.teacherAccess), since a program
 * has no distributions, logits or hidden states (nor may the suite ask for metrics that read the first
 * teacher's network when that teacher is a program). Throws UsageError (exit 2) naming file, field and fix.
 */
export function checkProgramTeachers(
  file: string,
  suite: Suite,
  i: number,
  task: TaskDefinition,
  techniques: TechniqueRef[],
): void {
  const entry = suite.tasks[i];
  const teachers = entry.teachers ?? suite.teachers;
  const whereOf = (j: number) => (entry.teachers ? `tasks[${i}].teachers[${j}]` : `teachers[${j}]`);
  const fail = (field: string, message: string) => {
    throw new UsageError(`${file}: ${field}: ${message}`, { file, field });
  };
  let firstProgram: number | undefined;
  teachers.forEach((teacher, j) => {
    // A recorded teacher (kind: responses, recorded-teachers.ts) has no network either.
    if (teacher.kind === 'responses') firstProgram ??= j;
    if (teacher.kind !== 'program') return;
    const where = whereOf(j);
    firstProgram ??= j;
    if (!task.solvePrompt)
      fail(
        `${where}.kind`,
        `teacher '${teacher.id}' is kind: program, but task '${task.id}' cannot compute its gold exactly (it has no solver). ` +
          `Fix: use kind: trained (with model and training), or a task with a solver (arithmetic-rationales).`,
      );
    for (const field of ['model', 'training'] as const)
      if (teacher[field] !== undefined)
        fail(
          `${where}.${field}`,
          `teacher '${teacher.id}' is kind: program (the task's solver), which has no network, so it takes no '${field}'. ` +
            `Fix: remove '${field}', or set kind: trained.`,
        );
  });
  if (firstProgram === undefined) return;
  const program = teachers[firstProgram];
  // The teacher-relative metrics compare with the first teacher; these read its network.
  if (teachers[0].kind === 'program' || teachers[0].kind === 'responses')
    suite.metrics?.forEach((m, k) => {
      if (NETWORK_METRICS.includes(m))
        fail(
          `metrics[${k}]`,
          `'${m}' compares the student with the first teacher's network, but ${whereOf(0)} '${teachers[0].id}' of task '${task.id}' is kind: ${teachers[0].kind}, which has none. ` +
            `Fix: drop '${m}' (rse-proxy, rse-rougeL, rse-chrf and rse-bleu need only responses), or list a trained teacher first.`,
        );
    });
  techniques.forEach((tech, k) => {
    const def = techniqueRegistry.get(tech.id);
    if (teacherAccessOf(def, tech.options) !== 'model') return;
    fail(
      `techniques[${k}]`,
      `'${tech.label}' reads its teachers' network (token distributions, logits, hidden states or size), but ` +
        `${whereOf(firstProgram!)} '${program.id}' of task '${task.id}' is kind: ${program.kind} (${whereOf(firstProgram!)}.kind), which has none. ` +
        `Fix: use a trained teacher, or ${SEQUENCE_LEVEL}.`,
    );
  });
}
