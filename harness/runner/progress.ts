import cliProgress from 'cli-progress';
import { clock, etaMs } from './estimate.ts';
import type { Progress } from './pool.ts';

export interface PlannedJob {
  label: string;
  estimateMs: number;
}

export interface JobFailure {
  /** First line of the error. */
  reason: string;
  /** Where the full error (stack, worker output) was written. */
  log?: string;
}

/**
 * Live bar on a TTY (cli-progress); one line per job otherwise; `quiet` prints failures only and
 * `silent` (--json) nothing. Every mode but silent prints a failed job's reason when it fails.
 */
export interface ProgressView {
  start(jobs: PlannedJob[], workers: number): void;
  jobStarted(label: string): void;
  jobProgress(label: string, p: Progress): void;
  jobDone(label: string, status: string, ms: number, failure?: JobFailure): void;
  /** A finished job's warning worth a line now (e.g. its loss still falling), not only in the report. */
  jobWarning(label: string, message: string): void;
  stop(): void;
}

export type ProgressMode = 'bar' | 'lines' | 'quiet' | 'silent';

/** The clock state every mode shares: elapsed time and the estimate-based ETA. */
class Timing {
  private t0 = performance.now();
  private estimate = new Map<string, number>();
  private startedAt = new Map<string, number>();
  private remainingEstimate = 0;
  private doneEstimate = 0;
  private doneActual = 0;
  done = 0;
  total = 0;
  workers = 1;

  start(jobs: PlannedJob[], workers: number): void {
    this.t0 = performance.now();
    this.total = jobs.length;
    this.workers = workers;
    for (const j of jobs) this.estimate.set(j.label, j.estimateMs);
    this.remainingEstimate = jobs.reduce((a, j) => a + j.estimateMs, 0);
  }
  started(label: string): void {
    this.startedAt.set(label, performance.now());
  }
  finished(label: string, ms: number): void {
    const est = this.estimate.get(label) ?? 0;
    this.startedAt.delete(label);
    this.remainingEstimate -= est;
    // A job skipped because its teacher failed (0 ms) says nothing about speed.
    if (ms > 0) {
      this.doneEstimate += est;
      this.doneActual += ms;
    }
    this.done++;
  }
  elapsed(): string {
    return clock(performance.now() - this.t0);
  }
  eta(): string {
    const now = performance.now();
    return clock(
      etaMs({
        remainingEstimateMs: this.remainingEstimate,
        doneEstimateMs: this.doneEstimate,
        doneActualMs: this.doneActual,
        running: [...this.startedAt].map(([label, t]) => ({
          estimateMs: this.estimate.get(label) ?? 0,
          elapsedMs: now - t,
        })),
        workers: this.workers,
      }),
    );
  }
}

const failureLine = (label: string, f: JobFailure) =>
  `failed ${label}: ${f.reason}${f.log ? ` (full log: ${f.log})` : ''}`;

export function progressView(mode: ProgressMode): ProgressView {
  if (mode === 'silent')
    return { start() {}, jobStarted() {}, jobProgress() {}, jobDone() {}, jobWarning() {}, stop() {} };
  const time = new Timing();
  if (mode === 'quiet' || mode === 'lines') {
    const lines = mode === 'lines';
    return {
      start: (jobs, workers) => time.start(jobs, workers),
      jobStarted: (label) => {
        time.started(label);
        if (lines) console.error(`[${time.done}/${time.total}] start ${label}`);
      },
      jobProgress: () => {},
      jobDone: (label, status, ms, failure) => {
        time.finished(label, ms);
        if (failure) console.error(failureLine(label, failure));
        if (lines)
          console.error(
            `[${time.done}/${time.total}] ${status} ${label} (${(ms / 1000).toFixed(1)} s) · elapsed ${time.elapsed()} · ETA ${time.eta()}`,
          );
      },
      // --quiet keeps to failures; the warning is in the manifest and the report either way.
      jobWarning: (label, message) => {
        if (lines) console.error(`warning: ${label}: ${message}`);
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {value}/{total} jobs | {elapsed} elapsed, ETA {eta} | {current}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const running = new Map<string, string>();
  const payload = () => ({
    current: [...running.values()].join(' · ').slice(0, 80),
    elapsed: time.elapsed(),
    eta: time.eta(),
  });
  let tick: ReturnType<typeof setInterval> | undefined;
  return {
    start: (jobs, workers) => {
      time.start(jobs, workers);
      bar.start(jobs.length, 0, payload());
      tick = setInterval(() => bar.update(payload()), 1000);
      tick.unref();
    },
    jobStarted: (label) => {
      time.started(label);
      running.set(label, label);
      bar.update(payload());
    },
    jobProgress: (label, p) => {
      running.set(
        label,
        `${label} ${p.phase} ${p.step}/${p.steps}${p.loss === undefined ? '' : ` loss ${p.loss.toFixed(3)}`}`,
      );
      bar.update(payload());
    },
    jobDone: (label, _status, ms, failure) => {
      time.finished(label, ms);
      running.delete(label);
      // Clear the bar's line, print the reason above it; the next update redraws the bar.
      if (failure) process.stderr.write(`\r\x1b[K${failureLine(label, failure)}\n`);
      bar.increment(1, payload());
    },
    jobWarning: (label, message) => process.stderr.write(`\r\x1b[Kwarning: ${label}: ${message}\n`),
    stop: () => {
      if (tick) clearInterval(tick);
      bar.stop();
    },
  };
}
