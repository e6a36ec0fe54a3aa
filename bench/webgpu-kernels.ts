/**
 * `node bin/run-ts.mjs bench/webgpu-kernels.ts [--reps 10] [--gpu]`
 * Stock tfjs ops vs the fused WGSL kernels of harness/engine/webgpu-kernels/, on tfjs's webgpu backend:
 * dispatches and wall time per call for one clipped Adam(W) step over the `small` preset's variables
 * (harness/models/config.ts, vocab 64, context 64), the masked cross-entropy forward+backward, layer norm
 * forward+backward, GELU forward+backward and the attention core forward+backward at `small`'s
 * batch-32 sizes (2,048 rows).
 * By default it runs on Dawn's OpenGL ES adapter over Mesa llvmpipe (harness/engine/testing/webgpu-cpu.ts):
 * those are CPU timings of a software GPU, not GPU timings; the dispatch counts are what carry over.
 * `--gpu` takes the GPU adapter the backend ladder would (harness/engine/webgpu.ts) instead.
 */
import { Command } from 'commander';
import { useCpuWebGpu } from '../harness/engine/testing/webgpu-cpu.ts';
import { tf } from '../harness/engine/tf.ts';
import {
  countDispatches,
  fusedAdamStep,
  fusedAttention,
  fusedCrossEntropy,
  fusedGelu,
  fusedLayerNorm,
  fusedSumSquares,
  webGpuPipelineCount,
} from '../harness/engine/webgpu-kernels/index.ts';
import { MODEL_PRESETS } from '../harness/models/config.ts';
import { gelu, layerNorm } from '../harness/models/layers.ts';
import { TransformerLM } from '../harness/models/transformer.ts';
import { crossEntropy } from '../harness/training/losses.ts';

const opts = new Command()
  .option('--reps <n>', 'timed calls per side (median reported)', (v) => Number.parseInt(v, 10), 10)
  .option('--gpu', "use the GPU adapter (harness/engine/webgpu.ts's loadWebGpu) instead of llvmpipe")
  .parse()
  .opts();

