/**
 * `npm run bench:train [-- --configs small,3m --steps 20 --backend wasm --compare-torch --profile]`
 * Trains the benchmark LM (BENCHMARKS.md#model-presets) on random tokens and prints throughput, one
 * line per config. With --compare-torch (Debian python3-torch) it runs the same model in PyTorch in the
 * same run (bench/torch-compare.ts); with --profile it prints a kernel profile (bench/kernel-profile.ts).
 */
import { cpus } from 'node:os';
import { Command } from 'commander';
import { type BackendInfo, loadBackend } from '../harness/engine/backend.ts';
import { Rng } from '../harness/engine/rng.ts';
import { tf } from '../harness/engine/tf.ts';
import { SPLIT_NAMES, type SplitName } from '../harness/engine/wasm-simd/module.ts';
import { parseWasmThreads } from '../harness/engine/wasm-thread-count.ts';
import { MODEL_PRESETS, parameterCount } from '../harness/models/config.ts';
import { TransformerLM } from '../harness/models/transformer.ts';
import { crossEntropy } from '../harness/training/losses.ts';
import { AdamTrainer, TrainingOptionsSchema } from '../harness/training/optimizer.ts';
import { abSides } from './ab-sides.ts';
import { printKernelProfile } from './kernel-profile.ts';
import { printKernelTimes } from './kernel-timer.ts';
import { runTorch, type TorchResult } from './torch-compare.ts';

const SIZES = {
  tiny: { ...MODEL_PRESETS.tiny, seq: 64, batch: 16 },
  small: { ...MODEL_PRESETS.small, seq: 64, batch: 32 },
  m1: { dModel: 128, layers: 4, heads: 4, dFF: 512, seq: 64, batch: 32 },
  med: { ...MODEL_PRESETS.med, seq: 64, batch: 32 },
  // The ~3M-parameter config of issue [J]: the `med` preset (3,208,768 parameters at vocab 64).
  '3m': { ...MODEL_PRESETS.med, seq: 64, batch: 32 },
} as const;
type SizeName = keyof typeof SIZES;

const opts = new Command()
  .option('--config <name>', `one of ${Object.keys(SIZES).join(', ')}`, 'small')
  .option('--configs <list>', 'comma-separated configs, one output line each (overrides --config)')
  .option('--steps <n>', 'timed steps', (v) => Number.parseInt(v, 10), 20)
  .option(
    '--warmup <n>',
    'untimed steps first (both sides; the threaded wasm build needs about 20 to reach its steady speed, see --trace)',
    (v) => Number.parseInt(v, 10),
    20,
  )
  .option('--trace', "print each timed step's ms (to see where the warm-up ends)")
  .option('--backend <name>', 'force a backend (default: the ladder)')
  .option(
    '--threads <n>',
    'wasm only: threads the generated GEMM and the split kernels use (default DISTILL_BENCH_WASM_THREADS, else ' +
      "as many as the PyTorch twin's BLAS threads: min(2, cores); 1 is the single-threaded binary)",
    (v) => parseWasmThreads(v, '--threads'),
  )
  .option('--stock-matmul', "wasm only: keep the stock BatchMatMul kernel (to measure the fast path's gain)")
  .option(
    '--unfused',
    'wasm only: keep the stock kernels and the op-based clip+Adam (to measure the fused ones)',
  )
  .option(
    '--ab [what]',
    'wasm only: alternate two settings step by step, median ms of each (robust to load): fused (default) ' +
      'kernels against unfused, gelu: the fused GELU against the stock ops, softmax: the fused attention ' +
      'softmax against the stock ops, or spin: GEMM threads polling 2 ms ' +
      'for the next product against sleeping at once, or split: the elementwise kernels on all threads ' +
      'against the calling thread alone',
  )
  .option(
    '--split <kernels>',
    `with --ab split: which kernels to split, of ${SPLIT_NAMES.join(', ')} (default all)`,
  )
  .option('--profile', 'print a kernel profile (mean of 5 steps after warm-up) per config instead of timing')
  .option(
    '--kernel-times',
    'wasm only: time each kernel function inside 10 real steps (no tf.profile) instead of timing',
  )
  .option('--compare-torch', 'also run the PyTorch twin (python3-torch) and print the ratio')
  .option('--torch-device <dev>', 'cpu or cuda', 'cpu')
  .option('--json', 'print one JSON line per config')
  .parse()
  .opts();

