import type { TransformerLM } from '../models/transformer.ts';

/**
 * What techniques and the runner use of a teacher. A trained teacher (TeacherHandle) has a `model`;
 * a program teacher (program-teacher.ts) or a recorded one (recorded-teacher.ts) has none: it only gives responses, so only techniques whose
 * `teacherAccess` is 'outputs' may be given one (checked at suite load, harness/runner/program-teachers.ts).
 */
export interface Teacher {
  readonly id: string;
  readonly profile: string | undefined;
  readonly key: string;
  readonly fromCache: boolean;
  /** The trained network; absent for a program teacher. */
  readonly model?: TransformerLM;
  /** Forward tokens spent by techniques on this teacher (the cost record's teacher column). */
  forwardTokens: number;
  generations: number;
  respond(prompts: string[], maxNewTokens: number): Promise<string[]>;
  /** Whether it can answer this prompt; absent means any prompt (a recorded teacher knows only its file's). */
  covers?(prompt: string): boolean;
  logProbs(pairs: { prompt: string; response: string }[]): Promise<Float32Array[]>;
  dispose(): void;
}
