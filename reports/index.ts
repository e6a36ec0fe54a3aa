/**
 * Reports of one run directory, rebuilt from the directory alone: results.csv, examples.csv,
 * report.html and summary.md. The runner calls `writeReports` at the end of a run; `distill-bench
 * report <run-dir>` calls it on demand.
 */
import { join } from 'node:path';
import { writeAtomic } from '../harness/fs-atomic.ts';
import { readUnits } from '../harness/runner/run-dir.ts';
import { aggregate } from './aggregate.ts';
import { examplesCsv, resultsCsv } from './csv.ts';
import { type HtmlOptions, renderHtml } from './html.ts';
import { readRunDirOrExplain } from './read.ts';
import { renderSummary } from './summary.ts';

export { aggregate } from './aggregate.ts';
export { writeLeaderboard } from './leaderboard.ts';

export const REPORT_FILES = ['results.csv', 'examples.csv', 'report.html', 'summary.md'] as const;

export function writeReports(runDir: string, opts: HtmlOptions = {}): void {
  const run = readRunDirOrExplain(runDir);
  const model = aggregate(run, readUnits(runDir));
  const files: Record<(typeof REPORT_FILES)[number], string> = {
    'results.csv': resultsCsv(model),
    'examples.csv': examplesCsv(run.examples),
    'report.html': renderHtml(model, run, opts),
    'summary.md': renderSummary(model),
  };
  for (const [name, text] of Object.entries(files)) writeAtomic(join(runDir, name), text);
}
