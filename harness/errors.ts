/**
 * Errors the user can fix. The CLI prints `message` (no stack trace) and exits with `exitCode`.
 * Every message names where the bad input is (file, field or option), what was wrong and the fix.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly where?: { file?: string; field?: string; line?: number },
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Numerical failure during training (NaN/Inf), naming the step and the loss term. */
export class TrainingDivergedError extends Error {
  constructor(
    readonly step: number,
    readonly term: string,
    readonly value: number,
    /** First and last step of the window whose loss terms were read back together (when batched). */
    readonly window?: [number, number],
  ) {
    super(
      `training diverged at step ${step}: loss term '${term}' is ${value}` +
        (window ? ` (found reading back steps ${window[0]}-${window[1]})` : '') +
        '. Lower the learning rate (training.lr) or raise gradient clipping (training.clipNorm).',
    );
    this.name = 'TrainingDivergedError';
  }
}
