/**
 * `npm run bench:techniques [-- --cache-dir DIR --workers N]`: runs the `techniques` suite (every
 * single-teacher technique on arithmetic-rationales, same student budget, 3 seeds) and prints test
 * accuracy (mean ± 95% t-interval over seeds) and cost per technique, plus how many teachers were
 * trained versus loaded from the cache (a second run must train none).
 */
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { defaultCacheDir } from '../harness/cache-dir.ts';
import { runSuite } from '../harness/runner/run.ts';
import { readRunDir } from '../harness/runner/run-dir.ts';
import { meanCi } from '../metrics/stats.ts';

const opts = new Command()
  .option('--cache-dir <dir>', 'teacher cache', defaultCacheDir())
  .option('--workers <n>', 'worker processes', (v) => Number.parseInt(v, 10), Math.max(1, cpus().length))
  .option('--suite <name>', 'suite to run', 'techniques')
  .parse()
  .opts();

const out = mkdtempSync(join(tmpdir(), 'bench-techniques-'));
const t0 = performance.now();
const res = await runSuite({
  suite: opts.suite,
  out,
  workers: opts.workers,
  cacheDir: opts.cacheDir,
  progress: 'silent',
});
const wall = (performance.now() - t0) / 1000;
const run = readRunDir(out);
const fmt = (xs: number[], digits = 3) => {
  const ci = meanCi(xs);
  const half = ci.hi === null ? NaN : (ci.hi - ci.lo!) / 2;
  return `${ci.estimate.toFixed(digits)} ± ${Number.isNaN(half) ? 'n/a' : half.toFixed(digits)}`;
};
const techniques = [...new Set(run.jobs.filter((j) => j.kind === 'student').map((j) => j.technique))];
console.log(
  `suite ${opts.suite}: ${res.ran} jobs in ${wall.toFixed(0)} s on ${opts.workers} worker(s), ${res.failed} failed`,
);
console.log(
  'technique        | test accuracy   | OOD accuracy    | wall s/student | teacher fwd tokens | trainable params',
);
for (const t of techniques) {
  const acc = (split: string) =>
    run.results
      .filter((r) => r.technique === t && r.split === split && r.metric === 'accuracy')
      .map((r) => r.value);
  const jobs = run.jobs.filter((j) => j.technique === t && j.kind === 'student');
  const cost = (k: string) => jobs.map((j) => Number((j.cost as Record<string, number>)[k]));
  console.log(
    `${t.padEnd(16)} | ${fmt(acc('test')).padEnd(15)} | ${fmt(acc('ood')).padEnd(15)} | ${fmt(
      cost('wallTimeMs').map((x) => x / 1000),
      1,
    ).padEnd(
      14,
    )} | ${String(Math.round(cost('teacherForwardTokens').reduce((a, b) => a + b, 0) / jobs.length)).padEnd(18)} | ${cost('trainableParameters')[0]}`,
  );
}
const teachers = run.jobs.filter((j) => j.kind === 'teacher');
const hits = teachers.filter((j) => (j.cost as { cacheHit?: boolean }).cacheHit).length;
console.log(`teachers: ${teachers.length - hits} trained, ${hits} loaded from the cache (${opts.cacheDir})`);
