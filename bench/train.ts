/**
 * `npm run bench:train [-- --config small --steps 20 --backend wasm --compare-torch]`
 * Trains the benchmark LM (BENCHMARKS.md#model-presets) on random tokens and prints throughput.
 * With --compare-torch (Debian python3-torch) it runs the same model in PyTorch in the same run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadBackend } from '../harness/engine/backend.ts';
import { Rng } from '../harness/engine/rng.ts';
import { tf } from '../harness/engine/tf.ts';
import { MODEL_PRESETS, parameterCount } from '../harness/models/config.ts';
import { TransformerLM } from '../harness/models/transformer.ts';
import { crossEntropy } from '../harness/training/losses.ts';
import { AdamTrainer, TrainingOptionsSchema } from '../harness/training/optimizer.ts';

const SIZES = {
  tiny: { ...MODEL_PRESETS.tiny, seq: 64, batch: 16 },
  small: { ...MODEL_PRESETS.small, seq: 64, batch: 32 },
  m1: { dModel: 128, layers: 4, heads: 4, dFF: 512, seq: 64, batch: 32 },
  med: { ...MODEL_PRESETS.med, seq: 64, batch: 32 },
} as const;

const opts = new Command()
  .option('--config <name>', `one of ${Object.keys(SIZES).join(', ')}`, 'small')
  .option('--steps <n>', 'timed steps', (v) => Number.parseInt(v, 10), 20)
  .option('--warmup <n>', 'untimed steps first', (v) => Number.parseInt(v, 10), 3)
  .option('--backend <name>', 'force a backend (default: the ladder)')
  .option('--stock-matmul', "wasm only: keep the stock BatchMatMul kernel (to measure the fast path's gain)")
  .option('--compare-torch', 'also run the PyTorch twin (python3-torch) and print the ratio')
  .option('--torch-device <dev>', 'cpu or cuda', 'cpu')
  .option('--json', 'print one JSON line')
  .parse()
  .opts();

const size = SIZES[opts.config as keyof typeof SIZES];
if (!size) throw new Error(`--config: unknown '${opts.config}', use one of ${Object.keys(SIZES).join(', ')}`);
const V = 64;
const { seq: T, batch: B, dModel: D, layers: L, dFF: F, heads: H } = size;
const backend = await loadBackend({ backend: opts.backend, fastMatMul: !opts.stockMatmul });
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
const trainer = new AdamTrainer(
  model.trainableVariables(),
  TrainingOptionsSchema.parse({ steps: 1e6, lr: 1e-3, warmupSteps: 0 }),
);
// Loss terms are read back every `trainer.readEvery` steps (AdamTrainer.read), as in training runs.
let last = 0;
const read = async (due: boolean) => {
  for (const log of await trainer.read({ due })) last = log.terms.total;
};
const step = async () => {
  trainer.minimize(() => {
    const ce = crossEntropy(
      model.forward(input).logits,
      tf.tensor1d(targets, 'int32'),
      tf.ones([B * T]) as tf.Tensor1D,
    );
    return { total: ce, terms: {} };
  });
  await read(true);
};
await step();
await read(false);
const first = last;
for (let i = 1; i < opts.warmup; i++) await step();
await read(false);
const t0 = process.hrtime.bigint();
for (let i = 0; i < opts.steps; i++) await step();
await read(false);
const ms = Number(process.hrtime.bigint() - t0) / 1e6 / opts.steps;
const nMatmul = L * (4 * D * D + 2 * D * F) + D * V;
const flops = 6 * nMatmul * B * T + 3 * L * B * 4 * T * T * D;
const result: Record<string, unknown> = {
  config: opts.config,
  params: parameterCount(config),
  backend: backend.name,
  fastMatMul: backend.fastMatMul,
  msPerStep: +ms.toFixed(1),
  tokPerS: Math.round((B * T * 1000) / ms),
  gflopPerS: +((flops / ms) * 1e-6).toFixed(2),
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  loss: `${first.toFixed(4)} -> ${last.toFixed(4)}`,
  cpu: cpus()[0]?.model,
};
if (opts.compareTorch) {
  const script = fileURLToPath(new URL('./torch_lm.py', import.meta.url));
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
    device: opts.torchDevice,
    torch_threads: 1,
  };
  // BENCHMARKS.md#pytorch-thread-settings: OpenBLAS 2 threads + torch 1 thread is PyTorch's best 2-core setting.
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(Math.min(2, cpus().length)) };
  // Debian's python3-torch lives under /usr/bin/python3, which a pyenv python3 on PATH can shadow.
  const python =
    process.env.DISTILL_BENCH_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  const py = spawnSync(python, [script, JSON.stringify(cfg)], { env, encoding: 'utf8' });
  if (py.status !== 0) {
    result.torch = `unavailable: ${(py.stderr || py.error?.message || '').trim().split('\n').pop()}`;
  } else {
    const t = JSON.parse(py.stdout.trim().split('\n').pop()!);
    result.torch = {
      ...t,
      msPerStep: +t.ms_per_step.toFixed(1),
      tokPerS: Math.round(t.tok_s),
      device: opts.torchDevice,
    };
    result.ratioVsTorch = +((result.tokPerS as number) / t.tok_s).toFixed(3);
  }
}
if (opts.json) console.log(JSON.stringify(result));
else
  for (const [k, v] of Object.entries(result))
    console.log(`${k.padEnd(14)} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
