import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import PQueue from 'p-queue';
import { defaultCacheDir } from '../cache-dir.ts';
import { acquireRunDirLock } from '../core/lock.ts';
import { prepareOutDir } from '../core/out-path.ts';
import { forTerminal } from '../core/sanitize.ts';
import { activeBackend, loadBackend } from '../engine/backend.ts';
import { deviceInfo } from '../engine/device-info.ts';
import { detectGpus, workerGpuEnv } from '../engine/gpus.ts';
import { UsageError } from '../errors.ts';
import { contentHash } from '../hash.ts';
import { LOSS_TAIL_WARNING } from '../training/loss-tail.ts';
import { HARNESS_VERSION, harnessGitSha } from '../version.ts';
import { clock, estimateJobMs } from './estimate.ts';
import { executeJob } from './execute.ts';
import { type Job, planSuite } from './plan.ts';
import { estimatePlan } from './plan-estimate.ts';
import { WorkerPool } from './pool.ts';
import { type ProgressMode, progressView } from './progress.ts';
import { readJobOutputs, rebuildJsonl, saveJobOutput } from './results.ts';
import { checkResumable, removeRunFiles } from './resume.ts';
import { finishedJobKeys, type Manifest, SCHEMA_VERSION, writeManifest } from './run-dir.ts';
import { shardPlan } from './shard.ts';
import { loadSuite } from './suite-load.ts';
import { FLOOR_MISS } from './teacher-job.ts';
import { chooseWorkers, machineFacts } from './worker-count.ts';

export interface RunOptions {
  suite: string;
  out?: string;
  /** Worker processes; absent: chosen for the loaded backend (harness/runner/worker-count.ts). */
  workers?: number;
  shard?: { index: number; count: number };
  dryRun?: boolean;
  cacheDir?: string;
  backend?: string;
  seeds?: number[];
  techniques?: string[];
  progress: ProgressMode;
  /** Start over: remove this run's earlier files inside `out` (only those) instead of resuming. */
  fresh?: boolean;
  afterRun?: (dir: string) => Promise<void> | void;
}

/** Runs (or resumes) a suite into a run directory; returns the number of failed jobs. */
export interface PlanEntry {
  key: string;
  kind: Job['kind'];
  label: string;
  finished: boolean;
  estimateMs: number;
  /** A teacher already in the cache: its estimate is only its reference scoring. */
  cached?: boolean;
}

export interface RunResult {
  dir: string;
  failed: number;
  ran: number;
  skipped: number;
  /** Failed jobs: label, first line of the error, and the log file with the whole error. */
  failures: { label: string; reason: string; log?: string }[];
  /**
   * --dry-run only: the jobs, their estimated time on one worker (`estimatedMs`, the sum) and the run's
   * estimated wall time on `workers` workers (harness/runner/plan-estimate.ts).
   */
  plan?: { jobs: PlanEntry[]; estimatedMs: number; wallMs: number; workers: number; backend: string };
}

export async function runSuite(opts: RunOptions): Promise<RunResult> {
  const loaded = await loadSuite(opts.suite);
  for (const w of loaded.warnings) process.stderr.write(`warning: ${forTerminal(w)}\n`);
  if (opts.seeds) loaded.suite.seeds = opts.seeds;
  if (opts.techniques) {
    const unknown = opts.techniques.filter((t) => !loaded.techniques.some((x) => x.label === t));
    if (unknown.length)
      throw new UsageError(
        `--techniques: '${unknown[0]}' is not in suite '${loaded.suite.name}' (has: ${loaded.techniques.map((t) => t.label).join(', ')})`,
      );
    loaded.techniques = loaded.techniques.filter((t) => opts.techniques!.includes(t.label));
  }
  const dir =
    opts.out ??
    join(
      'runs',
      opts.shard ? `${loaded.suite.name}-shard${opts.shard.index}of${opts.shard.count}` : loaded.suite.name,
    );
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  // Output paths are checked before any work (a backend load, a teacher trained).
  prepareOutDir(dir, { create: !opts.dryRun });
  if (!opts.dryRun) prepareOutDir(cacheDir, { flag: '--cache-dir', allowSymlink: true });
  const lock = opts.dryRun ? undefined : acquireRunDirLock(dir);
  try {
    const suite = { name: loaded.suite.name, hash: contentHash(loaded.suite), file: loaded.file };
    if (opts.fresh && !opts.dryRun) removeRunFiles(dir);
    else if (!opts.fresh) checkResumable(dir, { suite, harnessVersion: HARNESS_VERSION });
    const backend = await loadBackend({ backend: opts.backend });
    if (!opts.fresh) checkResumable(dir, { suite, harnessVersion: HARNESS_VERSION, backend: backend.name });
    const workers = opts.workers ?? chooseWorkers(machineFacts(backend.name, backend.wasmThreads)).workers;
    return await runPlanned({ ...opts, workers }, loaded, backend, dir, cacheDir, suite);
  } finally {
    lock?.release();
  }
}

