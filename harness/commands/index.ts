import type { Command } from 'commander';
import { registerBaseline } from './baseline.ts';
import { registerDoctor } from './doctor.ts';
import { registerGate } from './gate.ts';
import { registerLeaderboard } from './leaderboard.ts';
import { registerList } from './list.ts';
import { registerMerge } from './merge.ts';
import { registerMetric } from './metric.ts';
import { registerReport } from './report.ts';
import { registerRun } from './run.ts';
import { registerScore } from './score.ts';
import { registerValidate } from './validate.ts';

/** Each CLI command lives in its own file and registers itself on the program (promptfoo style). */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerRun,
  registerValidate,
  registerList,
  registerMerge,
  registerDoctor,
  registerGate,
  registerBaseline,
  registerReport,
  registerLeaderboard,
  registerMetric,
  registerScore,
];