let adapter: string;
if (opts.gpu) {
  const { loadWebGpu, webGpuAdapterInfo } = await import('../harness/engine/webgpu.ts');
  await loadWebGpu();
  const i = webGpuAdapterInfo();
  adapter = `${i?.vendor ?? '?'} / ${i?.device ?? '?'} (GPU)`;
} else {
  const r = await useCpuWebGpu();
  if (!r.ok) {
    console.error(`no CPU WebGPU adapter: ${r.reason}`);
    process.exit(1);
  }
  adapter = `${r.info.adapter} (Dawn OpenGL ES, compatibility mode; CPU software rendering, not GPU timings)`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median ms per call of `fn` (each call synced by reading one value back), and its dispatch count. */
async function time(fn: () => tf.Tensor): Promise<{ ms: number; dispatches: number }> {
  for (let i = 0; i < 2; i++) {
    const t = fn();
    await t.data();
    t.dispose();
  }
  const { result, dispatches } = countDispatches(fn);
  await result.data();
  result.dispose();
  const times: number[] = [];
  for (let i = 0; i < opts.reps; i++) {
    const t0 = performance.now();
    const t = fn();
    await t.data();
    times.push(performance.now() - t0);
    t.dispose();
  }
  return { ms: median(times), dispatches };
}

async function maxRel(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [x, y] = await Promise.all([a.data(), b.data()]);
  let e = 0;
  let s = 1e-30;
  for (let i = 0; i < y.length; i++) {
    e = Math.max(e, Math.abs(x[i] - y[i]));
    s = Math.max(s, Math.abs(y[i]));
  }
  return e / s;
}

const rows: string[][] = [];
function report(name: string, stock: { ms: number; dispatches: number }, fused: typeof stock, err: number) {
  rows.push([
    name,
    String(stock.dispatches),
    String(fused.dispatches),
    stock.ms.toFixed(2),
    fused.ms.toFixed(2),
    `${(stock.ms / fused.ms).toFixed(2)}x`,
    err.toExponential(1),
  ]);
}

// 1. One clipped Adam(W) step over the small preset's variables, with random gradients.
// (Seeds start at 1: tfjs treats seed 0 as no seed.)
const config = { ...MODEL_PRESETS.small, vocabSize: 64, maxLen: 64, positions: 'learned' as const };
const model = new TransformerLM(config, 1);
const vars = model.trainableVariables();
const nParams = vars.reduce((a, v) => a + v.size, 0);
const grads = vars.map((v, i) => tf.randomNormal(v.shape, 0, 0.02, 'float32', i + 1));
const state = (xs: tf.Variable[]) => ({
  xs: xs.map((x) => tf.variable(x.clone(), true)),
  ms: xs.map((x) => tf.variable(tf.zerosLike(x), false)),
  vs: xs.map((x) => tf.variable(tf.zerosLike(x), false)),
});
const [a, b] = [state(vars), state(vars)];
const p = { beta1: 0.9, beta2: 0.99, eps: 1e-8, clipNorm: 1, lrT: 3e-3, lrWd: 3e-5 };
const stockAdam = () =>
  tf.tidy(() => {
    // AdamTrainer.minimize's update block (harness/training/optimizer.ts), except that Σ over the
    // variables is tf.sum(tf.stack(...)) instead of tf.addN: tfjs-webgpu's AddN binds one storage
    // buffer per input, so over more than 7 tensors its pipeline is invalid (limit 8) and the sum garbage.
    const sq = tf.sum(tf.stack(grads.map((g) => tf.sum(tf.square(g)))));
    const scale = tf.minimum(1, tf.div(p.clipNorm, tf.add(tf.sqrt(sq), 1e-6)));
    a.xs.forEach((x, i) => {
      const g = tf.mul(grads[i], scale);
      a.ms[i].assign(tf.add(tf.mul(a.ms[i], p.beta1), tf.mul(g, 1 - p.beta1)));
      a.vs[i].assign(tf.add(tf.mul(a.vs[i], p.beta2), tf.mul(tf.square(g), 1 - p.beta2)));
      const update = tf.add(
        tf.mul(tf.div(a.ms[i], tf.add(tf.sqrt(a.vs[i]), p.eps)), p.lrT),
        tf.mul(x, p.lrWd),
      );
      x.assign(tf.sub(x, update));
    });
    return tf.clone(a.xs[0]);
  });
const fusedAdam = () =>
  tf.tidy(() => {
    fusedAdamStep(b.xs, grads, b.ms, b.vs, p);
    return tf.clone(b.xs[0]);
  });
const adamStock = await time(stockAdam);
const pipelinesBefore = webGpuPipelineCount();
const adamFused = await time(fusedAdam);
const fusedPipelines = webGpuPipelineCount() - pipelinesBefore;
const extra = fusedAdam();
await extra.data();
extra.dispose();
stockAdam().dispose(); // keep both sides at the same step count
const laterPipelines = webGpuPipelineCount() - pipelinesBefore - fusedPipelines;
// Both sides took the same number of steps (2 warm-up + 1 counted + reps): compare the parameters.
let adamErr = 0;
for (let i = 0; i < vars.length; i++) adamErr = Math.max(adamErr, await maxRel(b.xs[i], a.xs[i]));
report(
  `Adam(W) step, ${vars.length} variables (${nParams.toLocaleString('en-US')} params)`,
  adamStock,
  adamFused,
  adamErr,
);

// Σ g² three ways: exactly (float64 on the host), tf.sum(tf.stack) and fused. optimizer.ts's tf.addN
// is probed last (below): its invalid pipeline makes Dawn drop the whole command buffer it was
// submitted in, valid dispatches included, which would corrupt whatever ran next to it.
let exactSumSq = 0;
for (const g of grads) for (const v of await g.data()) exactSumSq += v * v;
const stackValue = (await tf.sum(tf.stack(grads.map((g) => tf.sum(tf.square(g))))).data())[0];
const fusedValue = (await fusedSumSquares(grads).data())[0];

// 2. Masked cross-entropy forward + backward at [2048, 64].
const N = 32 * 64;
const logits = tf.randomNormal([N, 64], 0, 2, 'float32', 7) as tf.Tensor2D;
const targets = tf.tensor1d(
  Array.from({ length: N }, (_, i) => (i * 37 + 11) % 64),
  'int32',
);
const mask = tf.tensor1d(Array.from({ length: N }, (_, i) => (i % 64 < 60 ? 1 : 0)));
const ceGrad = (f: typeof crossEntropy) => () =>
  tf.grad((l: tf.Tensor) => f(l as tf.Tensor2D, targets, mask))(logits);
const ceErr = await maxRel(ceGrad(fusedCrossEntropy)(), ceGrad(crossEntropy)());
report(
  'cross-entropy fwd+bwd [2048, 64]',
  await time(ceGrad(crossEntropy)),
  await time(ceGrad(fusedCrossEntropy)),
  ceErr,
);

// 3. Layer norm forward + backward at [2048, 128] (gradients w.r.t. x, γ, β; the sum syncs all three).
const x = tf.randomNormal([N, 128], 0, 1, 'float32', 8);
const gamma = tf.randomNormal([128], 1, 0.1, 'float32', 9);
const beta = tf.randomNormal([128], 0, 0.1, 'float32', 10);
const dy = tf.randomNormal([N, 128], 0, 1, 'float32', 11);
const lnGrad = (f: typeof layerNorm) => () =>
  tf.tidy(() => {
    const gs = tf.grads((u: tf.Tensor, v: tf.Tensor, w: tf.Tensor) => f(u, v, w))([x, gamma, beta], dy);
    return tf.addN([tf.sum(gs[0]), tf.sum(gs[1]), tf.sum(gs[2])]);
  });
const lnDx = (f: typeof layerNorm) =>
  tf.grads((u: tf.Tensor, v: tf.Tensor, w: tf.Tensor) => f(u, v, w))([x, gamma, beta], dy)[0];
report(
  'layer norm fwd+bwd [2048, 128] (+3 sums)',
  await time(lnGrad(layerNorm)),
  await time(lnGrad(fusedLayerNorm)),
  await maxRel(lnDx(fusedLayerNorm), lnDx(layerNorm)),
);

// 4. GELU forward + backward at [2048, 512].
const h = tf.randomNormal([N, 512], 0, 1, 'float32', 12);
const dh = tf.randomNormal([N, 512], 0, 1, 'float32', 13);
const geluGrad = (f: typeof gelu) => () => tf.grad((u: tf.Tensor) => f(u))(h, dh);
report(
  'GELU fwd+bwd [2048, 512]',
  await time(geluGrad(gelu)),
  await time(geluGrad(fusedGelu)),
  await maxRel(geluGrad(fusedGelu)(), geluGrad(gelu)()),
);

// 5. Attention core forward + backward at the small preset's [32, 4, 64, 32] with its causal mask.
const [AB, AH, AT, ADH] = [
  32,
  MODEL_PRESETS.small.heads,
  64,
  MODEL_PRESETS.small.dModel / MODEL_PRESETS.small.heads,
];
const causal = new Float32Array(AB * AT * AT);
for (let b = 0; b < AB; b++)
  for (let i = 0; i < AT; i++) for (let j = 0; j < AT; j++) causal[(b * AT + i) * AT + j] = j <= i ? 0 : -1e9;
const amask = tf.tensor4d(causal, [AB, 1, AT, AT]);
const [aq, ak, av, ady] = [51, 52, 53, 54].map((s) => tf.randomNormal([AB, AH, AT, ADH], 0, 1, 'float32', s));
// TransformerLM.forward's ops (harness/models/transformer.ts).
const stockAttn = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) =>
  tf.matMul(tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(ADH)), amask)), v);
