import cliProgress from 'cli-progress';
import type { Progress } from './pool.ts';

/** Live bar on a TTY (cli-progress), plain one-line logs otherwise or with --quiet/--json. */
export interface ProgressView {
  start(total: number): void;
  jobStarted(label: string): void;
  jobProgress(label: string, p: Progress): void;
  jobDone(label: string, status: string, ms: number): void;
  stop(): void;
}

export function progressView(mode: 'bar' | 'lines' | 'silent'): ProgressView {
  if (mode === 'silent') return { start() {}, jobStarted() {}, jobProgress() {}, jobDone() {}, stop() {} };
  if (mode === 'lines') {
    let done = 0;
    let total = 0;
    return {
      start: (t) => {
        total = t;
      },
      jobStarted: (label) => console.error(`[${done}/${total}] start ${label}`),
      jobProgress: () => {},
      jobDone: (label, status, ms) =>
        console.error(`[${++done}/${total}] ${status} ${label} (${(ms / 1000).toFixed(1)} s)`),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {value}/{total} jobs | ETA {eta_formatted} | {current}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const running = new Map<string, string>();
  const show = () => [...running.values()].join(' · ').slice(0, 80);
  return {
    start: (t) => bar.start(t, 0, { current: '' }),
    jobStarted: (label) => {
      running.set(label, label);
      bar.update({ current: show() });
    },
    jobProgress: (label, p) => {
      running.set(
        label,
        `${label} ${p.phase} ${p.step}/${p.steps}${p.loss === undefined ? '' : ` loss ${p.loss.toFixed(3)}`}`,
      );
      bar.update({ current: show() });
    },
    jobDone: (label) => {
      running.delete(label);
      bar.increment(1, { current: show() });
    },
    stop: () => bar.stop(),
  };
}
