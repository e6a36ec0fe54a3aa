import { UsageError } from '../../errors.ts';
import { type ModelConfig, parameterCount } from '../../models/config.ts';
import { checkLoraRank, loraParameterCount } from '../../models/lora.ts';

/** The options the checks and the parameter report need (a subset of the technique's options). */
export interface ProjectionShape {
  rank: number;
  projectionDim?: number;
  alignWeight: number;
}

/** D: the option, else 2·(largest hidden size among student and teachers) (docs/methodology.md#shared-space). */
export function projectionDim(opts: ProjectionShape, student: ModelConfig, teachers: ModelConfig[]): number {
  return opts.projectionDim ?? 2 * Math.max(student.dModel, ...teachers.map((t) => t.dModel));
}

/**
 * Checks that depend on the model sizes (the option schema cannot see them): LoRA rank within the
 * student's matrices, and a shared space at least as wide as every hidden state mapped into it,
 * because the frozen teacher maps are isometric embeddings (orthonormal rows need D >= d_T) and a
 * "high-dimensional" space narrower than the student would be a bottleneck, not an embedding.
 */
export function checkProjectionLora(
  opts: ProjectionShape,
  student: ModelConfig,
  teachers: ModelConfig[],
): void {
  checkLoraRank(student, opts.rank);
  if (opts.alignWeight === 0) return;
  const widest = Math.max(student.dModel, ...teachers.map((t) => t.dModel));
  const D = projectionDim(opts, student, teachers);
  if (D < widest) {
    throw new UsageError(
      `option 'projectionDim' = ${D} is smaller than the hidden sizes it must embed (student dModel ` +
        `${student.dModel}, teacher dModel ${teachers.map((t) => t.dModel).join(', ')}). Fix: set ` +
        `projectionDim to at least ${widest}, or leave it out for the default 2 x ${widest} = ${2 * widest}.`,
      { field: 'projectionDim' },
    );
  }
}

/**
 * Trainable-parameter report. The paper's "< 1% of the teacher" evidently counts LoRA plus the
 * training-only projection head against the teacher (docs/methodology.md#parameter-count), so
 * we report both denominators (largest teacher, student) with and without the heads.
 */
export function parameterBudget(
  opts: ProjectionShape,
  student: ModelConfig,
  teachers: ModelConfig[],
): Record<string, number> {
  const lora = loraParameterCount(student, opts.rank);
  const D = projectionDim(opts, student, teachers);
  const heads = opts.alignWeight > 0 ? student.layers * student.dModel * D : 0;
  const frozenHeads =
    opts.alignWeight > 0 ? student.layers * teachers.reduce((n, t) => n + t.dModel * D, 0) : 0;
  const teacherParams = Math.max(0, ...teachers.map(parameterCount));
  const studentParams = parameterCount(student);
  const pct = (n: number, of: number) => (of > 0 ? (100 * n) / of : 0);
  return {
    loraParameters: lora,
    projectionHeadParameters: heads,
    frozenTeacherProjectionParameters: frozenHeads,
    projectionDim: opts.alignWeight > 0 ? D : 0,
    largestTeacherParameters: teacherParams,
    studentParameters: studentParams,
    pctOfTeacherLoraOnly: pct(lora, teacherParams),
    pctOfTeacherWithHeads: pct(lora + heads, teacherParams),
    pctOfStudentLoraOnly: pct(lora, studentParams),
    pctOfStudentWithHeads: pct(lora + heads, studentParams),
  };
}
