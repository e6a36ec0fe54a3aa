/**
 * `npm run bench:estimate -- [suite] [--workers n] [--run-dir DIR --cache-dir DIR]`
 * Checks the `run --dry-run` wall-time estimate against a measured run (BENCHMARKS.md#dry-run-estimates).
 * Default: runs `--dry-run --json`, then the real run, both with a fresh --out and --cache-dir in a
 * temporary directory, and times the real run's wall clock. With --run-dir it measures nothing: it
 * re-plans the suite of a finished run directory, estimates it with the teacher cache as it was at
 * that run's start (--cache-dir; none means empty) and compares with the manifest's start and end.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadBackend } from '../harness/engine/backend.ts';
import { clock } from '../harness/runner/estimate.ts';
import { estimatePlan } from '../harness/runner/plan-estimate.ts';
import { readMeasuredRun } from './run-dir-jobs.ts';

const cli = new Command()
  .argument('[suite]', 'suite name or file', 'smoke')
  .option('--workers <n>', 'workers of the run (default: the cores)', (v) => Number.parseInt(v, 10))
  .option('--run-dir <dir>', 'compare with this finished run instead of running')
  .option('--cache-dir <dir>', 'with --run-dir: the teacher cache that run used (default: an empty one)')
  .option('--keep', 'keep the temporary run directory')
  .parse();
const opts = cli.opts();
const suite = cli.args[0] ?? 'smoke';
const workers: number = opts.workers ?? availableParallelism();
const load = loadavg()[0].toFixed(2);
const cliBin = fileURLToPath(new URL('../bin/distill-bench.mjs', import.meta.url));

let estimate: { wallMs: number; workMs: number; workers: number };
let measuredMs: number;
let what: string;
if (opts.runDir) {
  const run = await readMeasuredRun(opts.runDir, workers);
  // Teacher cache keys name the backend.
  await loadBackend({ backend: run.backend });
  const jobs = run.jobs.map((m) => m.job);
  const empty = mkdtempSync(join(tmpdir(), 'distill-estimate-cache-'));
  try {
    estimate = estimatePlan(jobs, { finished: new Set(), workers, cacheDir: opts.cacheDir ?? empty });
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
  measuredMs = run.wallMs;
  what = `${run.suite} from ${opts.runDir} (measured ${run.startedAt})`;
} else {
  const tmp = mkdtempSync(join(tmpdir(), 'distill-estimate-'));
  const args = [
    'run',
    suite,
    '--out',
    join(tmp, 'out'),
    '--cache-dir',
    join(tmp, 'cache'),
    '--workers',
    String(workers),
  ];
  try {
    const dry = spawnSync(process.execPath, [cliBin, ...args, '--dry-run', '--json'], { encoding: 'utf8' });
    if (dry.status !== 0) throw new Error(`dry run failed: ${dry.stderr}`);
    const plan = JSON.parse(dry.stdout).plan;
    estimate = { wallMs: plan.wallMs, workMs: plan.estimatedMs, workers: plan.workers };
    const t0 = performance.now();
    const real = spawnSync(process.execPath, [cliBin, ...args, '--quiet', '--no-report'], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    measuredMs = performance.now() - t0;
    if (real.status !== 0) throw new Error(`run failed (exit ${real.status})`);
    what = `${suite}, fresh --out and --cache-dir`;
  } finally {
    if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
  }
}
const ratio = estimate.wallMs / measuredMs;
console.log(what);
console.log(`load average at start: ${load}; workers: ${estimate.workers}`);
console.log(`estimate: ${clock(estimate.workMs)} on one worker, wall time ${clock(estimate.wallMs)}`);
console.log(`measured wall time: ${clock(measuredMs)}`);
console.log(`estimate / measured: ${ratio.toFixed(2)}${Math.abs(ratio - 1) <= 0.3 ? '' : ' (outside 30%)'}`);