async function runPlanned(
  opts: RunOptions & { workers: number },
  loaded: Awaited<ReturnType<typeof loadSuite>>,
  backend: Awaited<ReturnType<typeof loadBackend>>,
  dir: string,
  cacheDir: string,
  suite: Manifest['suite'],
): Promise<RunResult> {
  let plan = planSuite(loaded, backend.name);
  if (opts.shard) plan = shardPlan(plan, opts.shard);
  const finished = opts.fresh ? new Set<string>() : finishedJobKeys(dir);
  const jobs: Job[] = [...plan.teachers, ...plan.students];
  if (opts.dryRun) {
    const plan = planEntries(jobs, finished, opts.workers, cacheDir);
    if (opts.progress !== 'silent') printPlan(plan);
    return {
      dir,
      failed: 0,
      ran: 0,
      skipped: jobs.filter((j) => finished.has(j.key)).length,
      failures: [],
      plan,
    };
  }
  rebuildJsonl(dir); // resume: reconcile appends with the per-job files first
  const manifest: Manifest = {
    schemaVersion: SCHEMA_VERSION,
    harnessVersion: HARNESS_VERSION,
    gitSha: harnessGitSha(),
    suite,
    backend: backend.name,
    // The GEMM mode matters to the last bits: FMA rounds once where mul+add rounds twice.
    environment: {
      ...deviceInfo(),
      fastMatMul: backend.fastMatMul,
      gemm: backend.gemm,
      wasmThreads: backend.wasmThreads,
    },
    seeds: loaded.suite.seeds,
    metricSignatures: {},
    startedAt: new Date().toISOString(),
    jobs: jobs.map((j) => ({
      key: j.key,
      kind: j.kind,
      label: j.label,
      status: finished.has(j.key) ? 'cached' : 'pending',
    })),
    warnings: [...loaded.warnings, ...backend.warnings],
  };
  writeManifest(dir, manifest);
  const view = progressView(opts.progress);
  const todo = jobs.filter((j) => !finished.has(j.key));
  // No more worker processes than jobs left to run: each idle one would only hold memory.
  const workers = Math.min(opts.workers, todo.length);
  view.start(
    todo.map((j) => ({ label: j.label, estimateMs: estimateJobMs(j) })),
    Math.max(1, workers),
  );
  const failures: RunResult['failures'] = [];
  const gpuIds = workers > 0 ? detectGpus(backend.name).ids : [];
  const pool =
    workers > 0
      ? new WorkerPool(workers, {
          cacheDir,
          backend: opts.backend,
          plugins: loaded.plugins,
          env: (slot) => workerGpuEnv(backend.name, gpuIds, slot),
          onProgress: (k, p) => view.jobProgress(labelOf.get(k)!, p),
        })
      : undefined;
  const labelOf = new Map(jobs.map((j) => [j.key, j.label]));
  const queue = new PQueue({ concurrency: Math.max(1, workers) });
  const status = new Map<string, Promise<boolean>>();
  // Teachers under their floor: their students are skipped (status 'skipped'), not failed.
  const floorMissed = new Map<string, string>();
  const runOne = async (job: Job): Promise<boolean> => {
    const t0 = performance.now();
    view.jobStarted(job.label);
    const entry = manifest.jobs.find((j) => j.key === job.key)!;
    try {
      const out = pool ? await pool.run(job) : await executeJob(job, { cacheDir });
      saveJobOutput(dir, out);
      entry.status = 'ok';
      // Unconverged training is worth a line now, not only in the manifest and the report.
      for (const w of (out.record.cost?.warnings as string[] | undefined) ?? [])
        if (w.startsWith(LOSS_TAIL_WARNING)) view.jobWarning(job.label, w);
      return true;
    } catch (err) {
      entry.status = 'failed';
      entry.error = (err as Error).message.split('\n')[0];
      if (entry.error.includes(FLOOR_MISS)) floorMissed.set(job.key, entry.error);
      failures.push({ label: job.label, reason: entry.error, log: writeFailureLog(dir, job, err) });
      return false;
    } finally {
      entry.wallTimeMs = Math.round(performance.now() - t0);
      view.jobDone(
        job.label,
        entry.status,
        entry.wallTimeMs,
        failures.find((f) => f.label === job.label),
      );
      writeManifest(dir, manifest);
    }
  };
  for (const t of plan.teachers)
    status.set(
      t.key,
      finished.has(t.key) ? Promise.resolve(true) : (queue.add(() => runOne(t)) as Promise<boolean>),
    );
  const studentRuns = plan.students
    .filter((s) => !finished.has(s.key))
    .map(async (s) => {
      const ok = await Promise.all(s.teacherKeys.map((k) => status.get(k)!));
      if (ok.every(Boolean)) return queue.add(() => runOne(s));
      const entry = manifest.jobs.find((j) => j.key === s.key)!;
      const missed = s.teacherKeys.map((k) => floorMissed.get(k)).find(Boolean);
      if (missed) {
        entry.status = 'skipped';
        entry.error = `skipped: ${missed}`;
        view.jobDone(s.label, 'skipped', 0, { reason: entry.error });
        return false;
      }
      entry.status = 'failed';
      entry.error = 'a teacher job it depends on failed';
      failures.push({ label: s.label, reason: entry.error });
      view.jobDone(s.label, 'failed', 0, { reason: entry.error });
      return false;
    });
  await Promise.all([...status.values(), ...studentRuns]);
  await queue.onIdle();
  pool?.close();
  view.stop();
  const outputs = readJobOutputs(dir);
  rebuildJsonl(dir, outputs);
  for (const o of outputs) for (const r of o.results) manifest.metricSignatures[r.metric] = r.signature;
  manifest.endedAt = new Date().toISOString();
  manifest.warnings.push(
    ...outputs.flatMap((o) =>
      ((o.record.cost?.warnings as string[]) ?? []).map(
        (w) => `${o.record.technique}/${o.record.student}/seed ${o.record.seed}: ${w}`,
      ),
    ),
  );
  writeManifest(dir, manifest);
  await opts.afterRun?.(dir);
  const failed = manifest.jobs.filter((j) => j.status === 'failed').length;
  const notRun = manifest.jobs.filter((j) => j.status === 'skipped').length;
  return { dir, failed, ran: todo.length - notRun, skipped: jobs.length - todo.length + notRun, failures };
}

