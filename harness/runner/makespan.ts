/** One job of the schedule: its estimated time and the jobs that must finish before it may start. */
export interface ScheduledJob {
  key: string;
  ms: number;
  after: string[];
}

/**
 * The wall time of running `jobs` on `workers` the way run.ts does: one FIFO queue, every job whose
 * prerequisites are done (teachers first, in plan order) queued at the start, the others queued when
 * their last prerequisite finishes, each free worker taking the queue's head. Jobs listed as done
 * (finished earlier, or cached) cost nothing and hold nobody back.
 */
export function makespanMs(jobs: ScheduledJob[], workers: number, done: Set<string> = new Set()): number {
  const pending = jobs.filter((j) => !done.has(j.key));
  const finished = new Set(done);
  const queue: ScheduledJob[] = [];
  const waiting = new Set(pending);
  const release = () => {
    for (const j of [...waiting])
      if (j.after.every((k) => finished.has(k) || !pending.some((p) => p.key === k))) {
        waiting.delete(j);
        queue.push(j);
      }
  };
  release();
  // Free times of the workers and the jobs running on them.
  const running: { end: number; key: string }[] = [];
  let now = 0;
  const n = Math.max(1, workers);
  while (queue.length || running.length) {
    while (running.length < n && queue.length) {
      const j = queue.shift()!;
      running.push({ end: now + j.ms, key: j.key });
    }
    running.sort((a, b) => a.end - b.end);
    const next = running.shift();
    if (!next) break; // only jobs waiting on prerequisites that never run: nothing more can start
    now = next.end;
    finished.add(next.key);
    // Jobs ending at the same moment free their workers together.
    while (running.length && running[0].end === now) finished.add(running.shift()!.key);
    release();
  }
  return now;
}
