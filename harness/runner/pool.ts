import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PluginRef } from '../plugins/load-plugins.ts';
import type { Job } from './plan.ts';
import type { JobOutput } from './results.ts';

const WORKER = fileURLToPath(new URL('../../bin/worker.mjs', import.meta.url));

export interface Progress {
  step: number;
  steps: number;
  loss?: number;
  phase: string;
}

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
}

/** A fixed set of worker processes; `run` sends a job to an idle one and resolves with its output. */
export class WorkerPool {
  private readonly slots: Slot[] = [];

  constructor(
    size: number,
    private readonly opts: {
      cacheDir: string;
      backend?: string;
      /** The suite's plugins, imported by each worker before its first job. */
      plugins?: PluginRef[];
      onProgress?: (key: string, p: Progress) => void;
      /** Extra environment of the worker in each slot (its GPU: harness/engine/gpus.ts). */
      env?: (slot: number) => Record<string, string>;
    },
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn(i));
  }

  private spawn(index: number): Slot {
    const child = fork(WORKER, [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...this.opts.env?.(index) },
    });
    const ready = new Promise<void>((res) => {
      const onMsg = (m: { type: string }) => {
        if (m.type === 'ready') {
          child.off('message', onMsg);
          res();
        }
      };
      child.on('message', onMsg);
    });
    return { child, ready, busy: false };
  }

  async run(job: Job): Promise<JobOutput> {
    const slot = this.slots.find((s) => !s.busy);
    if (!slot)
      throw new Error('WorkerPool.run called with no idle worker (p-queue concurrency must equal pool size)');
    slot.busy = true;
    await slot.ready;
    try {
      return await new Promise<JobOutput>((resolve, reject) => {
        const onMsg = (m: any) => {
          if (m.key !== job.key) return;
          if (m.type === 'progress') this.opts.onProgress?.(job.key, m);
          else {
            cleanup();
            if (m.type === 'done') resolve(m.output);
            else reject(new Error(m.error));
          }
        };
        const onExit = (code: number | null, signal: string | null) => {
          cleanup();
          reject(new Error(`worker exited (${signal ?? `code ${code}`}) while running ${job.label}`));
        };
        const cleanup = () => {
          slot.child.off('message', onMsg);
          slot.child.off('exit', onExit);
        };
        slot.child.on('message', onMsg);
        slot.child.on('exit', onExit);
        slot.child.send({
          type: 'job',
          job,
          cacheDir: this.opts.cacheDir,
          backend: this.opts.backend,
          plugins: this.opts.plugins ?? [],
        });
      });
    } catch (err) {
      // A dead worker is replaced so the rest of the run continues.
      if (slot.child.exitCode !== null || slot.child.signalCode !== null)
        Object.assign(slot, this.spawn(this.slots.indexOf(slot)));
      throw err;
    } finally {
      slot.busy = false;
    }
  }

  close(): void {
    for (const s of this.slots) s.child.kill();
  }
}
