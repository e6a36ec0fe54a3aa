import type { z } from 'zod';
import type { Logger } from '../core/logger.ts';
import type { ModelConfig } from '../models/config.ts';
import type { TransformerLM } from '../models/transformer.ts';
import type { Example, TaskData, TaskDefinition, TransferPrompt } from '../tasks/types.ts';
import type { CharTokenizer } from '../text/tokenizer.ts';
import type { StepLog } from '../training/loop.ts';
import type { TrainingOptions } from '../training/optimizer.ts';
import type { Teacher } from './teachers.ts';

export type { Logger };

/** Everything a technique may use. All techniques of a comparison get the same `training.steps`. */
export interface TechniqueContext {
  task: TaskDefinition;
  taskOptions: unknown;
  data: TaskData;
  /** The student's gold pool (`data.labelled`; the old shared train split for suites without `data:`). */
  labelled: Example[];
  /** Prompts without gold (`data.transfer`); empty for suites without `data:`. Never carries a response. */
  transfer: TransferPrompt[];
  tokenizer: CharTokenizer;
  teachers: Teacher[];
  studentConfig: ModelConfig;
  training: TrainingOptions;
  seed: number;
  log: Logger;
  /** A freshly initialized model (seeded by the run seed and `label`), student-sized by default. */
  newStudent(label?: string, config?: ModelConfig): TransformerLM;
  /** Cache directory for intermediate artifacts (e.g. a pretrained base student). */
  cacheDir: string;
  /**
   * Gold responses for `transfer`, aligned by index. Only weak-to-strong's `strong-ceiling` reference
   * may call it: that reference is, by definition, the strong recipe trained on gold for the transfer
   * pool (docs/weak-to-strong.md). Every technique's own student must never see these.
   */
  transferGoldForCeiling?: () => Example[];
}

/** What every technique reports next to its student (report columns). */
export interface CostRecord {
  optimizerSteps: number;
  studentTokens: number;
  teacherForwardTokens: number;
  teacherGenerations: number;
  trainableParameters: number;
  trainablePctOfTeacher: number;
  wallTimeMs: number;
  peakRssMB: number;
  finalLosses: Record<string, number>;
  /** Mean |value| of each loss term over the run (loss-scale diagnostics). */
  lossMagnitudes: Record<string, number>;
  warnings: string[];
  /** Technique-specific figures (e.g. hard-item share per round, teacher calls saved). */
  extra?: Record<string, unknown>;
}

export interface TechniqueResult {
  student: TransformerLM;
  cost: CostRecord;
  history: StepLog[];
  /** The supervision the student actually trained on, for conflict metrics (optional). */
  supervision?: Example[];
  /** Extra reference students (weak supervisor, strong ceiling, co-distillation peer) the runner scores as rows with that role. */
  references?: { role: 'weak' | 'strong-ceiling' | 'peer'; label: string; student: TransformerLM }[];
}

export type TeacherAccess = 'outputs' | 'model';

/** The access a technique with these (parsed) options needs of its teachers. */
export function teacherAccessOf<O>(def: TechniqueDefinition<O>, options: O): TeacherAccess {
  const a = def.teacherAccess ?? 'model';
  return typeof a === 'function' ? a(options) : a;
}

export interface TechniqueDefinition<O = any> {
  id: string;
  description: string;
  citation: string;
  options: z.ZodType<O>;
  optionDocs: Record<string, { doc: string; range?: string }>;
  /** What it trains on from `labelled` (gold) and `transfer` (prompts only), for `list techniques` (docs/data-pools.md). Optional for plugins. */
  dataUse?: string;
  /** Fewest teachers the technique can work with (0 for `none`). */
  minTeachers: number;
  /**
   * What it reads of its teachers: 'outputs' (responses only, so a program teacher will do) or
   * 'model' (distributions, logits, hidden states or sizes); a function when an option decides.
   * Absent means 'model', so a plugin that says nothing is never handed a teacher without a network.
   */
  teacherAccess?: TeacherAccess | ((options: O) => TeacherAccess);
  /**
   * Set only by a technique whose strong-ceiling reference is, by definition, trained on the transfer
   * pool's gold (weak-to-strong): the runner then provides `transferGoldForCeiling`.
   */
  ceilingUsesTransferGold?: boolean;
  /**
   * Checks options that depend on model sizes (e.g. a LoRA rank against d_model) at suite load time,
   * so the mistake exits 2 before any training; throws UsageError naming the option and the fix.
   */
  checkModels?(options: O, models: { student: ModelConfig; teachers: ModelConfig[] }): void;
  train(ctx: TechniqueContext, options: O): Promise<TechniqueResult>;
}