const fusedAttn = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) =>
  fusedAttention(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D, amask);
const attnGrad = (f: typeof stockAttn) => () =>
  tf.tidy(() => {
    const gs = tf.grads(f)([aq, ak, av], ady);
    return tf.addN([tf.sum(gs[0]), tf.sum(gs[1]), tf.sum(gs[2])]);
  });
const attnDk = (f: typeof stockAttn) => tf.grads(f)([aq, ak, av], ady)[1];
report(
  `attention fwd+bwd [${AB}, ${AH}, ${AT}, ${ADH}] (+3 sums)`,
  await time(attnGrad(stockAttn)),
  await time(attnGrad(fusedAttn)),
  await maxRel(attnDk(fusedAttn), attnDk(stockAttn)),
);

console.log(`adapter: ${adapter}`);
console.log(
  `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, median of ${opts.reps} calls after 2 warm-up`,
);
console.log(
  `fused Adam: ${fusedPipelines} pipelines compiled over its first ${opts.reps + 3} steps, ${laterPipelines} on a later step\n`,
);
console.log(
  '| kernel | stock dispatches | fused dispatches | stock ms | fused ms | speed-up | max rel diff |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);

const addNValue = (await tf.addN(grads.map((g) => tf.sum(tf.square(g)))).data())[0];
const rel = (x: number) => ((x - exactSumSq) / exactSumSq).toExponential(1);
console.log(
  `\nΣ g² over the ${vars.length} gradients: exact ${exactSumSq.toFixed(6)}; fused ${fusedValue} (rel ${rel(fusedValue)}); ` +
    `tf.sum(tf.stack) ${stackValue} (rel ${rel(stackValue)}); tf.addN as optimizer.ts sums ${addNValue} ` +
    `(tfjs-webgpu's AddN binds ${vars.length + 1} storage buffers; the device allows ` +
    `${(tf.backend() as any).device.limits.maxStorageBuffersPerShaderStage})`,
);
process.exit(0);
