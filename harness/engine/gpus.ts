import { spawnSync } from 'node:child_process';
import type { BackendName } from './backend.ts';

export interface GpuFacts {
  /** GPUs the backend can use (0 on CPU backends; at least 1 on a GPU backend, which loaded). */
  count: number;
  /** CUDA device ids to pin workers to, one each in turn; empty: not known, workers are not pinned. */
  ids: string[];
  /** Where the count came from, for `doctor`. */
  source: string;
}

/**
 * `CUDA_VISIBLE_DEVICES` as CUDA reads it: the listed ids up to the first invalid one (`-1` or
 * empty hides every GPU).
 */
export function parseVisibleDevices(v: string): string[] {
  const ids: string[] = [];
  for (const raw of v.split(',')) {
    const id = raw.trim();
    if (id === '' || id.startsWith('-')) break;
    ids.push(id);
  }
  return ids;
}

/** The device indices in `nvidia-smi -L` output (`GPU 0: NVIDIA H200 (UUID: GPU-...)` lines). */
export function parseNvidiaSmiList(out: string): string[] {
  return [...out.matchAll(/^GPU (\d+):/gm)].map((m) => m[1]);
}

function nvidiaSmiList(): string | undefined {
  const r = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 5_000 });
  return r.status === 0 ? r.stdout : undefined;
}

/** The GPUs of this machine as the loaded backend sees them. */
export function detectGpus(
  backend: BackendName,
  env: NodeJS.ProcessEnv = process.env,
  smi: () => string | undefined = nvidiaSmiList,
): GpuFacts {
  if (backend === 'webgpu') return { count: 1, ids: [], source: 'the one WebGPU adapter Dawn uses' };
  if (backend !== 'tensorflow-gpu') return { count: 0, ids: [], source: `none used by ${backend}` };
  const visible = env.CUDA_VISIBLE_DEVICES;
  if (visible !== undefined) {
    const ids = parseVisibleDevices(visible);
    return { count: Math.max(1, ids.length), ids, source: `CUDA_VISIBLE_DEVICES=${visible}` };
  }
  const listed = smi();
  const ids = listed ? parseNvidiaSmiList(listed) : [];
  return ids.length
    ? { count: ids.length, ids, source: 'nvidia-smi -L' }
    : { count: 1, ids: [], source: 'assumed 1 (nvidia-smi -L gave no list)' };
}

/**
 * Extra environment of worker `slot`: on tensorflow-gpu with several known GPUs, one device each in
 * turn, so N per GPU spread over all of them (TensorFlow otherwise places every op on GPU 0).
 */
export function workerGpuEnv(
  backend: BackendName,
  ids: readonly string[],
  slot: number,
): Record<string, string> {
  if (backend !== 'tensorflow-gpu' || ids.length < 2) return {};
  return { CUDA_VISIBLE_DEVICES: ids[slot % ids.length] };
}
