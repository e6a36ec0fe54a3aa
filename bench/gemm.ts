/**
 * `npm run bench:gemm -- [--reps 15] [--mr 4] [--nr 8] [--kc 256]`
 * The generated wasm SIMD GEMM (harness/engine/wasm-gemm) against tf.matMul on the wasm backend as the
 * harness loads it (XNNPACK through fastmm), on the matrix shapes of one training step of `small` and `3m`.
 * The kernel runs on tfjs's own heap (its imported WebAssembly.Memory), so neither side copies. The three
 * variants are interleaved in every repetition so a shared machine's noise hits them alike.
 * `--ceiling` first prints the most multiply-adds per second 128-bit wasm SIMD reaches here (simd-peak.ts);
 * `--compare-torch` adds PyTorch's torch.matmul on one thread (bench/torch_mm.py) as a column.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadBackend } from '../harness/engine/backend.ts';
import { setWasmGemm } from '../harness/engine/fastmm.ts';
import { Rng } from '../harness/engine/rng.ts';
import { tf } from '../harness/engine/tf.ts';
import { WasmGemm } from '../harness/engine/wasm-gemm/gemm.ts';
import { simdPeakGflops } from './simd-peak.ts';
import { blasRefusal, torchPython } from './torch-compare.ts';

const int = (v: string) => Number.parseInt(v, 10);
const opts = new Command()
  .option('--reps <n>', 'timed repetitions per shape', int, 15)
  .option('--mr <n>', 'micro-kernel rows', int, 4)
  .option('--nr <n>', 'micro-kernel columns (multiple of 4)', int, 8)
  .option('--kc <n>', 'K block', int, 256)
  .option('--unroll <n>', 'k-loop unroll', int, 1)
  .option('--only <substr>', 'shapes whose label contains this')
  .option('--ceiling', 'print the peak f32x4 multiply-add rate of this engine and CPU first')
  .option(
    '--compare-torch',
    'add PyTorch torch.matmul on one thread (python3-torch with OpenBLAS) as a column',
  )
  .parse()
  .opts();

interface Shape {
  label: string;
  batch: number;
  m: number;
  k: number;
  n: number;
  ta: boolean;
  tb: boolean;
}
const s = (label: string, m: number, k: number, n: number, ta = false, tb = false, batch = 1): Shape => ({
  label,
  batch,
  m,
  k,
  n,
  ta,
  tb,
});
const SHAPES = [
  s('fwd [2048,128]x[128,128]', 2048, 128, 128),
  s('fwd [2048,128]x[128,512]', 2048, 128, 512),
  s('fwd [2048,512]x[512,128]', 2048, 512, 128),
  s('fwd [2048,128]x[128,64]', 2048, 128, 64),
  s('dX [2048,512]x[128,512]^T', 2048, 512, 128, false, true),
  s('dW [2048,128]^T x[2048,512]', 128, 2048, 512, true, false),
  s('attn 128x [64,32]x[64,32]^T', 64, 32, 64, false, true, 128),
  s('attn 128x [64,64]x[64,32]', 64, 64, 32, false, false, 128),
  s('3m [2048,256]x[256,1024]', 2048, 256, 1024),
  s('3m [2048,1024]x[1024,256]', 2048, 1024, 256),
].filter((x) => !opts.only || x.label.includes(opts.only));

/** PyTorch's median ms per shape, same order as SHAPES; exits with the reason where there is no fair figure. */
function torchMatmulMs(): number[] {
  const script = fileURLToPath(new URL('./torch_mm.py', import.meta.url));
  const args = JSON.stringify({ shapes: SHAPES, reps: opts.reps });
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
  const py = spawnSync(torchPython(), [script, args], { env, encoding: 'utf8' });
  const why = py.status !== 0 ? (py.stderr || py.error?.message || '').trim().split('\n').pop() : undefined;
  if (why) throw new Error(`--compare-torch: PyTorch unavailable: ${why}`);
  const t = JSON.parse(py.stdout.trim().split('\n').pop()!);
  const refused = blasRefusal(t.blas_libs);
  if (refused) throw new Error(`--compare-torch: ${refused}`);
  console.log(`# PyTorch ${t.torch}, 1 thread, BLAS ${t.blas_libs.join(', ')}`);
  return t.ms;
}