// Checked before the backend loads: the single-threaded glue prints its whole source with any uncaught error.
// Like for like by default: wasm gets the threads the PyTorch twin's BLAS gets (below); `run` keeps 1 per worker.
const threads: number =
  opts.threads ??
  (process.env.DISTILL_BENCH_WASM_THREADS
    ? parseWasmThreads(process.env.DISTILL_BENCH_WASM_THREADS)
    : Math.min(2, cpus().length));
if (opts.ab === 'spin' && !(threads > 1)) {
  console.error('--ab spin needs --threads 2 or more (the GEMM threads are what polls or sleeps)');
  process.exit(2);
}
const splitList =
  opts.split === undefined ? SPLIT_NAMES : (opts.split as string).split(',').map((s) => s.trim());
const unknownSplit = splitList.filter((n) => !(SPLIT_NAMES as string[]).includes(n));
if (unknownSplit.length) {
  console.error(`--split: unknown '${unknownSplit.join(', ')}', use ${SPLIT_NAMES.join(', ')}`);
  process.exit(2);
}
// --profile and --kernel-times print kernel tables instead of the timing line (and skip the PyTorch twin).
const timing = !opts.profile && !opts.kernelTimes;
const names = (opts.configs ?? opts.config).split(',').map((s: string) => s.trim()) as SizeName[];
for (const n of names) {
  if (!SIZES[n]) throw new Error(`--config: unknown '${n}', use one of ${Object.keys(SIZES).join(', ')}`);
}
const backend = await loadBackend({
  backend: opts.backend,
  fastMatMul: !opts.stockMatmul,
  fused: !opts.unfused,
  wasmThreads: threads,
});
const V = 64;

function wasmThreads(info: BackendInfo): string {
  if (info.tfBackend !== 'wasm') return info.tfBackend;
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'simd' : 'no-simd';
  return `wasm ${simd}, ${info.wasmThreads === 1 ? '1 thread' : `${info.wasmThreads} threads`}`;
}

