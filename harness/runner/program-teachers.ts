import { UsageError } from '../errors.ts';
import type { TaskDefinition } from '../tasks/types.ts';
import { techniqueRegistry } from '../techniques/index.ts';
import { teacherAccessOf } from '../techniques/types.ts';
import type { Suite } from './suite-schema.ts';
import type { TechniqueRef } from './suite-types.ts';

const SEQUENCE_LEVEL =
  'a sequence-level technique: hard-label, purify:*, multi-teacher with mode: rationales';

/**
 * Checks the `kind: program` teachers of task `i` (docs/data-pools.md, "Program teachers"): the task
 * must have a solver, a program teacher takes no `model` or `training`, and every technique of the
 * suite must need only its teachers' responses (TechniqueDefinition.teacherAccess), since a program
 * has no distributions, logits or hidden states. Throws UsageError (exit 2) naming file, field and fix.
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
  techniques.forEach((tech, k) => {
    const def = techniqueRegistry.get(tech.id);
    if (teacherAccessOf(def, tech.options) !== 'model') return;
    fail(
      `techniques[${k}]`,
      `'${tech.label}' reads its teachers' network (token distributions, logits, hidden states or size), but ` +
        `${whereOf(firstProgram!)} '${program.id}' of task '${task.id}' is kind: program (${whereOf(firstProgram!)}.kind), which has none. ` +
        `Fix: use a trained teacher, or ${SEQUENCE_LEVEL}.`,
    );
  });
}