await loadBackend({ backend: 'wasm' });
// The tfjs column is the XNNPACK path fastmm had before it used this kernel.
setWasmGemm(false);
const be = tf.backend() as any;
const memory: WebAssembly.Memory = be.wasm.asm.memory;
if (!(memory instanceof WebAssembly.Memory)) throw new Error('tfjs-wasm heap is not a WebAssembly.Memory');
const kernels = {
  fma: new WasmGemm(memory, { fma: true, mr: opts.mr, nr: opts.nr, kc: opts.kc, unroll: opts.unroll }),
  muladd: new WasmGemm(memory, { fma: false, mr: opts.mr, nr: opts.nr, kc: opts.kc, unroll: opts.unroll }),
};
const offset = (t: tf.Tensor) => be.dataIdMap.get(t.dataId).memoryOffset as number;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rng = new Rng(7);
const rand = (shape: number[]) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
    shape,
  );

console.log(`# ${new Date().toISOString()}  ${cpus()[0].model} x${cpus().length}  node ${process.version}`);
console.log(
  `# micro-kernel ${opts.mr}x${opts.nr}, kc ${opts.kc}, unroll ${opts.unroll}, ${opts.reps} reps, median ms (GFLOP/s)`,
);
if (opts.ceiling) {
  const peak = (fma: boolean) => simdPeakGflops({ fma }).toFixed(1);
  console.log(
    `# 128-bit wasm SIMD peak, 12 register-only chains: FMA ${peak(true)}, mul+add ${peak(false)} GFLOP/s`,
  );
}
const torchMs = opts.compareTorch ? torchMatmulMs() : undefined;
const torchHead = torchMs ? ' PyTorch 1 thread | FMA/PyTorch |' : '';
console.log(`| shape | tfjs (XNNPACK) | FMA | mul+add | FMA/tfjs | max rel err |${torchHead}`);
console.log(`|---|---|---|---|---|---|${torchMs ? '---|---|' : ''}`);
for (const sh of SHAPES) {
  const { batch, m, k, n, ta, tb } = sh;
  const pre = batch > 1 ? [batch] : [];
  const a = rand([...pre, ...(ta ? [k, m] : [m, k])]);
  const b = rand([...pre, ...(tb ? [n, k] : [k, n])]);
  const c = tf.zeros([...pre, m, n]);
  const scratchBytes = kernels.fma.scratchBytes(m, k, n);
  const scratch = be.wasm._malloc(scratchBytes);
  const ours = (g: WasmGemm) => {
    const [pa, pb, pc] = [offset(a), offset(b), offset(c)];
    for (let i = 0; i < batch; i++)
      g.matmul(pa + i * m * k * 4, pb + i * k * n * 4, pc + i * m * n * 4, m, k, n, ta, tb, scratch);
  };
  const theirs = () => tf.matMul(a, b, ta, tb);
  const want = theirs().dataSync() as Float32Array;
  let scale = 1e-6;
  for (const x of want) scale = Math.max(scale, Math.abs(x));
  let err = 0;
  for (const g of Object.values(kernels)) {
    ours(g);
    const got = c.dataSync();
    for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]) / scale);
  }
  const times = { tfjs: [] as number[], fma: [] as number[], muladd: [] as number[] };
  for (let r = 0; r < opts.reps + 2; r++) {
    let t = performance.now();
    const out = theirs();
    const tTf = performance.now() - t;
    out.dispose();
    t = performance.now();
    ours(kernels.fma);
    const tFma = performance.now() - t;
    t = performance.now();
    ours(kernels.muladd);
    const tMa = performance.now() - t;
    if (r < 2) continue;
    times.tfjs.push(tTf);
    times.fma.push(tFma);
    times.muladd.push(tMa);
  }
  const flops = 2 * batch * m * k * n;
  const cell = (xs: number[]) => `${median(xs).toFixed(3)} (${(flops / median(xs) / 1e6).toFixed(1)})`;
  const ratio = (median(times.tfjs) / median(times.fma)).toFixed(2);
  const torch = torchMs
    ? ` ${cell([torchMs[SHAPES.indexOf(sh)]])} | ${(torchMs[SHAPES.indexOf(sh)] / median(times.fma)).toFixed(2)}x |`
    : '';
  console.log(
    `| ${sh.label} | ${cell(times.tfjs)} | ${cell(times.fma)} | ${cell(times.muladd)} | ${ratio}x | ${err.toExponential(1)} |${torch}`,
  );
  be.wasm._free(scratch);
  tf.dispose([a, b, c]);
}
