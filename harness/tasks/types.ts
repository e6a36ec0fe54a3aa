import type { z } from 'zod';
import type { MetricNeed } from '../../metrics/family.ts';

/** One prompt/response pair. `meta` carries what metrics need (gold answer, correct profiles, facts). */
export interface Example {
  id: string;
  prompt: string;
  response: string;
  meta: Record<string, unknown>;
}

/** A prompt of the transfer pool: no gold response reaches a technique (harness/tasks/pools.ts). */
export type TransferPrompt = Pick<Example, 'id' | 'prompt' | 'meta'>;

export type SplitName = 'train' | 'valid' | 'test' | 'ood';

export interface TaskData {
  splits: Record<SplitName, Example[]>;
  /**
   * Training data specific to a teacher profile (e.g. a blind-spot profile of arithmetic-rationales,
   * an identity card of the identity task). Absent when the task has no profiles.
   */
  profiles?: Record<string, Example[]>;
  /** Extra named sets some metrics need (e.g. identity probes). */
  extra?: Record<string, Example[]>;
}

/**
 * A task: one file under harness/tasks/, registered in harness/tasks/index.ts.
 * `generate` must be a pure function of (options, seed): same inputs, identical JSON.
 */
export interface TaskDefinition<O = any> {
  id: string;
  description: string;
  /** zod object schema with defaults; parse({}) gives the default options. */
  options: z.ZodType<O>;
  /** Human-readable option docs for `distill-bench list tasks`: name -> {default, range, doc}. */
  optionDocs: Record<string, { doc: string; range?: string }>;
  /** Metric ids this task is naturally scored by, primary first (e.g. ['wer', 'cer']). */
  metrics: string[];
  /** Profile names a suite may give teachers (empty when the task has none). */
  profileNames(options: O): string[];
  generate(options: O, seed: number): TaskData;
  /** Rewrites raw suite options before parsing, e.g. file paths made absolute against the suite's folder. */
  prepareOptions?(raw: unknown, suiteDir: string): unknown;
  /**
   * Named sets of `TaskData.extra` the runner scores besides the suite's evaluation splits (the
   * identity task's `probes`), so the runner never tests a task's id.
   */
  evaluationSets?: string[];
  /** What the task's examples carry for metrics besides gold responses (metrics/family.ts needs). */
  provides?: MetricNeed[];
  /** Extracts the answer compared by exact-match accuracy (default: the whole trimmed response). */
  extractAnswer?(response: string): string;
  /**
   * The answer-only form of a gold response whose rationale can be dropped (`48*2=96;37+96=133#133` →
   * `#133`): what purification's L_answer trains on, so rationales come only from teachers.
   * Absent: the response has no separable rationale and is used whole.
   */
  answerOnly?(response: string): string;
  /**
   * The profile whose training data is the student's own gold (the identity task: the student's card,
   * the first card no teacher uses), given the teachers' profiles. Absent or undefined: the shared
   * train split.
   */
  studentProfile?(options: O, teacherProfiles: readonly (string | undefined)[]): string | undefined;
  /**
   * The exact response to `prompt` computed by a program (no model): the gold solver when `profile`
   * is absent, else that profile's rule. What a `kind: program` teacher answers (docs/data-pools.md);
   * for the gold solver it is byte-identical to the task's gold response. Absent: the task cannot
   * compute its gold, and suites may not give it program teachers. Throws on a prompt the task did not write.
   */
  solvePrompt?(options: O, prompt: string, profile?: string): string;
}
