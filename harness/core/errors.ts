/**
 * Typed errors of the run-directory layer. Every one is a UsageError (exit 2, message without a
 * stack), so existing `instanceof UsageError` checks keep working; callers that need to tell them
 * apart (the gate, tests) switch on the class or on `code` instead of on message prefixes.
 */
import { UsageError } from '../errors.ts';

export { UsageError };

export type RunDirErrorCode =
  | 'not-a-run-dir'
  | 'bad-json'
  | 'bad-field'
  | 'schema-version'
  | 'conflicting-rows'
  | 'bad-job-key';

/** A run-dir file that is missing, unreadable or structurally wrong; names file, line and field. */
export class RunDirError extends UsageError {
  constructor(
    readonly code: RunDirErrorCode,
    message: string,
    where: { file: string; line?: number; field?: string },
  ) {
    super(message, where);
    this.name = 'RunDirError';
  }
}

/** An output path (--out, a report file) that cannot or must not be written. */
export class OutputPathError extends UsageError {
  constructor(
    message: string,
    readonly path: string,
    field = '--out',
  ) {
    super(message, { file: path, field });
    this.name = 'OutputPathError';
  }
}

/** --out already holds a run of another suite (or another version of this one). */
export class SuiteMismatchError extends UsageError {
  constructor(
    message: string,
    readonly dir: string,
  ) {
    super(message, { file: dir, field: '--out' });
    this.name = 'SuiteMismatchError';
  }
}

/** Another live process holds the run-dir lock. */
export class RunDirLockedError extends UsageError {
  constructor(
    message: string,
    readonly dir: string,
    readonly holder: { pid: number; host: string },
  ) {
    super(message, { file: dir, field: '--out' });
    this.name = 'RunDirLockedError';
  }
}
