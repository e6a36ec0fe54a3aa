import { loadBackend } from '../engine/backend.ts';
import { loadPlugins, type PluginRef } from '../plugins/load-plugins.ts';
import { executeJob } from './execute.ts';
import type { Job } from './plan.ts';

/**
 * A worker process: one single-threaded tfjs backend, jobs in, results out over IPC. Two such
 * processes measured ~1.5x the throughput of one two-thread process (BENCHMARKS.md#worker-processes).
 */
interface Start {
  type: 'job';
  job: Job;
  cacheDir: string;
  backend?: string;
  plugins: PluginRef[];
}

process.on('message', async (msg: Start) => {
  if (msg.type !== 'job') return;
  try {
    await loadBackend({ backend: msg.backend });
    await loadPlugins(msg.plugins);
    const out = await executeJob(msg.job, {
      cacheDir: msg.cacheDir,
      progress: (p) => process.send!({ type: 'progress', key: msg.job.key, ...p }),
    });
    process.send!({ type: 'done', key: msg.job.key, output: out });
  } catch (err) {
    const e = err as Error;
    process.send!({ type: 'failed', key: msg.job.key, error: e.stack ?? e.message });
  }
});
process.send!({ type: 'ready' });
process.on('disconnect', () => process.exit(1));
