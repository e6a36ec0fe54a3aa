import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseWasmThreads } from '../engine/wasm-thread-count.ts';
import { UsageError } from '../errors.ts';
import { parseSeeds, parseWorkers } from './run-values.ts';

export function parseShard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard: '${v}' is not i/n with 1 <= i <= n (e.g. --shard 1/2).`, {
      field: '--shard',
    });
  }
  return { index, count };
}

/** CLI options as data (vitest's cli-config style): flag, description, parser, default. */
const OPTIONS: [string, string, ((v: string) => unknown)?, unknown?][] = [
  ['--out <dir>', 'run directory (default runs/<suite>); an existing run of this suite is resumed'],
  ['--resume', 'resume the run in --out (the default; refused if --out holds another suite)'],
  ['--fresh', "start over: remove this run's earlier files in --out (only those) first"],
  [
    '--workers <n>',
    'worker processes (0 = in-process; at most the CPU cores; default: per backend, `doctor` says how many)',
    (v) => parseWorkers(v),
  ],
  ['--shard <i/n>', 'run a deterministic slice of the student jobs', parseShard],
  ['--seeds <list>', 'override the suite seeds, e.g. 1,2,3', parseSeeds],
  ['--techniques <list>', 'only these technique labels, e.g. none,soft-label', (v) => v.split(',')],
  ['--backend <name>', 'force a backend (tensorflow-gpu, tensorflow, webgpu, wasm, cpu)'],
  [
    '--wasm-threads <n>',
    'wasm: threads per worker (default 1 or $DISTILL_BENCH_WASM_THREADS; fewer workers are started)',
    (v) => parseWasmThreads(v, '--wasm-threads'),
  ],
  ['--cache-dir <dir>', 'teacher cache (default ~/.cache/distill-bench or $DISTILL_BENCH_CACHE)'],
  ['--dry-run', 'print the plan (jobs, finished ones, estimated time) and exit'],
  ['--no-report', 'skip writing report.html/summary.md/CSV at the end'],
  ['--quiet', 'no progress output: only failed jobs and the final summary'],
  ['--json', 'print the run result (with --dry-run: the plan) as JSON only'],
];

export function registerRun(program: Command): void {
  const cmd = program
    .command('run <suite>')
    .description('run a suite (built-in name or a .yaml/.json/.ts file) into a run directory');
  for (const [flag, desc, parse, def] of OPTIONS) {
    if (parse) cmd.option(flag, desc, parse as (v: string, p: unknown) => unknown, def);
    else cmd.option(flag, desc);
  }
  cmd.action(async (suite: string, o: Record<string, any>) => {
    // Imported on use so `distill-bench --help` and `doctor` do not load every registry.
    if (o.fresh && o.resume)
      throw new UsageError('--fresh and --resume: pass one of them (--resume is the default).', {
        field: '--fresh',
      });
    // Through the environment, so the worker processes load the same binary.
    if (o.wasmThreads !== undefined) process.env.DISTILL_BENCH_WASM_THREADS = String(o.wasmThreads);
    const { runSuite } = await import('../runner/run.ts');
    const res = await runSuite({
      suite,
      out: o.out,
      workers: o.workers,
      shard: o.shard,
      dryRun: o.dryRun,
      fresh: o.fresh === true,
      cacheDir: o.cacheDir,
      backend: o.backend,
      seeds: o.seeds,
      techniques: o.techniques,
      progress: o.json ? 'silent' : o.quiet ? 'quiet' : process.stderr.isTTY ? 'bar' : 'lines',
      afterRun:
        o.report === false
          ? undefined
          : async (dir) => (await import('../../reports/index.ts')).writeReports(dir),
    });
    if (o.json) console.log(JSON.stringify(res));
    else if (!o.dryRun) {
      if (o.report !== false) await printSummary(res.dir);
      console.log(`${res.dir}: ${res.ran} job(s) run, ${res.skipped} already finished, ${res.failed} failed`);
    }
    if (res.failed > 0) process.exitCode = 1;
  });
}

/** The primary-metric table and the report path, read back from the run dir the reports came from. */
async function printSummary(dir: string): Promise<void> {
  const { readRunDirOrExplain } = await import('../../reports/read.ts');
  const { aggregate } = await import('../../reports/aggregate.ts');
  const { renderRunSummary } = await import('../../reports/terminal-summary.ts');
  const report = join(dir, 'report.html');
  const model = aggregate(readRunDirOrExplain(dir));
  process.stdout.write(renderRunSummary(model, existsSync(report) ? report : undefined));
}
