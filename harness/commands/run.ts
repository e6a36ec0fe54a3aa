import { cpus } from 'node:os';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';

const int = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`${flag}: '${v}' is not a non-negative integer.`, { field: flag });
  return n;
};

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
  ['--workers <n>', 'worker processes (0 = in-process)', int('--workers'), Math.max(1, cpus().length)],
  ['--shard <i/n>', 'run a deterministic slice of the student jobs', parseShard],
  ['--seeds <list>', 'override the suite seeds, e.g. 1,2,3', (v) => v.split(',').map(int('--seeds'))],
  ['--techniques <list>', 'only these technique labels, e.g. none,soft-label', (v) => v.split(',')],
  ['--backend <name>', 'force a backend (tensorflow-gpu, tensorflow, webgpu, wasm, cpu)'],
  ['--cache-dir <dir>', 'teacher cache (default ~/.cache/distill-bench or $DISTILL_BENCH_CACHE)'],
  ['--dry-run', 'print the plan (jobs, finished ones, estimated time) and exit'],
  ['--no-report', 'skip writing report.html/summary.md/CSV at the end'],
  ['--quiet', 'one line per job instead of a progress bar'],
  ['--json', 'print the run summary as JSON'],
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
      progress: o.json ? 'silent' : o.quiet || !process.stderr.isTTY ? 'lines' : 'bar',
      afterRun:
        o.report === false
          ? undefined
          : async (dir) => (await import('../../reports/index.ts')).writeReports(dir),
    });
    if (o.json) console.log(JSON.stringify(res));
    else if (!o.dryRun)
      console.log(`${res.dir}: ${res.ran} job(s) run, ${res.skipped} already finished, ${res.failed} failed`);
    if (res.failed > 0) process.exitCode = 1;
  });
}