async function benchConfig(name: SizeName): Promise<Record<string, unknown>> {
  const { seq: T, batch: B, dModel: D, layers: L, dFF: F, heads: H } = SIZES[name];
  const config = {
    vocabSize: V,
    dModel: D,
    layers: L,
    heads: H,
    dFF: F,
    maxLen: T,
    positions: 'learned' as const,
  };
  const model = new TransformerLM(config, 0);
  const rng = new Rng(0);
  const ids = Int32Array.from({ length: B * (T + 1) }, () => rng.int(0, V - 1));
  const tokens = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    tokens.set(ids.subarray(b * (T + 1), b * (T + 1) + T), b * T);
    targets.set(ids.subarray(b * (T + 1) + 1, (b + 1) * (T + 1)), b * T);
  }
  const positions = Int32Array.from({ length: B * T }, (_, i) => i % T);
  const input = { tokens, positions, keyMask: new Float32Array(B * T).fill(1), batch: B, length: T };
  const vars = model.trainableVariables();
  const trainer = new AdamTrainer(
    vars,
    TrainingOptionsSchema.parse({ steps: 1e6, lr: 1e-3, warmupSteps: 0 }),
  );
  const loss = () =>
    crossEntropy(model.forward(input).logits, tf.tensor1d(targets, 'int32'), tf.ones([B * T]) as tf.Tensor1D);
  const step = () => trainer.minimize(() => ({ total: loss(), terms: {} }));
  // Loss terms are read back every `trainer.readEvery` steps (AdamTrainer.read), as in training runs.
  let last = Number.NaN;
  const drain = async (due = false) => {
    for (const log of await trainer.read({ due })) last = log.terms.total;
  };
  step();
  await drain();
  const first = last;
  for (let i = 1; i < opts.warmup; i++) step();
  await drain();
  const result: Record<string, unknown> = { config: name, params: parameterCount(config) };
  if (opts.ab) {
    // Same process, same model, alternating steps: other processes' load hits both sides alike.
    const [label, on, off, toggle] = abSides(opts.ab, backend, splitList as SplitName[]);
    const times: [number[], number[]] = [[], []];
    for (let i = 0; i < 2 * opts.steps; i++) {
      toggle(i % 2 === 0);
      const t0 = performance.now();
      step();
      times[i % 2].push(performance.now() - t0);
      await drain(true);
    }
    toggle(true);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
    const [msOn, msOff] = times.map(median);
    Object.assign(result, {
      ab: label,
      [`${on}Ms`]: +msOn.toFixed(1),
      [`${off}Ms`]: +msOff.toFixed(1),
      speedup: +(msOff / msOn).toFixed(3),
    });
    return result;
  }
  if (opts.kernelTimes) {
    console.log(`== ${name} (${wasmThreads(backend)}, fused: ${backend.fused})`);
    await printKernelTimes(async () => {
      step();
      await drain(true);
    }, 10);
  } else if (opts.profile) {
    console.log(`== ${name} (${backend.name}, fused: ${backend.fused})`);
    await printKernelProfile(step, () => tf.tidy(() => tf.dispose(tf.variableGrads(loss, vars).grads)), 5);
  } else {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const trace: number[] = [];
    for (let i = 0; i < opts.steps; i++) {
      const s0 = performance.now();
      step();
      await drain(true);
      trace.push(performance.now() - s0);
    }
    if (opts.trace) console.log(`config=${name} stepMs=${trace.map((ms) => ms.toFixed(0)).join(',')}`);
    await drain();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / opts.steps;
    // CPU time moves less than wall time when other processes share the cores.
    const cpu = process.cpuUsage(c0);
    const cpuMs = (cpu.user + cpu.system) / 1000 / opts.steps;
    const nMatmul = L * (4 * D * D + 2 * D * F) + D * V;
    const flops = 6 * nMatmul * B * T + 3 * L * B * 4 * T * T * D;
    Object.assign(result, {
      backend: backend.name,
      threads: wasmThreads(backend),
      fastMatMul: backend.fastMatMul,
      fused: backend.fused,
      msPerStep: +ms.toFixed(1),
      cpuMsPerStep: +cpuMs.toFixed(1),
      tokPerS: Math.round((B * T * 1000) / ms),
      gflopPerS: +((flops / ms) * 1e-6).toFixed(2),
      loss: `${first.toFixed(4)} -> ${last.toFixed(4)}`,
    });
  }
  trainer.dispose();
  model.dispose();
  if (opts.compareTorch && timing) {
    const cfg = {
      vocab: V,
      d: D,
      heads: H,
      layers: L,
      ff: F,
      seq: T,
      batch: B,
      steps: opts.steps,
      warmup: opts.warmup,
    };
    const tokPerS = result.tokPerS as number;
    const cpuMs = result.cpuMsPerStep as number;
    // ratio: wall-clock tok/s. cpuRatio (1-thread torch only; OpenBLAS threads spin, so a 2-thread CPU
    // time is no cost measure): torch CPU ms / ours, the like-for-like figure on a loaded machine.
    const side = (t: TorchResult | string, cpuRatio: boolean) =>
      typeof t === 'string'
        ? t
        : {
            ...t,
            ratio: +(tokPerS / t.tokPerS).toFixed(3),
            ...(cpuRatio ? { cpuRatio: +(t.cpuMsPerStep / cpuMs).toFixed(3) } : {}),
          };
    // BENCHMARKS.md#pytorch-thread-settings: OpenBLAS 2 threads + torch 1 thread is PyTorch's best 2-core
    // setting; the 1-thread run is the like-for-like figure against single-threaded wasm.
    result.torch = side(
      runTorch(cfg, { blasThreads: Math.min(2, cpus().length), device: opts.torchDevice }),
      false,
    );
    if (cpus().length > 1)
      result.torch1 = side(runTorch(cfg, { blasThreads: 1, device: opts.torchDevice }), true);
  }
  return result;
}

for (const name of names) {
  const result = await benchConfig(name);
  if (!timing) continue;
  if (opts.json) console.log(JSON.stringify(result));
  else
    console.log(
      Object.entries(result)
        .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`)
        .join(' '),
    );
}
if (timing)
  console.log(
    `cpu=${JSON.stringify(cpus()[0]?.model)} peakRssMB=${Math.round(process.resourceUsage().maxRSS / 1024)}`,
  );
