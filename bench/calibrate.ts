/**
 * `npm run bench:calibrate -- RUN_DIR... [--write]`
 * Fits the cost constants of the run estimate (harness/runner/estimate.ts) to the per-job wall times
 * of finished run directories: non-negative least squares of each job's measured time on its work
 * (harness/runner/job-work.ts). With --write it stores them, with the runs and machine they came from,
 * in harness/runner/calibration.json. Fit on runs made on an otherwise idle machine.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { type CostConstants, costMs } from '../harness/runner/estimate.ts';
import { type JobWork, jobWork } from '../harness/runner/job-work.ts';
import { makespanMs } from '../harness/runner/makespan.ts';
import { readMeasuredRun } from './run-dir-jobs.ts';

const cli = new Command()
  .argument('<runDirs...>')
  .option('--write', 'store the fit in harness/runner/calibration.json')
  .option('--workers <n>', 'workers the runs used', (v) => Number.parseInt(v, 10), 2)
  .parse();
const dirs = cli.args;

const FEATURES: (keyof JobWork | 'one')[] = [
  'one',
  'trainTokens',
  'trainParamTokens',
  'decodeTokens',
  'decodeParamTokens',
];
const rows: { x: number[]; y: number; label: string }[] = [];
// Start-up and the end (worker processes, report files): what a run's wall clock adds to the schedule
// of its measured job times.
const gaps: number[] = [];
for (const dir of dirs) {
  const run = await readMeasuredRun(dir, cli.opts().workers);
  const schedule = run.jobs.map((m) => ({
    key: m.job.key,
    ms: m.ms,
    after: m.job.kind === 'student' ? m.job.teacherKeys : [],
  }));
  gaps.push(run.wallMs - makespanMs(schedule, run.workers));
  for (const m of run.jobs) {
    const w = jobWork(m.job, { cachedTeacher: m.cachedTeacher });
    rows.push({ x: FEATURES.map((f) => (f === 'one' ? 1 : w[f])), y: m.ms, label: `${dir}: ${m.job.label}` });
  }
}

const x = nnls(
  rows.map((r) => r.x),
  rows.map((r) => r.y),
);
const constants: CostConstants = {
  jobMs: x[0],
  trainMsPerToken: x[1],
  trainMsPerParamToken: x[2],
  decodeMsPerToken: x[3],
  decodeMsPerParamToken: x[4],
};
let worst = { ratio: 1, label: '' };
for (const r of rows) {
  const w = Object.fromEntries(FEATURES.slice(1).map((f, i) => [f, r.x[i + 1]])) as unknown as JobWork;
  const ratio = costMs(w, constants) / r.y;
  if (Math.abs(Math.log(ratio)) > Math.abs(Math.log(worst.ratio))) worst = { ratio, label: r.label };
}
const run = { startMs: Math.max(0, gaps.reduce((a, b) => a + b, 0) / gaps.length) };
console.log(JSON.stringify({ constants, run }, null, 2));
console.log(`start-up per run (ms): ${gaps.map((g) => g.toFixed(0)).join(', ')}`);
console.log(`${rows.length} jobs; worst job estimate/measured ${worst.ratio.toFixed(2)} (${worst.label})`);
if (cli.opts().write) {
  const file = fileURLToPath(new URL('../harness/runner/calibration.json', import.meta.url));
  const provenance = {
    command: `npm run bench:calibrate -- ${dirs.join(' ')} --write`,
    runs: dirs,
    machine: `${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, wasm backend`,
    date: new Date().toISOString().slice(0, 10),
    workers: cli.opts().workers,
    note: 'per-job wall times from manifest.json; re-fit on your machine for estimates that match it',
  };
  writeFileSync(file, `${JSON.stringify({ constants, run, provenance }, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

/** Non-negative least squares by cyclic coordinate descent on the normal equations (few features). */
function nnls(a: number[][], b: number[]): number[] {
  const k = a[0].length;
  const ata = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => a.reduce((s, r) => s + r[i] * r[j], 0)),
  );
  const atb = Array.from({ length: k }, (_, i) => a.reduce((s, r, n) => s + r[i] * b[n], 0));
  const x = new Array(k).fill(0);
  for (let it = 0; it < 20000; it++)
    for (let i = 0; i < k; i++) {
      if (ata[i][i] === 0) continue;
      const grad = ata[i].reduce((s, v, j) => s + v * x[j], 0) - atb[i];
      x[i] = Math.max(0, x[i] - grad / ata[i][i]);
    }
  return x;
}
