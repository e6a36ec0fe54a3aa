import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';

function examplesCap(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--max-examples: '${v}' is not a non-negative integer.`, {
      field: '--max-examples',
    });
  return n;
}

export function registerReport(program: Command): void {
  program
    .command('report <runDir>')
    .description(
      'rebuild results.csv, examples.csv, report.html and summary.md from a run directory (no training)',
    )
    .option(
      '--max-examples <n>',
      'example rows embedded in report.html per job and split (examples.csv keeps all; default 300)',
      examplesCap,
    )
    .action(async (runDir: string, o: { maxExamples?: number }) => {
      // Imported on use so `distill-bench --help` does not load handlebars and the metric registry.
      const { writeReports, REPORT_FILES } = await import('../../reports/index.ts');
      writeReports(runDir, { capPerJobSplit: o.maxExamples });
      for (const f of REPORT_FILES) console.log(join(runDir, f));
    });
}
