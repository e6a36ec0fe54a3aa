import { type ModelConfig, parameterCount } from '../models/config.ts';
import type { TechniqueRef } from './suite-types.ts';

/**
 * Techniques built for a teacher smaller than (or no better than) its student, and `none`, which
 * reads no teacher: a small teacher is expected there (docs/weak-to-strong.md).
 */
const SMALL_TEACHER_OK = new Set(['none', 'weak-to-strong', 'reverse-kd', 'label-smoothing']);

interface Sized {
  id: string;
  config: ModelConfig;
}

/**
 * One warning per (teacher, student) pair of a task where the teacher has fewer parameters than the
 * student and the suite has techniques that distil from it as if it were the stronger model: that is
 * imitation of a weaker model with no ceiling above the student, rarely what a suite means.
 */
export function smallerTeacherWarnings(
  file: string,
  taskId: string,
  techniques: TechniqueRef[],
  teachers: Sized[],
  students: Sized[],
): string[] {
  const affected = techniques.filter((t) => !SMALL_TEACHER_OK.has(t.id)).map((t) => t.label);
  if (affected.length === 0) return [];
  const out: string[] = [];
  for (const teacher of teachers) {
    const tp = parameterCount(teacher.config);
    for (const student of students) {
      const sp = parameterCount(student.config);
      if (tp >= sp) continue;
      out.push(
        `${file}: task '${taskId}': teacher '${teacher.id}' (${tp} parameters) is smaller than student ` +
          `'${student.id}' (${sp} parameters); ${affected.join(', ')} would distil the smaller model into the larger one. ` +
          'Fix: give the teacher a larger model or the student a smaller one, or use weak-to-strong or reverse-kd, which are built for a smaller teacher.',
      );
    }
  }
  return out;
}
