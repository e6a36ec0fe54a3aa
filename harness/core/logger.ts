/** Where techniques, teachers and the runner report progress; the CLI prints it, tests collect it. */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
}
