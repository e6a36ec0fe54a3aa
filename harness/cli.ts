import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.ts';
import { forTerminalLines } from './core/sanitize.ts';
import { UsageError } from './errors.ts';

const program = new Command('distill-bench')
  .description('Benchmark knowledge-distillation techniques: train, distill, score, report, gate.')
  .version(process.env.npm_package_version ?? '0.1.0')
  .showHelpAfterError()
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
