import type { Command } from 'commander';
import { registerDoctor } from './doctor.ts';

/** Each CLI command lives in its own file and registers itself on the program (promptfoo style). */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerDoctor];