/** The whole error (stack, worker stderr) of a failed job, so the terminal can print one line. */
function writeFailureLog(dir: string, job: Job, err: unknown): string | undefined {
  try {
    const path = join(dir, 'logs', `${job.key}.log`);
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const e = err as Error;
    writeFileSync(path, `${job.label}\n${e?.stack ?? String(err)}\n`);
    return path;
  } catch {
    return undefined;
  }
}

function planEntries(
  jobs: Job[],
  finished: Set<string>,
  workers: number,
  cacheDir: string,
): NonNullable<RunResult['plan']> {
  const estimate = estimatePlan(jobs, { finished, workers, cacheDir });
  const entries = jobs.map((j) => ({
    key: j.key,
    kind: j.kind,
    label: j.label,
    finished: finished.has(j.key),
    estimateMs: Math.round(estimate.jobMs.get(j.key)!),
    ...(estimate.cachedTeachers.has(j.key) ? { cached: true } : {}),
  }));
  return {
    jobs: entries,
    estimatedMs: entries.reduce((a, e) => a + e.estimateMs, 0),
    wallMs: Math.round(estimate.wallMs),
    workers: estimate.workers,
    backend: activeBackend()?.name ?? '?',
  };
}

function printPlan(plan: NonNullable<RunResult['plan']>): void {
  for (const j of plan.jobs)
    console.log(
      `${j.finished ? 'done  ' : 'todo  '} ${j.kind.padEnd(7)} ${j.key}  ${j.label}  ~${(j.estimateMs / 1000).toFixed(0)} s${j.cached ? ' (cached teacher)' : ''}`,
    );
  console.log(
    `${plan.jobs.length} jobs, ${plan.jobs.filter((j) => j.finished).length} finished; estimated ${clock(plan.estimatedMs)} of training and evaluation on ${plan.backend} (one worker); wall time ${clock(plan.wallMs)} (${plan.workers} worker${plan.workers === 1 ? '' : 's'})`,
  );
}
