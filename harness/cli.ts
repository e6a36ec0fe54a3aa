import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.ts';
import { forTerminalLines } from './core/sanitize.ts';
import { UsageError } from './errors.ts';
import { HARNESS_VERSION } from './version.ts';

// `distill-bench list | head -1`: the reader closing the pipe is the user being done, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const program = new Command('distill-bench')
  .description('Benchmark knowledge-distillation techniques: train, distill, score, report, gate.')
  .version(HARNESS_VERSION)
  // One line per error: reprinting the whole help buries the message (subcommands inherit this).
  .configureOutput({
    outputError: (str, write) => write(`${str.trimEnd()} (see --help)\n`),
  })
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version are "errors" to commander; bad flags are exit 2 like all bad input.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof UsageError) {
    // Messages quote user text (model names, suite values): no control characters, no 100 KB lines.
    console.error(`error: ${forTerminalLines(err.message)}`);
    process.exitCode = 2;
  } else {
    console.error(forTerminalLines(err instanceof Error ? (err.stack ?? err.message) : String(err)));
    process.exitCode = 1;
  }
}
