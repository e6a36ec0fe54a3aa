/**
 * Runs the PyTorch twin (bench/torch_lm.py) for `npm run bench:train -- --compare-torch` and reports
 * its BLAS and thread settings next to its throughput. A run on Debian's reference libblas is refused:
 * it is ~50x slower than OpenBLAS at sgemm (BENCHMARKS.md#pytorch-thread-settings), so a ratio
 * against it would flatter tfjs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface TorchConfig {
  vocab: number;
  d: number;
  heads: number;
  layers: number;
  ff: number;
  seq: number;
  batch: number;
  steps: number;
  warmup: number;
}

export interface TorchResult {
  msPerStep: number;
  /** CPU time of all its threads per step (less sensitive to other processes than wall time). */
  cpuMsPerStep: number;
  tokPerS: number;
  torch: string;
  params: number;
  device: string;
  /** The libblas/openblas files the python process mapped (from its /proc/self/maps). */
  blas: string[];
  /** BLAS_INFO from torch.__config__.show(). */
  blasInfo: string;
  torchThreads: number;
  blasThreads: number;
}

export interface TorchRunOptions {
  blasThreads: number;
  device: string;
}

/** Where Debian's reference BLAS lives; alternatives point libblas.so.3 here when OpenBLAS is absent. */
const REFERENCE_BLAS = /\/blas\/libblas\.so/;

/** Why a CPU run on these mapped BLAS files gives no fair ratio, or undefined when it does. */
export function blasRefusal(mapped: string[]): string | undefined {
  if (!mapped.some((p) => REFERENCE_BLAS.test(p)) || mapped.some((p) => /openblas/.test(p))) return undefined;
  return (
    `refused: PyTorch mapped the reference BLAS (${mapped.join(', ')}), ~50x slower than OpenBLAS; no ratio. ` +
    'Fix: apt-get install libopenblas0-pthread, then update-alternatives --config libblas.so.3-x86_64-linux-gnu ' +
    '(pick openblas-pthread)'
  );
}

/** The python that has torch: Debian's python3-torch lives under /usr/bin/python3, which a pyenv python3 on PATH can shadow. */
export function torchPython(): string {
  return (
    process.env.DISTILL_BENCH_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3')
  );
}

/** Returns the run's figures, or a one-line reason why there are none (and no ratio must be printed). */
export function runTorch(cfg: TorchConfig, run: TorchRunOptions): TorchResult | string {
  const script = fileURLToPath(new URL('./torch_lm.py', import.meta.url));
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(run.blasThreads) };
  const args = JSON.stringify({ ...cfg, device: run.device, torch_threads: 1 });
  const py = spawnSync(torchPython(), [script, args], { env, encoding: 'utf8' });
  if (py.status !== 0) {
    return `unavailable: ${(py.stderr || py.error?.message || '').trim().split('\n').pop()}`;
  }
  const t = JSON.parse(py.stdout.trim().split('\n').pop()!);
  const blas: string[] = t.blas_libs;
  const refused = run.device === 'cpu' ? blasRefusal(blas) : undefined;
  if (refused) return refused;
  return {
    msPerStep: +t.ms_per_step.toFixed(1),
    cpuMsPerStep: +t.cpu_ms_per_step.toFixed(1),
    tokPerS: Math.round(t.tok_s),
    torch: t.torch,
    params: t.params,
    device: run.device,
    blas,
    blasInfo: t.blas_info,
    torchThreads: t.torch_threads,
    blasThreads: run.blasThreads,
  };
}
